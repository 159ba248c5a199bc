import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import type { ClientOptions, Token } from "../../src/index";
import { MemoryStorage, brokenStorage } from "../support/memory-storage";

const APP = "http://localhost:3000/";
const ENDPOINT = "https://id.example.com/authorize?tenant=t1";
/** Where the pending logins of the client "spa" at ENDPOINT are stored. */
const KEY = "implicitly:spa " + ENDPOINT;
let storage: MemoryStorage;

const make = (extra: Partial<ClientOptions> = {}) =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    clientId: "spa",
    redirectUri: APP + "callback",
    scope: ["profile", "api:read"],
    resourceOrigins: ["https://api.example.com"],
    storage,
    ...extra,
  });

/** Starts a login and returns its state. */
const start = async (client = make(), opts = {}) => new URL(await client.authorizationUrl(opts)).searchParams.get("state")!;

const callback = (fragment: string) => APP + "callback?x=1#" + fragment;
const success = (state: string, extra = "") => callback(`access_token=2YotnFZFEjr1zMsicMWpAA&state=${state}&token_type=Bearer&expires_in=3600${extra}`);

beforeEach(() => {
  storage = new MemoryStorage();
  history.replaceState(null, "", "/");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("authorizationUrl and login", () => {
  it("builds the implicit-grant request, keeping the endpoint's query", async () => {
    const url = new URL(await make({ extraParams: { audience: "https://api.example.com" } }).authorizationUrl());
    expect(url.origin + url.pathname).toBe("https://id.example.com/authorize");
    const q = url.searchParams;
    expect([...q.keys()].sort()).toEqual(["audience", "client_id", "redirect_uri", "response_type", "scope", "state", "tenant"]);
    expect(q.get("response_type")).toBe("token");
    expect(q.get("client_id")).toBe("spa");
    expect(q.get("redirect_uri")).toBe(APP + "callback");
    expect(q.get("scope")).toBe("profile api:read");
    expect(q.get("tenant")).toBe("t1");
    expect(q.get("audience")).toBe("https://api.example.com");
  });

  it("takes per-call scope, extraParams and redirectUri, and never repeats a parameter", async () => {
    const client = make({ extraParams: { prompt: "login", tenant: "t2" } });
    const url = new URL(await client.authorizationUrl({ scope: "orders", extraParams: { prompt: "none" }, redirectUri: APP + "other" }));
    expect(url.searchParams.getAll("prompt")).toEqual(["none"]);
    expect(url.searchParams.getAll("tenant")).toEqual(["t2"]);
    expect(url.searchParams.get("scope")).toBe("orders");
    expect(url.searchParams.get("redirect_uri")).toBe(APP + "other");
  });

  it("leaves scope out when there is none", async () => {
    const url = new URL(await make({ scope: [] }).authorizationUrl());
    expect(url.searchParams.has("scope")).toBe(false);
  });

  it("rejects bad per-call options with invalid_config", async () => {
    const client = make();
    await expect(client.authorizationUrl({ redirectUri: "http://evil.test/cb" })).rejects.toMatchObject({ code: "invalid_config", description: "redirectUri" });
    await expect(client.authorizationUrl({ scope: 'a"b' })).rejects.toMatchObject({ code: "invalid_config", description: "scope" });
    await expect(client.authorizationUrl({ extraParams: { state: "x" } })).rejects.toMatchObject({ code: "invalid_config", description: "extraParams" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(client.authorizationUrl({ appState: cyclic })).rejects.toMatchObject({ code: "invalid_config", description: "appState" });
  });

  it("uses a fresh 256-bit base64url state from crypto.getRandomValues for every request", async () => {
    const spy = vi.spyOn(crypto, "getRandomValues");
    const states = new Set<string>();
    for (let i = 0; i < 50; i++) states.add(await start());
    expect(states.size).toBe(50);
    for (const s of states) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(spy).toHaveBeenCalledTimes(50);
  });

  it("stores the pending login per client with time, redirect URI, scope and appState; never a token", async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const state = await start(make(), { appState: { route: "/orders" } });
    const stored = JSON.parse(storage.getItem(KEY)!);
    expect(stored[state]).toEqual({
      created: 1_700_000_000_000,
      redirectUri: APP + "callback",
      scope: ["profile", "api:read"],
      appState: { route: "/orders" },
    });
    await make({ clientId: "other" }).authorizationUrl();
    expect(storage.getItem("implicitly:other " + ENDPOINT)).not.toBeNull();
    expect(Object.keys(JSON.parse(storage.getItem(KEY)!))).toEqual([state]);
  });

  it("login() navigates to the authorization URL with location.assign", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...location, href: location.href, assign });
    await make().login({ scope: "profile" });
    expect(assign).toHaveBeenCalledTimes(1);
    const url = new URL(assign.mock.calls[0]![0]);
    expect(url.searchParams.get("scope")).toBe("profile");
    expect(JSON.parse(storage.getItem(KEY)!)[url.searchParams.get("state")!]).toBeDefined();
  });

  it("storage that throws → storage_unavailable, and nothing navigates", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...location, href: location.href, assign });
    await expect(make({ storage: brokenStorage() }).login()).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(assign).not.toHaveBeenCalled();
  });

  it("a disabled sessionStorage (reading it throws) → storage_unavailable", async () => {
    vi.stubGlobal("sessionStorage", undefined);
    Object.defineProperty(globalThis, "sessionStorage", {
      configurable: true,
      get: () => {
        throw new DOMException("denied", "SecurityError");
      },
    });
    const client = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa" });
    await expect(client.authorizationUrl()).rejects.toMatchObject({ code: "storage_unavailable" });
  });
});

