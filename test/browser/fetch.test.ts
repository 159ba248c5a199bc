import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { AuthError, isAuthError } from "../../src/protocol/errors";
import type { BearerChallenge, ClientOptions, Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { PAGE, signIn } from "../support/sign-in";

const API = "https://api.example.com";
const BEARER = "Bearer 2YotnFZFEjr1zMsicMWpAA";

let storage: MemoryStorage;
let send: ReturnType<typeof vi.fn<typeof fetch>>;

/** A client whose token may go to https://api.example.com and to /api/ on the page's origin. */
const make = (extra: Partial<ClientOptions> = {}) =>
  createClient({
    authorizationEndpoint: "https://id.example.com/authorize",
    clientId: "spa",
    redirectUri: PAGE + "cb",
    resourceOrigins: [API, "/api/"],
    storage,
    fetch: send,
    ...extra,
  });

const signedIn = async (extra: Partial<ClientOptions> = {}) => {
  const client = make(extra);
  await signIn(client);
  return client;
};

/** The arguments of the last call to the wrapped fetch. */
const lastCall = () => {
  const call = send.mock.lastCall;
  if (!call) throw new Error("nothing was sent");
  return call;
};

/** The request the wrapped fetch would make from its arguments (as the page's `fetch` does). */
const lastRequest = () => {
  const [input, init] = lastCall();
  // Node's Request has no page to resolve a relative URL against.
  return new Request(typeof input == "string" ? new URL(input, PAGE) : input, init);
};

const challenge = (status: number, header?: string) => new Response(null, { status, headers: header === undefined ? {} : { "WWW-Authenticate": header } });

/** Records the client's events, in order. */
const record = (client: ReturnType<typeof make>) => {
  const seen: [string, unknown][] = [];
  for (const name of ["token", "expiring", "expired", "logout", "unauthorized"] as const) {
    client.on(name, (payload: unknown) => seen.push([name, payload]));
  }
  return seen;
};

beforeEach(() => {
  storage = new MemoryStorage();
  send = vi.fn<typeof fetch>(async () => new Response("ok"));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("which requests get the token", () => {
  // Resolved against the page (http://localhost:3000/): /api/ is a resource, the rest of the page's origin is not.
  const inside = [
    API,
    API + "/",
    API + "/orders?x=1#top",
    "https://API.Example.COM:443/orders",
    "/api",
    "/api/",
    "/api/orders",
    "api/orders",
    "/other/../api/orders",
    PAGE + "api/orders?q=1",
  ];
  const outside = [
    "https://api.example.com.evil.test/orders",
    "https://api.example.com@evil.test/orders",
    "//api.example.com.evil.test/orders",
    "https://evil.test/https://api.example.com/orders",
    "https://evil.test/?u=https://api.example.com",
    "http://api.example.com/orders",
    "https://api.example.com:8443/orders",
    "wss://api.example.com/orders",
    "/apix",
    "/apix/orders",
    "/ap",
    "/",
    "/app/api/orders",
    "/api/../admin",
    "https://localhost:3000/api/orders",
    "http://localhost:3001/api/orders",
  ];

  it.each(inside)("adds Authorization to %s (string, URL and Request)", async (url) => {
    const client = await signedIn();
    const absolute = new URL(url, PAGE).href;
    for (const input of [url, new URL(absolute), new Request(absolute)]) {
      send.mockClear();
      await client.fetch(input);
      expect(send).toHaveBeenCalledTimes(1);
      expect(lastRequest().headers.get("authorization")).toBe(BEARER);
      expect(lastRequest().url).toBe(absolute);
    }
  });

  it.each(outside)("never sends the token to %s, and passes the request through untouched", async (url) => {
    const client = await signedIn();
    const absolute = new URL(url, PAGE).href;
    const inputs: (string | URL | Request)[] = [url, new URL(absolute)];
    // A URL with credentials cannot make a Request at all.
    if (!absolute.includes("@")) inputs.push(new Request(absolute));
    for (const input of inputs) {
      for (const init of [undefined, { headers: { "X-Trace": "1" } }]) {
        send.mockClear();
        await client.fetch(input, init);
        expect(send).toHaveBeenCalledTimes(1);
        const [sentInput, sentInit] = lastCall();
        expect(sentInput).toBe(input);
        expect(sentInit).toBe(init);
        expect(init?.headers).toEqual(init && { "X-Trace": "1" });
      }
    }
  });

  it("third-party requests go out without a token held, and their challenges are not the client's business", async () => {
    const client = make();
    await expect(client.fetch("https://other.test/x")).resolves.toBeInstanceOf(Response);
    await signIn(client);
    const seen = record(client);
    const denied = challenge(401, 'Bearer error="invalid_token"');
    send.mockResolvedValueOnce(denied);
    const init = { method: "POST", body: "x" };
    expect(await client.fetch("https://other.test/x", init)).toBe(denied);
    expect(lastCall()[1]).toBe(init);
    expect(seen).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });

  it("matches the page's origin by default", async () => {
    const client = await signedIn({ resourceOrigins: undefined as unknown as string[] });
    await client.fetch("/anything");
    expect(lastRequest().headers.get("authorization")).toBe(BEARER);
    await client.fetch(API + "/orders");
    expect(lastRequest().headers.get("authorization")).toBeNull();
  });
});

describe("headers", () => {
  it("keeps plain-object headers and adds Authorization, without changing the caller's object", async () => {
    const client = await signedIn();
    const headers = { "X-Trace": "1", Accept: "application/json" };
    await client.fetch(API + "/x", { headers });
    const sent = lastRequest().headers;
    expect(sent.get("x-trace")).toBe("1");
    expect(sent.get("accept")).toBe("application/json");
    expect(sent.get("authorization")).toBe(BEARER);
    expect(headers).toEqual({ "X-Trace": "1", Accept: "application/json" });
  });

  it("keeps array-of-pairs headers (repeated names too) and adds Authorization", async () => {
    const client = await signedIn();
    const headers: [string, string][] = [
      ["X-Trace", "1"],
      ["X-Tag", "a"],
      ["X-Tag", "b"],
    ];
    await client.fetch(API + "/x", { headers });
    const sent = lastRequest().headers;
    expect(sent.get("x-trace")).toBe("1");
    expect(sent.get("x-tag")).toBe("a, b");
    expect(sent.get("authorization")).toBe(BEARER);
    expect(headers).toEqual([
      ["X-Trace", "1"],
      ["X-Tag", "a"],
      ["X-Tag", "b"],
    ]);
  });

  it("keeps a Headers instance's headers and adds Authorization, without changing the caller's instance", async () => {
    const client = await signedIn();
    const headers = new Headers({ "X-Trace": "1" });
    await client.fetch(API + "/x", { headers });
    const sent = lastRequest().headers;
    expect(sent.get("x-trace")).toBe("1");
    expect(sent.get("authorization")).toBe(BEARER);
    expect(headers.has("authorization")).toBe(false);
  });

  it("keeps a Request's own headers when init has none, without changing the Request", async () => {
    const client = await signedIn();
    const request = new Request(API + "/x", { headers: { "X-Trace": "1" } });
    await client.fetch(request);
    const sent = lastRequest().headers;
    expect(sent.get("x-trace")).toBe("1");
    expect(sent.get("authorization")).toBe(BEARER);
    expect(request.headers.has("authorization")).toBe(false);
  });

  it("lets init.headers replace a Request's headers, as fetch does", async () => {
    const client = await signedIn();
    await client.fetch(new Request(API + "/x", { headers: { "X-Old": "1" } }), { headers: { "X-New": "2" } });
    const sent = lastRequest().headers;
    expect(sent.has("x-old")).toBe(false);
    expect(sent.get("x-new")).toBe("2");
    expect(sent.get("authorization")).toBe(BEARER);
  });

  it("keeps method, body, signal and other init members", async () => {
    const client = await signedIn();
    const controller = new AbortController();
    const init: RequestInit = { method: "POST", body: "payload", signal: controller.signal, credentials: "include", headers: { "Content-Type": "text/plain" } };
    await client.fetch(API + "/x", init);
    const [, sentInit] = lastCall();
    expect(sentInit).toMatchObject({ method: "POST", body: "payload", credentials: "include" });
    expect(sentInit!.signal).toBe(controller.signal);
    const request = lastRequest();
    expect(request.method).toBe("POST");
    expect(await request.text()).toBe("payload");
    expect(request.headers.get("content-type")).toBe("text/plain");
    expect(request.headers.get("authorization")).toBe(BEARER);
  });

  it("keeps a Request's method and body", async () => {
    const client = await signedIn();
    const request = new Request(API + "/x", { method: "PUT", body: "data" });
    await client.fetch(request);
    expect(lastCall()[0]).toBe(request);
    const sent = lastRequest();
    expect(sent.method).toBe("PUT");
    expect(await sent.text()).toBe("data");
    expect(sent.headers.get("authorization")).toBe(BEARER);
  });

  const own = "Basic dXNlcjpwYXNz";
  it.each<[string, () => [RequestInfo | URL, RequestInit | undefined]]>([
    ["a plain object", () => [API + "/x", { headers: { authorization: own } }]],
    ["a plain object (upper case)", () => [API + "/x", { headers: { AUTHORIZATION: own } }]],
    ["an array of pairs", () => [API + "/x", { headers: [["Authorization", own]] }]],
    ["a Headers instance", () => [API + "/x", { headers: new Headers({ Authorization: own }) }]],
    ["a Request's headers", () => [new Request(API + "/x", { headers: { Authorization: own } }), undefined]],
  ])("passes the caller's own Authorization in %s through unchanged", async (_, args) => {
    const client = await signedIn();
    const seen = record(client);
    const [input, init] = args();
    send.mockResolvedValueOnce(challenge(401, 'Bearer error="invalid_token"'));
    await client.fetch(input, init);
    const [sentInput, sentInit] = lastCall();
    expect(sentInput).toBe(input);
    expect(sentInit).toBe(init);
    expect(lastRequest().headers.get("authorization")).toBe(own);
    // A challenge to a request that did not carry the client's token leaves the token alone.
    expect(seen).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });

  it("builds no Headers or Request on the common path (string input, plain-object headers)", async () => {
    const client = await signedIn();
    const counts = { Headers: 0, Request: 0 };
    const NativeHeaders = Headers;
    const NativeRequest = Request;
    vi.stubGlobal(
      "Headers",
      class extends NativeHeaders {
        constructor(init?: HeadersInit) {
          counts.Headers++;
          super(init);
        }
      },
    );
    vi.stubGlobal(
      "Request",
      class extends NativeRequest {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          counts.Request++;
          super(input, init);
        }
      },
    );
    const response = new Response("ok");
    send.mockResolvedValue(response);
    await client.fetch(API + "/x", { headers: { "X-Trace": "1" } });
    await client.fetch(API + "/x");
    await client.fetch(API + "/x", { method: "POST", body: "b" });
    expect(counts).toEqual({ Headers: 0, Request: 0 });
    expect(lastCall()[1]!.headers).toEqual({ Authorization: BEARER });
    // The counters do see what the SDK makes: other header forms go through Headers.
    await client.fetch(API + "/x", { headers: [["X-Trace", "1"]] });
    expect(counts.Headers).toBeGreaterThan(0);
  });
});

describe("without a valid token", () => {
  it("rejects a resource request with AuthError login_required and sends nothing", async () => {
    const client = make();
    for (const input of [API + "/x", new URL(API + "/x"), new Request(API + "/x"), "/api/x"]) {
      const p = client.fetch(input, { headers: { "X-Trace": "1" } });
      await expect(p).rejects.toBeInstanceOf(AuthError);
      await expect(p).rejects.toMatchObject({ name: "AuthError", code: "login_required" });
    }
    expect(send).not.toHaveBeenCalled();
  });

  it("rejects after logout, and once the token has expired", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const client = await signedIn();
    client.logout();
    const error = await client.fetch(API + "/x").catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe("login_required");
    await signIn(client, "t2", "&expires_in=100");
    vi.setSystemTime(1_000_000 + 70_000); // 100 s − 30 s clock skew
    await expect(client.fetch(API + "/x")).rejects.toMatchObject({ code: "login_required" });
    expect(send).not.toHaveBeenCalled();
  });
});

describe("Bearer challenges", () => {
  it("401 invalid_token: drops the token, emits expired then unauthorized, and returns the response", async () => {
    const client = await signedIn();
    const token = client.getToken()!;
    const seen = record(client);
    const denied = challenge(401, 'Bearer realm="api", error="invalid_token", error_description="The access token expired"');
    send.mockResolvedValueOnce(denied);
    const response = await client.fetch(API + "/x");
    expect(response).toBe(denied);
    expect(response.bodyUsed).toBe(false);
    expect(client.getToken()).toBeNull();
    const expected: BearerChallenge = { realm: "api", error: "invalid_token", errorDescription: "The access token expired" };
    expect(seen).toEqual([
      ["expired", token],
      ["unauthorized", { response: denied, challenge: expected }],
    ]);
    expect((seen[1]![1] as { response: Response }).response).toBe(denied);
    // The next resource request needs a new login.
    await expect(client.fetch(API + "/x")).rejects.toMatchObject({ code: "login_required" });
  });

  it("403 insufficient_scope: emits unauthorized with the needed scope and keeps the token", async () => {
    const client = await signedIn();
    const seen = record(client);
    const denied = challenge(403, 'Bearer error="insufficient_scope", scope="orders:write admin"');
    send.mockResolvedValueOnce(denied);
    expect(await client.fetch(API + "/x")).toBe(denied);
    expect(seen).toEqual([["unauthorized", { response: denied, challenge: { error: "insufficient_scope", scope: ["orders:write", "admin"] } }]]);
    expect(client.getToken()).not.toBeNull();
  });

  it("a Bearer 401 without invalid_token emits unauthorized and keeps the token", async () => {
    const client = await signedIn();
    const seen = record(client);
    const denied = challenge(401, 'Basic realm="x", Bearer realm="api"');
    send.mockResolvedValueOnce(denied);
    await client.fetch(API + "/x");
    expect(seen).toEqual([["unauthorized", { response: denied, challenge: { realm: "api" } }]]);
    expect(client.getToken()).not.toBeNull();
  });

  it.each([
    ["a 401 without WWW-Authenticate (none sent, or not exposed by CORS)", () => challenge(401)],
    ["a 401 with an empty WWW-Authenticate", () => challenge(401, "")],
    ["a 401 whose Bearer challenge cannot be read", () => challenge(401, 'Bearer error="invalid_token')],
    ["a 401 naming Bearer after a malformed challenge", () => challenge(401, 'Basic realm="x" "y", Bearer error="invalid_token"')],
  ])("%s: the token was refused: drops it, emits expired, then unauthorized with challenge null", async (_, make401) => {
    const client = await signedIn();
    const token = client.getToken()!;
    const seen = record(client);
    const response = make401();
    send.mockResolvedValueOnce(response);
    expect(await client.fetch(API + "/x")).toBe(response);
    expect(seen).toEqual([
      ["expired", token],
      ["unauthorized", { response, challenge: null }],
    ]);
    expect(client.getToken()).toBeNull();
    expect(response.bodyUsed).toBe(false);
  });

  it.each([
    ["a 401 naming another scheme only", () => challenge(401, 'Basic realm="x"')],
    ["a 401 naming other schemes only", () => challenge(401, 'Negotiate, Digest realm="x", nonce="n"')],
    ["a bare 403", () => challenge(403)],
    ["a 403 naming another scheme", () => challenge(403, "Negotiate abc==")],
    ["a 403 whose Bearer challenge cannot be read", () => challenge(403, 'Bearer error="insufficient_scope')],
  ])("%s: emits unauthorized with challenge null and keeps the token", async (_, make) => {
    const client = await signedIn();
    const seen = record(client);
    const response = make();
    send.mockResolvedValueOnce(response);
    expect(await client.fetch(API + "/x")).toBe(response);
    expect(seen).toEqual([["unauthorized", { response, challenge: null }]]);
    expect(client.getToken()).not.toBeNull();
  });

  it.each([
    ["a 200 carrying a Bearer header", () => new Response("ok", { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } })],
    ["a 400", () => challenge(400, 'Bearer error="invalid_request"')],
    ["a 404", () => challenge(404)],
    ["a 500", () => challenge(500)],
  ])("%s: no event, token kept, response returned", async (_, make) => {
    const client = await signedIn();
    const seen = record(client);
    const response = make();
    send.mockResolvedValueOnce(response);
    expect(await client.fetch(API + "/x")).toBe(response);
    expect(seen).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });

  it("a late invalid_token for an old token leaves a newer token alone", async () => {
    const client = await signedIn();
    let answer!: (r: Response) => void;
    send.mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)));
    const pending = client.fetch(API + "/x");
    await vi.waitFor(() => expect(send).toHaveBeenCalled());
    const newer: Token = await signIn(client, "newer");
    const seen = record(client);
    const denied = challenge(401, 'Bearer error="invalid_token"');
    answer(denied);
    expect(await pending).toBe(denied);
    expect(client.getToken()).toBe(newer);
    expect(seen).toEqual([["unauthorized", { response: denied, challenge: { error: "invalid_token" } }]]);
  });

  it("a throwing unauthorized listener does not break the call", async () => {
    const client = await signedIn();
    client.on("unauthorized", () => {
      throw new Error("app bug");
    });
    const denied = challenge(401, 'Bearer error="invalid_token"');
    send.mockResolvedValueOnce(denied);
    expect(await client.fetch(API + "/x")).toBe(denied);
    expect(client.getToken()).toBeNull();
  });
});

