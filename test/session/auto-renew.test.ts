import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { autoRenew } from "../../src/session/auto-renew";
import { internalsOf } from "../../src/client/internals";
import type { Client, ClientOptions } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { API, flush, frames, framesLeft, granted, handoff, makeClient, nextFrame, post, stateIn } from "../support/session";
import { signIn } from "../support/sign-in";

let storage: MemoryStorage;
let send: ReturnType<typeof vi.fn<typeof fetch>>;
const stops: (() => void)[] = [];

const make = (extra: Partial<ClientOptions> = {}) => makeClient(storage, { fetch: send, ...extra });

/** A signed-in client with autoRenew on. */
const renewing = async (extra: Partial<ClientOptions> = {}) => {
  const client = make(extra);
  await signIn(client, "first-token", "&expires_in=3600&scope=profile%20orders");
  stops.push(autoRenew(client));
  return client;
};

const invalidToken = () => new Response("expired", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });

/** Answers the renewal frame that appears next, with a new token or an error fragment. */
const answerFrame = async (answer: (state: string) => string = (s) => granted(s, "second-token")) => {
  const frame = await nextFrame();
  post(handoff(answer(stateIn(frame.src))), frame.contentWindow);
  return frame;
};

/** The Authorization header of each request the wrapped fetch got. */
const sentAuthorization = () => send.mock.calls.map(([input, init]) => new Headers(init?.headers ?? (input as Request).headers).get("authorization"));

beforeEach(() => {
  storage = new MemoryStorage();
  send = vi.fn<typeof fetch>(async () => new Response("ok"));
});
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  vi.useRealTimers();
  frames().forEach((f) => f.remove());
});

describe("autoRenew: before expiry", () => {
  it("renews expiringNotice seconds before expiry, asking for the token's scope, and holds the new token", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = await renewing({ clockSkew: 0, expiringNotice: 60 });
    vi.advanceTimersByTime(3_539_999);
    await flush();
    expect(await framesLeft()).toEqual([]);
    vi.advanceTimersByTime(1);
    const frame = await nextFrame();
    const url = new URL(frame.src);
    expect(url.searchParams.get("prompt")).toBe("none");
    expect(url.searchParams.get("scope")).toBe("profile orders");
    post(handoff(granted(stateIn(frame.src), "second-token")), frame.contentWindow);
    await flush();
    expect(client.getToken()?.accessToken).toBe("second-token");
    // The new token's timers replace the old ones: no expired at the old expiry.
    const expired = vi.fn();
    client.on("expired", expired);
    vi.advanceTimersByTime(120_000);
    expect(expired).not.toHaveBeenCalled();
    expect(client.getToken()?.accessToken).toBe("second-token");
  });

  it("on failure does nothing more: expired comes at expiry as usual", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = await renewing({ clockSkew: 0, expiringNotice: 60 });
    const expired = vi.fn();
    client.on("expired", expired);
    vi.advanceTimersByTime(3_540_000);
    await answerFrame((s) => `error=login_required&state=${s}`);
    await flush();
    expect(client.getToken()?.accessToken).toBe("first-token");
    expect(await framesLeft()).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(client.getToken()).toBeNull();
    expect(await framesLeft()).toEqual([]);
  });

  it("stops when told", async () => {
    vi.useFakeTimers({ now: 0 });
    const client = make({ clockSkew: 0 });
    await signIn(client);
    autoRenew(client)();
    expect(internalsOf(client).hooks.retry).toBeUndefined();
    vi.advanceTimersByTime(3_540_000);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });
});