describe("handleRedirect", () => {
  it("returns null and leaves the URL alone when there is no response", async () => {
    const client = make();
    history.replaceState(null, "", "/page?x=1#/settings");
    expect(await client.handleRedirect()).toBeNull();
    expect(location.href).toBe(APP + "page?x=1#/settings");
  });

  it("accepts a valid response: token in memory, granted scope, expiry with clock skew, appState back", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const client = make();
    const state = await start(client, { appState: ["back", 1] });
    const result = await client.handleRedirect(success(state, "&scope=profile"));
    const token: Token = { accessToken: "2YotnFZFEjr1zMsicMWpAA", tokenType: "Bearer", scope: ["profile"], expiresAt: 1_000_000 + (3600 - 30) * 1000 };
    expect(result).toEqual({ token, appState: ["back", 1] });
    expect(client.getToken()).toEqual(token);
  });

  it("records the requested scope when the response omits scope, and no appState key without one", async () => {
    const client = make();
    const result = await client.handleRedirect(success(await start(client)));
    expect(result!.token.scope).toEqual(["profile", "api:read"]);
    expect(result).not.toHaveProperty("appState");
  });

  it("token without expires_in has no expiresAt and stays valid", async () => {
    const client = make();
    const state = await start(client);
    const result = await client.handleRedirect(callback(`access_token=abc&token_type=bearer&state=${state}`));
    expect(result!.token).not.toHaveProperty("expiresAt");
    expect(client.getToken()!.accessToken).toBe("abc");
  });

  it("state is one-time: replaying the same response on a new page load → state_mismatch (unknown or used)", async () => {
    const state = await start();
    await make().handleRedirect(success(state));
    const replay = make().handleRedirect(success(state));
    await expect(replay).rejects.toMatchObject({ code: "state_mismatch", description: "state unknown or used" });
  });

  it("missing, unknown and expired state each say so in description", async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const client = make({ stateTtl: 60 });
    await expect(client.handleRedirect(callback("access_token=a&token_type=Bearer"))).rejects.toMatchObject({
      code: "state_mismatch",
      description: "state missing",
    });
    await expect(client.handleRedirect(callback("access_token=a&token_type=Bearer&state=nope"))).rejects.toMatchObject({
      code: "state_mismatch",
      description: "state unknown or used",
    });
    const state = await start(client);
    vi.setSystemTime(5_000_000 + 61_000);
    await expect(client.handleRedirect(success(state))).rejects.toMatchObject({ code: "state_mismatch", description: "state expired" });
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("checks state before the error: an error for a login we did not start is state_mismatch", async () => {
    await expect(make().handleRedirect(callback("error=access_denied&state=forged"))).rejects.toMatchObject({ code: "state_mismatch" });
    await expect(make().handleRedirect(callback("error=access_denied"))).rejects.toMatchObject({ code: "state_mismatch" });
  });

  it("turns an error response into an AuthError with the server's code, description, uri and the appState", async () => {
    const client = make();
    const state = await start(client, { appState: "/x" });
    const p = client.handleRedirect(
      callback(`error=access_denied&error_description=The+user+said+no&error_uri=https%3A%2F%2Fid.example.com%2Fe&state=${state}`),
    );
    await expect(p).rejects.toMatchObject({
      name: "AuthError",
      code: "access_denied",
      description: "The user said no",
      uri: "https://id.example.com/e",
      appState: "/x",
    });
    expect(client.getToken()).toBeNull();
    // the pending login is consumed by the error too
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("refuses other token types and incomplete responses", async () => {
    let client = make();
    await expect(client.handleRedirect(callback(`access_token=a&token_type=mac&state=${await start(client)}`))).rejects.toMatchObject({
      code: "unsupported_token_type",
    });
    client = make();
    await expect(client.handleRedirect(callback(`token_type=Bearer&state=${await start(client)}`))).rejects.toMatchObject({ code: "invalid_response" });
    client = make();
    await expect(client.handleRedirect(callback(`access_token=a&state=${await start(client)}`))).rejects.toMatchObject({ code: "invalid_response" });
    expect(client.getToken()).toBeNull();
  });

  it("malformed responses (duplicate parameter, bad encoding) → invalid_response, and no token", async () => {
    const client = make();
    const state = await start(client);
    await expect(client.handleRedirect(success(state, "&state=" + state))).rejects.toMatchObject({ code: "invalid_response" });
    await expect(client.handleRedirect(callback(`access_token=%zz&token_type=Bearer&state=${state}`))).rejects.toMatchObject({ code: "invalid_response" });
    expect(client.getToken()).toBeNull();
  });

  it("removes the response from the address bar with replaceState in every outcome, keeping path, query and history length", async () => {
    const outcomes = [
      async (s: string) => success(s),
      async (s: string) => callback(`error=access_denied&state=${s}`),
      async () => callback("access_token=a&token_type=Bearer&state=unknown"),
      async (s: string) => callback(`access_token=%zz&state=${s}`),
    ];
    for (const outcome of outcomes) {
      const client = make();
      const url = await outcome(await start(client));
      history.replaceState({ app: 1 }, "", url);
      const length = history.length;
      const replace = vi.spyOn(history, "replaceState");
      await client.handleRedirect().catch(() => undefined);
      expect(location.href).toBe(APP + "callback?x=1");
      expect(location.hash).toBe("");
      expect(history.length).toBe(length);
      expect(history.state).toEqual({ app: 1 });
      expect(replace).toHaveBeenCalledTimes(1);
      replace.mockRestore();
    }
  });

  it("leaves the address bar alone when handling a URL that is not the current one", async () => {
    const client = make();
    history.replaceState(null, "", "/somewhere#/route");
    await client.handleRedirect(success(await start(client)));
    expect(location.href).toBe(APP + "somewhere#/route");
  });

  it("gives a second call in the same page load the same result (frameworks mount twice)", async () => {
    const client = make();
    history.replaceState(null, "", success(await start(client)));
    const first = client.handleRedirect();
    const second = client.handleRedirect(); // the URL is clean by now
    expect(await second).toBe(await first); // the very same result object
    const third = await client.handleRedirect();
    expect(third).toEqual(await first);
    expect(third!.token.accessToken).toBe("2YotnFZFEjr1zMsicMWpAA");

    const failing = make();
    history.replaceState(null, "", callback("error=access_denied&state=forged"));
    const a = failing.handleRedirect();
    const b = failing.handleRedirect();
    await expect(a).rejects.toMatchObject({ code: "state_mismatch" });
    await expect(b).rejects.toMatchObject({ code: "state_mismatch" });
  });

  it("keeps several pending logins apart (two buttons, two tabs)", async () => {
    const client = make();
    const one = await start(client, { appState: 1 });
    const two = await start(client, { appState: 2 });
    expect((await make().handleRedirect(success(two)))!.appState).toBe(2);
    expect((await make().handleRedirect(success(one)))!.appState).toBe(1);
  });

  it("a storage that fails at the callback → storage_unavailable", async () => {
    const client = make({ storage: brokenStorage("SecurityError") });
    await expect(client.handleRedirect(success("abc"))).rejects.toMatchObject({ code: "storage_unavailable" });
  });
});

describe("handleRedirect: an error response in the query (servers that send it there)", () => {
  const queried = (query: string) => APP + "callback?" + query;

  it("rejects with the server's error when the state names a pending login, and consumes it", async () => {
    const client = make();
    const state = await start(client, { appState: "/x" });
    const p = client.handleRedirect(
      queried(`error=access_denied&error_description=The+user+said+no&error_uri=https%3A%2F%2Fid.example.com%2Fe&state=${state}`),
    );
    await expect(p).rejects.toMatchObject({
      name: "AuthError",
      code: "access_denied",
      description: "The user said no",
      uri: "https://id.example.com/e",
      appState: "/x",
    });
    expect(storage.getItem(KEY)).toBeNull();
    expect(client.getToken()).toBeNull();
  });

  it("cleans only the response's parameters out of the address bar, keeping the app's, history.state and the history length", async () => {
    const client = make();
    const state = await start(client);
    history.replaceState({ app: 1 }, "", queried(`tab=2&error=access_denied&state=${state}&iss=https%3A%2F%2Fid.example.com&q=a+b`));
    const length = history.length;
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "access_denied" });
    expect(location.href).toBe(APP + "callback?tab=2&q=a+b");
    expect(history.state).toEqual({ app: 1 });
    expect(history.length).toBe(length);
    history.replaceState(null, "", queried(`error=login_required&state=${await start(client)}`));
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "login_required" });
    expect(location.href).toBe(APP + "callback");
  });

  it("leaves a query error without a pending state alone: the app's business", async () => {
    const client = make();
    await start(client);
    for (const query of ["error=access_denied", "error=access_denied&state=unknown", "error=a&error=b&state=unknown", "state=CA", "error=%zz"]) {
      history.replaceState(null, "", queried(query));
      await expect(client.handleRedirect(), query).resolves.toBeNull();
      expect(location.href).toBe(queried(query));
    }
    // The pending login is still there.
    expect(Object.keys(JSON.parse(storage.getItem(KEY)!))).toHaveLength(1);
  });

  it("checks the response strictly once its state is pending: a repeated parameter is invalid_response, and consumes the login", async () => {
    const client = make();
    const state = await start(client);
    history.replaceState(null, "", queried(`error=access_denied&error=server_error&state=${state}&tab=1`));
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response", description: "error repeated" });
    expect(location.href).toBe(queried("tab=1"));
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("refuses a token in the query (invalid_response), consumes the login and takes the token out of the address bar", async () => {
    const client = make();
    const state = await start(client);
    history.replaceState(null, "", queried(`access_token=2YotnFZFEjr1zMsicMWpAA&token_type=Bearer&state=${state}`));
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response", description: "access_token malformed" });
    expect(location.href).not.toContain("2YotnFZFEjr1zMsicMWpAA");
    expect(client.getToken()).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("an expired login's query error is still ours: state_mismatch (state expired), cleaned", async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const client = make({ stateTtl: 60 });
    const state = await start(client);
    vi.setSystemTime(5_000_000 + 61_000);
    history.replaceState(null, "", queried(`error=access_denied&state=${state}`));
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "state_mismatch", description: "state expired" });
    expect(location.href).toBe(APP + "callback");
  });

  it("prefers a response in the fragment, and leaves the query alone then", async () => {
    const client = make();
    const state = await start(client);
    const other = await start(client);
    const result = await client.handleRedirect(APP + `callback?error=access_denied&state=${other}#` + `access_token=tok&token_type=Bearer&state=${state}`);
    expect(result!.token.accessToken).toBe("tok");
    // The other login is still pending.
    expect(Object.keys(JSON.parse(storage.getItem(KEY)!))).toEqual([other]);
  });

  it("gives a second call the same outcome", async () => {
    const client = make();
    history.replaceState(null, "", queried(`error=access_denied&state=${await start(client)}`));
    const a = client.handleRedirect();
    const b = client.handleRedirect();
    await expect(a).rejects.toMatchObject({ code: "access_denied" });
    await expect(b).rejects.toMatchObject({ code: "access_denied" });
  });

  it("in a frame or popup (f. or p. state), hands the raw URL of a query response to the page that opened it, cleaned", async () => {
    const post = vi.spyOn(window, "postMessage");
    const url = queried("tab=1&error=login_required&error_description=No+session&state=f.abc");
    history.replaceState(null, "", url);
    expect(await make().handleRedirect()).toBeNull();
    // The opener reads it as this page does: the fragment, else the query's response part.
    expect(post).toHaveBeenCalledWith({ implicitly: url }, location.origin);
    expect(location.href).toBe(queried("tab=1"));
  });
});