describe("the wrapped fetch", () => {
  it("uses the global fetch, looked up at call time, when no fetch option is given", async () => {
    const client = make({ fetch: undefined as unknown as typeof fetch });
    await signIn(client);
    const global = vi.fn<typeof fetch>(async () => new Response("global"));
    vi.stubGlobal("fetch", global);
    await client.fetch(API + "/x");
    expect(global).toHaveBeenCalledTimes(1);
    expect(new Request(...(global.mock.lastCall as [RequestInfo, RequestInit])).headers.get("authorization")).toBe(BEARER);
    expect(send).not.toHaveBeenCalled();
  });

  it("lets the wrapped fetch reject a request that is not a URL", async () => {
    const client = await signedIn();
    send.mockRejectedValueOnce(new TypeError("Failed to parse URL"));
    await expect(client.fetch("http://[bad")).rejects.toThrow(TypeError);
    expect(lastCall()[0]).toBe("http://[bad");
    expect(lastCall()[1]).toBeUndefined();
  });
});

describe("what fetch will really request is what is checked", () => {
  const EVIL = "https://evil.test/steal";

  it("a plain object whose url is allowed but whose string is not: no token, passed through untouched", async () => {
    const client = await signedIn();
    const input = { url: API + "/x", toString: () => EVIL } as unknown as Request;
    await client.fetch(input);
    const [sentInput, sentInit] = lastCall();
    expect(sentInput).toBe(input);
    expect(sentInit).toBeUndefined();
  });

  it("a Request whose url is shadowed by an own property: its real URL is checked", async () => {
    const client = await signedIn();
    const request = new Request(EVIL);
    Object.defineProperty(request, "url", { value: API + "/x" });
    await client.fetch(request);
    expect(lastCall()[0]).toBe(request);
    expect(lastCall()[1]).toBeUndefined();
    expect(new Request(request).headers.get("authorization")).toBeNull();
  });

  it("a Request subclass with its own url getter: its real URL is checked", async () => {
    const client = await signedIn();
    class Disguised extends Request {
      override get url() {
        return API + "/x";
      }
    }
    const request = new Disguised(EVIL);
    await client.fetch(request);
    expect(lastCall()[1]).toBeUndefined();
    // And the other way round: the token goes where the Request really goes.
    class Shy extends Request {
      override get url() {
        return EVIL;
      }
    }
    await client.fetch(new Shy(API + "/x"));
    expect(lastRequest().headers.get("authorization")).toBe(BEARER);
  });

  it("an object is turned into a string once, and that string is what is sent", async () => {
    const client = await signedIn();
    let calls = 0;
    // Allowed the first time it is asked, the attacker's afterwards.
    const input = { toString: () => (calls++ ? EVIL : API + "/x") } as unknown as string;
    await client.fetch(input);
    expect(calls).toBe(1);
    expect(lastCall()[0]).toBe(API + "/x");
    expect(lastRequest().headers.get("authorization")).toBe(BEARER);
  });

  it("a URL whose toString is replaced is checked as the string fetch would make", async () => {
    const client = await signedIn();
    const url = new URL(API + "/x");
    url.toString = () => EVIL;
    await client.fetch(url);
    expect(lastCall()[0]).toBe(url);
    expect(lastCall()[1]).toBeUndefined();
  });

  it("a 401 replayed by a retry hook goes to the same string", async () => {
    const client = await signedIn();
    send.mockResolvedValueOnce(challenge(401, 'Bearer error="invalid_token"'));
    const { internalsOf } = await import("../../src/client/internals");
    const retry = vi.fn(async () => undefined);
    internalsOf(client).hooks.retry = retry;
    let calls = 0;
    await client.fetch({ toString: () => (calls++ ? EVIL : API + "/x") } as unknown as string);
    expect(retry).toHaveBeenCalledWith(API + "/x", undefined);
  });
});