describe("autoRenew: a Bearer 401 invalid_token from fetch()", () => {
  it("renews once and replays the request once with the new token", async () => {
    const client = await renewing();
    send.mockResolvedValueOnce(invalidToken());
    const response = client.fetch(API + "/orders", { method: "POST", body: "x=1", headers: { "X-Trace": "1" } });
    await answerFrame();
    expect(await (await response).text()).toBe("ok");
    expect(send).toHaveBeenCalledTimes(2);
    expect(sentAuthorization()).toEqual(["Bearer first-token", "Bearer second-token"]);
    const [, init] = send.mock.calls[1]!;
    expect(init).toMatchObject({ method: "POST", body: "x=1" });
    expect(new Headers(init!.headers).get("x-trace")).toBe("1");
    expect(await framesLeft()).toEqual([]);
  });

  it("never more than once: a second 401 is returned as it is, with no second renewal", async () => {
    const client = await renewing();
    const second = invalidToken();
    send.mockResolvedValueOnce(invalidToken()).mockResolvedValueOnce(second);
    const expired = vi.fn();
    client.on("expired", expired);
    const response = client.fetch(API + "/orders");
    await answerFrame();
    expect(await response).toBe(second);
    expect(send).toHaveBeenCalledTimes(2);
    await flush();
    expect(await framesLeft()).toEqual([]);
    // Both tokens were reported invalid, and dropped.
    expect(expired).toHaveBeenCalledTimes(2);
    expect(client.getToken()).toBeNull();
  });

  it("returns the original 401 when the renewal fails, without a replay", async () => {
    const client = await renewing();
    const first = invalidToken();
    send.mockResolvedValueOnce(first);
    const response = client.fetch(API + "/orders");
    await answerFrame((s) => `error=login_required&state=${s}`);
    expect(await response).toBe(first);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("shares one renewal between concurrent 401s", async () => {
    const client = await renewing();
    send.mockResolvedValueOnce(invalidToken()).mockResolvedValueOnce(invalidToken());
    const a = client.fetch(API + "/a");
    const b = client.fetch(API + "/b");
    await answerFrame();
    await Promise.all([a, b]);
    expect(await framesLeft()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(4);
    expect(sentAuthorization().slice(2)).toEqual(["Bearer second-token", "Bearer second-token"]);
  });

  const stream = () =>
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("x"));
        controller.close();
      },
    });
  const notReplayed: [string, () => [RequestInfo | URL, RequestInit?]][] = [
    ["a ReadableStream body", () => [API + "/upload", { method: "POST", body: stream(), duplex: "half" } as RequestInit]],
    ["a Request with a body", () => [new Request(API + "/upload", { method: "POST", body: "x" })]],
  ];
  it.each(notReplayed)("does not replay (or renew for) a request with %s: the 401 is returned", async (_name, args) => {
    const client = await renewing();
    const first = invalidToken();
    send.mockResolvedValueOnce(first);
    expect(await client.fetch(...args())).toBe(first);
    await flush();
    expect(await framesLeft()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);
  });

  const replayed: [string, () => [RequestInfo | URL, RequestInit?]][] = [
    ["no body (URL)", () => [new URL(API + "/a")]],
    ["a Request without a body", () => [new Request(API + "/a")]],
    [
      "a Request whose body init replaces with a string",
      () => [new Request(API + "/a", { method: "POST", body: stream(), duplex: "half" } as RequestInit), { body: "y" }],
    ],
    ["a string body", () => [API + "/a", { method: "POST", body: "y" }]],
    ["a URLSearchParams body", () => [API + "/a", { method: "POST", body: new URLSearchParams({ y: "1" }) }]],
    ["a Blob body", () => [API + "/a", { method: "POST", body: new Blob(["y"]) }]],
    ["an ArrayBuffer body", () => [API + "/a", { method: "POST", body: new Uint8Array([1]).buffer }]],
    ["a typed-array body", () => [API + "/a", { method: "POST", body: new Uint8Array([1]) }]],
    ["a FormData body", () => [API + "/a", { method: "POST", body: new FormData() }]],
  ];
  it.each(replayed)("replays a request with %s", async (_name, args) => {
    const client = await renewing();
    send.mockResolvedValueOnce(invalidToken());
    const response = client.fetch(...args());
    await answerFrame();
    expect((await response).status).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
    expect(sentAuthorization()[1]).toBe("Bearer second-token");
  });

  it("treats a bare 401 (no readable challenge) as invalid_token: renews once and replays once", async () => {
    const client = await renewing();
    send.mockResolvedValueOnce(new Response(null, { status: 401 })).mockResolvedValueOnce(new Response(null, { status: 401 }));
    const response = client.fetch(API + "/orders");
    await answerFrame();
    // The replay's own bare 401 is returned as it is: no second renewal.
    expect((await response).status).toBe(401);
    expect(sentAuthorization()).toEqual(["Bearer first-token", "Bearer second-token"]);
    expect(await framesLeft()).toEqual([]);
  });

  it("leaves a bare 403 and a 401 of another scheme alone", async () => {
    const client = await renewing();
    const forbidden = new Response(null, { status: 403 });
    const basic = new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="proxy"' } });
    send.mockResolvedValueOnce(forbidden).mockResolvedValueOnce(basic);
    expect(await client.fetch(API + "/a")).toBe(forbidden);
    expect(await client.fetch(API + "/a")).toBe(basic);
    await flush();
    expect(frames()).toEqual([]);
    expect(client.getToken()?.accessToken).toBe("first-token");
  });

  it("leaves other challenges alone (403 insufficient_scope, 401 without invalid_token)", async () => {
    const client = await renewing();
    const refused = new Response(null, { status: 403, headers: { "WWW-Authenticate": 'Bearer error="insufficient_scope", scope="orders"' } });
    const unauthenticated = new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="api"' } });
    send.mockResolvedValueOnce(refused).mockResolvedValueOnce(unauthenticated);
    expect(await client.fetch(API + "/a")).toBe(refused);
    expect(await client.fetch(API + "/a")).toBe(unauthenticated);
    await flush();
    expect(await framesLeft()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("does nothing without autoRenew, or once stopped", async () => {
    const client = make();
    await signIn(client);
    const first = invalidToken();
    send.mockResolvedValueOnce(first);
    expect(await client.fetch(API + "/a")).toBe(first);
    await signIn(client);
    autoRenew(client)();
    const again = invalidToken();
    send.mockResolvedValueOnce(again);
    expect(await client.fetch(API + "/a")).toBe(again);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });

  it("a stop leaves a newer autoRenew's hook in place", async () => {
    const client: Client = make();
    const stopOld = autoRenew(client);
    stops.push(autoRenew(client));
    const hook = internalsOf(client).hooks.retry;
    stopOld();
    expect(internalsOf(client).hooks.retry).toBe(hook);
  });
});