describe("token lifecycle and events", () => {
  const signIn = async (client = make(), expiresIn = 3600) => {
    const state = await start(client);
    await client.handleRedirect(callback(`access_token=tok&token_type=Bearer&expires_in=${expiresIn}&state=${state}`));
    return client;
  };

  it("emits token, then expiring expiringNotice seconds before expiry, then expired; getToken() null after", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = make({ clockSkew: 10, expiringNotice: 60 });
    const seen: string[] = [];
    for (const e of ["token", "expiring", "expired", "logout"] as const) client.on(e, () => seen.push(e + "@" + Date.now()));
    await signIn(client, 600);
    expect(seen).toEqual(["token@0"]);
    vi.advanceTimersByTime(530_000);
    expect(seen).toEqual(["token@0", "expiring@530000"]);
    expect(client.getToken()).not.toBeNull();
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(["token@0", "expiring@530000", "expired@590000"]);
    expect(client.getToken()).toBeNull();
  });

  it("getToken() is null once expired even if timers were delayed (sleeping tab)", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = await signIn(make(), 100);
    vi.setSystemTime(70_001);
    expect(client.getToken()).toBeNull();
  });

  it("logout() forgets the token, cancels timers and emits logout", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = await signIn();
    const events: string[] = [];
    client.on("logout", () => events.push("logout"));
    client.on("expired", () => events.push("expired"));
    client.logout();
    expect(client.getToken()).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(4_000_000);
    expect(events).toEqual(["logout"]);
  });

  it("a throwing listener never breaks the client; unsubscribe works", async () => {
    const client = make();
    const calls: string[] = [];
    client.on("token", () => {
      throw new Error("app bug");
    });
    const off = client.on("token", () => calls.push("b"));
    await signIn(client);
    expect(client.getToken()).not.toBeNull();
    expect(calls).toEqual(["b"]);
    off();
    await signIn(client);
    expect(calls).toEqual(["b"]);
  });

  it("rejects unknown events", () => {
    expect(() => make().on("expire" as "expired", () => {})).toThrow(expect.objectContaining({ code: "invalid_config" }));
  });
});