describe("redirects", () => {
  /** A response as fetch returns it after following redirects to `url`. */
  const redirected = (url: string, status: number, header?: string) => {
    const response = challenge(status, header);
    Object.defineProperties(response, { redirected: { value: true }, url: { value: url } });
    return response;
  };

  it("a 401/403 from a redirect target outside the resources neither drops the token nor reaches unauthorized", async () => {
    const client = await signedIn();
    const seen = record(client);
    for (const status of [401, 403]) {
      const response = redirected("https://elsewhere.test/login", status, 'Bearer error="invalid_token"');
      send.mockResolvedValueOnce(response);
      expect(await client.fetch(API + "/x")).toBe(response);
    }
    expect(seen).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });

  it("a challenge from a redirect target inside the resources still counts", async () => {
    const client = await signedIn();
    const seen = record(client);
    send.mockResolvedValueOnce(redirected(API + "/v2/x", 401, 'Bearer error="invalid_token"'));
    await client.fetch(API + "/x");
    expect(seen.map(([name]) => name)).toEqual(["expired", "unauthorized"]);
  });

  it("inside a path-prefix entry only, a redirect fails the request (redirect: error): the token never leaves the prefix", async () => {
    const client = await signedIn();
    for (const input of ["/api/x", PAGE + "api/x", new URL(PAGE + "api/x"), new Request(PAGE + "api/x")]) {
      await client.fetch(input);
      expect(lastCall()[1]!.redirect).toBe("error");
      expect(lastRequest().redirect).toBe("error");
    }
  });

  it("keeps a mode the caller chose", async () => {
    const client = await signedIn();
    for (const redirect of ["follow", "manual", "error"] as const) {
      await client.fetch("/api/x", { redirect });
      expect(lastRequest().redirect).toBe(redirect);
    }
  });

  it("follows redirects inside origin entries, as fetch does (a browser drops Authorization across origins)", async () => {
    const client = await signedIn();
    for (const input of [API + "/x", new URL(API + "/x"), new Request(API + "/x", { redirect: "manual" })]) {
      await client.fetch(input);
      expect(lastRequest().redirect).toBe(input instanceof Request ? "manual" : "follow");
    }
    // An origin entry covers the whole origin, path entries of it included.
    const both = await signedIn({ resourceOrigins: [PAGE.slice(0, -1), "/api/"] });
    await both.fetch("/api/x");
    expect(lastRequest().redirect).toBe("follow");
  });
});
