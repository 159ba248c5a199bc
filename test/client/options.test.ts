import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { AuthError } from "../../src/protocol/errors";
import type { ClientOptions } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { PAGE, signIn } from "../support/sign-in";

const VALID: ClientOptions = {
  authorizationEndpoint: "https://id.example.com/authorize",
  clientId: "spa",
  redirectUri: "https://app.example.com/cb",
};

/** The error createClient throws for `options` (fails the test when it does not throw). */
const configError = (options: unknown): AuthError => {
  try {
    createClient(options as ClientOptions);
  } catch (e) {
    return e as AuthError;
  }
  throw new Error("accepted: " + JSON.stringify(options));
};

/** Asserts that `value` for `option` is refused synchronously with invalid_config naming it. */
const expectRefused = (option: string, value: unknown) => {
  const e = configError({ ...VALID, [option]: value });
  expect(e).toBeInstanceOf(AuthError);
  expect(e).toMatchObject({ name: "AuthError", code: "invalid_config", description: option });
  expect(e.message).toContain(option);
};

beforeEach(() => {
  history.replaceState(null, "", "/");
  sessionStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("invalid options → invalid_config naming the option", () => {
  it.for([undefined, null, "options", 42])("options %j itself", (options) => {
    expect(configError(options)).toMatchObject({ code: "invalid_config", description: "options" });
  });

  const badUrls = [
    undefined,
    "",
    42,
    "/authorize",
    "id.example.com/authorize",
    "http://id.example.com/authorize",
    "http://localhost.evil.test/authorize",
    "http://127.0.0.1.evil.test/authorize",
    "http://128.0.0.1/authorize",
    "http://[::2]/authorize",
    "ftp://id.example.com/authorize",
    "javascript:alert(1)",
    "data:text/html,x",
    "https://id.example.com/authorize#frag",
    "https://id.example.com/authorize#",
  ];
  it.for(badUrls)("authorizationEndpoint %j", (value) => expectRefused("authorizationEndpoint", value));
  it.for(badUrls.filter((v) => v !== undefined))("redirectUri %j", (value) => expectRefused("redirectUri", value));

  it.each([
    "http://localhost/cb",
    "http://localhost:8080/cb",
    "http://127.0.0.1/cb",
    "http://127.4.5.6:3000/cb",
    "http://[::1]:3000/cb",
    "https://app.example.com:8443/cb?x=1",
  ])("accepts the secure or loopback URL %s for authorizationEndpoint and redirectUri", (url) => {
    expect(() => createClient({ ...VALID, authorizationEndpoint: url, redirectUri: url })).not.toThrow();
  });

  it.for([undefined, "", 42, null, ["spa"], "sp\na", "caf\u00e9"])("clientId %j", (value) => expectRefused("clientId", value));

  it.for<unknown>(['a"b', "a\\b", ["a b"], [""], [1], ["ok", 'no"'], {}, 42, "caf\u00e9"])("scope %j", (value) => expectRefused("scope", value));

  it.for<unknown>([
    "https://api.example.com",
    ["http://api.example.com"],
    ["ftp://api.example.com"],
    ["https://user:pw@api.example.com"],
    ["https://user@api.example.com"],
    ["https://api.example.com?x=1"],
    ["https://api.example.com/#x"],
    ["https://api.example.com", 42],
    [null],
    ["data:text/plain,x"],
    ["javascript:alert(1)"],
    {},
  ])("resourceOrigins %j", (value) => expectRefused("resourceOrigins", value));

  it.for<unknown>([
    { response_type: "code" },
    { client_id: "other" },
    { redirect_uri: "https://evil.test/" },
    { scope: "admin" },
    { state: "fixed" },
    { audience: 42 },
    { audience: undefined },
    ["a"],
    "audience=x",
    null,
  ])("extraParams %j", (value) => expectRefused("extraParams", value));

  it.each([
    ["clockSkew", [-1, NaN, Infinity, "30", [30]]],
    ["expiringNotice", [-1, NaN, Infinity, "60"]],
    ["stateTtl", [0, -1, NaN, Infinity, "600"]],
  ] as const)("%s", (option, values) => {
    for (const value of values) expectRefused(option, value);
  });

  it("accepts 0 for clockSkew and expiringNotice", () => {
    expect(() => createClient({ ...VALID, clockSkew: 0, expiringNotice: 0 })).not.toThrow();
  });

  it.for<unknown>([{}, { getItem: () => null }, "sessionStorage", 42, null])("storage %j", (value) => expectRefused("storage", value));

  it.for<unknown>(["fetch", {}, 42, null])("fetch %j", (value) => expectRefused("fetch", value));
});

describe("defaults", () => {
  const minimal = (): ClientOptions => ({ authorizationEndpoint: "https://id.example.com/authorize", clientId: "spa" });
  const request = async (client: ReturnType<typeof createClient>) => new URL(await client.authorizationUrl()).searchParams;

  it("redirectUri: the page's origin and path, without query or fragment", async () => {
    history.replaceState(null, "", "/app/page?x=1#/route");
    expect((await request(createClient(minimal()))).get("redirect_uri")).toBe("http://localhost:3000/app/page");
  });

  it("scope: none, so no scope parameter", async () => {
    expect((await request(createClient(minimal()))).has("scope")).toBe(false);
  });

  it("scope: a string is split on spaces, a list is kept", async () => {
    expect((await request(createClient({ ...minimal(), scope: "  profile   api:read " }))).get("scope")).toBe("profile api:read");
    expect((await request(createClient({ ...minimal(), scope: ["profile", "api:read"] }))).get("scope")).toBe("profile api:read");
  });

  it("storage: sessionStorage holds the pending login", async () => {
    const state = (await request(createClient(minimal()))).get("state")!;
    expect(Object.keys(JSON.parse(sessionStorage.getItem("implicitly:spa https://id.example.com/authorize")!))).toEqual([state]);
  });

  it("resourceOrigins: the page's origin only", async () => {
    const send = vi.fn<typeof fetch>(async () => new Response("ok"));
    const client = createClient({ ...minimal(), fetch: send });
    await signIn(client);
    await client.fetch(PAGE + "anything");
    await client.fetch("https://api.example.com/x");
    const [own, other] = send.mock.calls.map(([input, init]) => new Request(input, init).headers.get("authorization"));
    expect(own).toBe("Bearer 2YotnFZFEjr1zMsicMWpAA");
    expect(other).toBeNull();
  });

  it("fetch: the global fetch, looked up at call time", async () => {
    const client = createClient(minimal());
    await signIn(client);
    const send = vi.fn<typeof fetch>(async () => new Response("ok"));
    vi.stubGlobal("fetch", send);
    await client.fetch(PAGE + "x");
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("clockSkew: 30 seconds", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const client = createClient({ ...minimal(), storage: new MemoryStorage() });
    const token = await signIn(client);
    expect(token.expiresAt).toBe(1_000_000 + (3600 - 30) * 1000);
  });

  it("expiringNotice: 60 seconds before expiry", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = createClient({ ...minimal(), storage: new MemoryStorage(), clockSkew: 0 });
    const seen: number[] = [];
    client.on("expiring", () => seen.push(Date.now()));
    await signIn(client, "t", "&expires_in=600");
    vi.advanceTimersByTime(539_999);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([540_000]);
  });

  it("stateTtl: a pending login lives 600 seconds", async () => {
    vi.useFakeTimers({ now: 0 });
    const storage = new MemoryStorage();
    const client = createClient({ ...minimal(), storage });
    const start = async () => (await request(client)).get("state")!;
    const callback = (state: string) => `${PAGE}cb#access_token=a&token_type=Bearer&state=${encodeURIComponent(state)}`;
    const fresh = await start();
    vi.setSystemTime(599_000);
    await expect(client.handleRedirect(callback(fresh))).resolves.toMatchObject({ token: { accessToken: "a" } });
    vi.setSystemTime(1_000_000);
    const stale = await start();
    vi.setSystemTime(1_000_000 + 601_000);
    await expect(client.handleRedirect(callback(stale))).rejects.toMatchObject({ code: "state_mismatch", description: "state expired" });
  });

  it("the options object is read once: later changes to it have no effect", async () => {
    const options = { ...minimal(), storage: new MemoryStorage(), scope: ["profile"] as string[], extraParams: { audience: "a" } as Record<string, string> };
    const client = createClient(options);
    options.scope.push('bad"scope');
    options.extraParams.state = "fixed";
    options.clientId = "other";
    const q = await request(client);
    expect(q.get("scope")).toBe("profile");
    expect(q.get("client_id")).toBe("spa");
    expect(q.getAll("state")).toHaveLength(1);
    expect(q.get("state")).not.toBe("fixed");
  });
});