describe("logout sticks: the outcome of a callback is handed back only while its token is held", () => {
  it("after logout(), handleRedirect() on the callback URL, the clean URL or none hands back nothing", async () => {
    const client = make();
    const url = success(await start(client));
    history.replaceState(null, "", url);
    const { token } = (await client.handleRedirect())!;
    expect((await client.handleRedirect())!.token).toBe(token); // a second mount, same outcome
    client.logout();
    expect(await client.handleRedirect()).toBeNull();
    expect(await client.handleRedirect(APP + "callback?x=1")).toBeNull();
    await expect(client.handleRedirect(url)).rejects.toMatchObject({ code: "state_mismatch", description: "state unknown or used" });
    expect(client.getToken()).toBeNull();
  });

  it("nor once the token has expired, or a newer token replaced it", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const client = make();
    history.replaceState(null, "", success(await start(client)));
    await client.handleRedirect();
    vi.setSystemTime(1_000_000 + 3600_000);
    expect(await client.handleRedirect()).toBeNull();

    const other = make();
    history.replaceState(null, "", success(await start(other)));
    const first = await other.handleRedirect();
    const newer = await other.handleRedirect(callback(`access_token=newer&token_type=Bearer&state=${await start(other)}`));
    expect(first!.token).not.toBe(newer!.token);
    // The clean URL of the first response: the client holds the newer token, not that one.
    expect(await other.handleRedirect(APP + "callback?x=1")).toBe(newer);
  });
});

describe("prototype pollution cannot steer a request", () => {
  const POLLUTED = {
    redirectUri: "https://evil.test/cb",
    extraParams: { response_mode: "query" },
    response_mode: "query",
    request_uri: "https://evil.test/request",
    scope: "evil",
    // the client's hook names
    request: "x",
    check: "x",
    accept: "x",
    retry: "x",
  };
  const proto = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    for (const name in POLLUTED) delete proto[name];
  });

  it("with Object.prototype polluted, createClient works and no authorization request changes", async () => {
    const clean = new URL(await make().authorizationUrl({ appState: 1 }));
    Object.assign(proto, POLLUTED);
    const client = make();
    const url = new URL(await client.authorizationUrl({ appState: 1 }));
    const names = (u: URL) => [...u.searchParams.keys()].sort();
    expect(names(url)).toEqual(names(clean));
    expect(url.searchParams.get("redirect_uri")).toBe(APP + "callback");
    expect(url.searchParams.get("scope")).toBe("profile api:read");
    expect(url.searchParams.has("response_mode")).toBe(false);
    expect(url.searchParams.has("request_uri")).toBe(false);
    // And the login completes.
    const result = await client.handleRedirect(success(url.searchParams.get("state")!));
    expect(result).toMatchObject({ token: { accessToken: "2YotnFZFEjr1zMsicMWpAA" }, appState: 1 });
  });

  it("per-call options are read from their own members only", async () => {
    Object.assign(proto, POLLUTED);
    const url = new URL(await make().authorizationUrl({}));
    expect(url.searchParams.get("redirect_uri")).toBe(APP + "callback");
    expect(url.searchParams.has("response_mode")).toBe(false);
  });
});

describe("error_uri", () => {
  it.each([
    ["https://id.example.com/errors/denied", "https://id.example.com/errors/denied"],
    ["http://127.0.0.1:8701/e", "http://127.0.0.1:8701/e"],
    ["http://localhost/e", "http://localhost/e"],
    ["javascript:alert(1)", undefined],
    ["JavaScript:alert(1)", undefined],
    ["data:text/html,x", undefined],
    ["/errors/denied", undefined],
    ["errors", undefined],
    ["//evil.test/e", undefined],
    ["http://evil.test/e", undefined],
    ["https://", undefined],
  ])("%s → AuthError.uri %s", async (uri, expected) => {
    const client = make();
    const state = await start(client);
    const error = await client.handleRedirect(callback(`error=access_denied&error_uri=${encodeURIComponent(uri)}&state=${state}`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AuthError", code: "access_denied" });
    expect((error as { uri?: string }).uri).toBe(expected);
  });
});

describe("tokens that cannot be sent as Bearer credentials (RFC 6750 §2.1)", () => {
  it.each(["a+b", "a%20b", "a,b", "a%22b", "a;b", "a=b", "%3Dab"])("access_token=%s → invalid_response, and no token", async (value) => {
    const client = make();
    const state = await start(client);
    await expect(client.handleRedirect(callback(`access_token=${value}&token_type=Bearer&state=${state}`))).rejects.toMatchObject({
      code: "invalid_response",
      description: "access_token malformed",
    });
    expect(client.getToken()).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("accepts every b64token character", async () => {
    const client = make();
    const result = await client.handleRedirect(callback(`access_token=${encodeURIComponent("Az09-._~+/==")}&token_type=Bearer&state=${await start(client)}`));
    expect(result!.token.accessToken).toBe("Az09-._~+/==");
  });
});

describe("hash routes are the app's", () => {
  it.each(["#/orders?state=shipped", "#/orders?x=1&state=shipped", "#!/orders&state=shipped&access_token=a&token_type=Bearer"])(
    "%s is no response: null, and the URL is left alone",
    async (route) => {
      const client = make();
      await start(client);
      history.replaceState(null, "", "/page" + route);
      const replace = vi.spyOn(history, "replaceState");
      expect(await client.handleRedirect()).toBeNull();
      expect(location.hash).toBe(route);
      expect(replace).not.toHaveBeenCalled();
      expect(Object.keys(JSON.parse(storage.getItem(KEY)!))).toHaveLength(1);
    },
  );
});

describe("extraParams", () => {
  it.each(["response_mode", "request", "request_uri"])("refuses %s (createClient and per call): invalid_config", async (name) => {
    expect(() => make({ extraParams: { [name]: "x" } })).toThrow(expect.objectContaining({ code: "invalid_config", description: "extraParams" }));
    await expect(make().authorizationUrl({ extraParams: { [name]: "x" } })).rejects.toMatchObject({ code: "invalid_config", description: "extraParams" });
  });
});

describe("pending logins are bound to their server (RFC 9700 §4.4.2)", () => {
  it("a client with the same client id at another server neither sees nor completes them", async () => {
    const a = make();
    const b = make({ authorizationEndpoint: "https://other.example.com/authorize" });
    const stateA = await start(a);
    const stateB = await start(b);
    await expect(b.handleRedirect(success(stateA))).rejects.toMatchObject({ code: "state_mismatch", description: "state unknown or used" });
    expect(b.getToken()).toBeNull();
    // A's login is still pending, and completes at A only.
    expect((await make().handleRedirect(success(stateA)))!.token.accessToken).toBe("2YotnFZFEjr1zMsicMWpAA");
    await expect(make().handleRedirect(success(stateB))).rejects.toMatchObject({ code: "state_mismatch" });
    expect(storage.getItem("implicitly:spa https://other.example.com/authorize")).toContain(stateB);
  });
});
