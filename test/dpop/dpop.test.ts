// dpop through the whole client in jsdom, with a fake token endpoint and API behind `fetch`:
// proofs on real requests (verified with the public key they carry), the DPoP token type and every
// refusal, nonce retries (exactly one), no proof outside resourceOrigins, the key's lifetime, and
// dpop_jkt on frame and popup requests only.
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { dpop } from "../../src/dpop/dpop";
import { autoRenew } from "../../src/session/auto-renew";
import { renew } from "../../src/session/renew";
import type { Client, ClientOptions } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT } from "../support/session";

const TOKEN = "https://id.example.com/token";
const API = "https://api.example.com";

type Call = { url: string; init: RequestInit; headers: Headers };
let calls: Call[];
let storage: MemoryStorage;
let issued: number;
/** The token endpoint's answer (n: the call's number among token calls). */
let tokenAnswer: (call: Call, n: number) => Response | Promise<Response>;
/** The API's answer. */
let apiAnswer: (call: Call, n: number) => Response;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const dpopToken = () => {
  issued += 1;
  return json({ access_token: "at-" + issued, token_type: "DPoP", expires_in: 3600, refresh_token: "rt-" + issued });
};

const fetchFn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
  const url = input instanceof Request ? input.url : String(input);
  const call = { url, init, headers: new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)) };
  calls.push(call);
  if (url == TOKEN) return tokenAnswer(call, calls.filter((c) => c.url == TOKEN).length);
  return apiAnswer(call, calls.filter((c) => c.url != TOKEN).length);
});

const make = (extra: Partial<ClientOptions> = {}, withDpop = true): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN,
    clientId: "spa",
    redirectUri: CALLBACK,
    scope: ["profile"],
    resourceOrigins: [API],
    storage,
    fetch: fetchFn as typeof fetch,
    flow: codeFlow,
    ...(withDpop && { dpop }),
    ...extra,
  });

const signIn = async (client: Client) => {
  const sent = new URL(await client.authorizationUrl()).searchParams;
  const result = await client.handleRedirect(CALLBACK + "?code=code-1&state=" + encodeURIComponent(sent.get("state")!));
  return { sent, token: result!.token };
};

const part = (text: string) => JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
/** Checks a proof's signature with the key in its header; returns its header and claims. */
const verify = async (proof: string | null) => {
  const [h, p, s] = proof!.split(".");
  const header = part(h!);
  const key = await crypto.subtle.importKey("jwk", header.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, Buffer.from(s!, "base64url"), new TextEncoder().encode(h + "." + p));
  expect(ok).toBe(true);
  return { header, claims: part(p!) };
};
const thumbprint = (jwk: { crv: string; kty: string; x: string; y: string }) =>
  createHash("sha256")
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest("base64url");
const ath = (token: string) => createHash("sha256").update(token).digest("base64url");

beforeEach(() => {
  storage = new MemoryStorage();
  calls = [];
  issued = 0;
  tokenAnswer = dpopToken;
  apiAnswer = () => new Response("ok");
  fetchFn.mockClear();
  history.replaceState(null, "", "/");
});

describe("dpop: set-up", () => {
  it("needs the code flow", () => {
    expect(() => createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage, dpop })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "dpop" }),
    );
  });
});

describe("dpop: the token endpoint", () => {
  it("sends a proof with the exchange (POST, the endpoint) and holds a DPoP token", async () => {
    const client = make();
    const { token } = await signIn(client);
    expect(token).toMatchObject({ accessToken: "at-1", tokenType: "DPoP" });
    const [exchange] = calls;
    const { header, claims } = await verify(exchange!.headers.get("DPoP"));
    expect(header).toMatchObject({ typ: "dpop+jwt", alg: "ES256" });
    expect(header.jwk).not.toHaveProperty("d");
    expect(claims).toMatchObject({ htm: "POST", htu: TOKEN });
    expect(claims).not.toHaveProperty("ath");
    expect(claims).not.toHaveProperty("nonce");
    // The rest of the exchange as without DPoP.
    expect(exchange!.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(String(exchange!.init.body)).get("grant_type")).toBe("authorization_code");
  });

  it("sends a proof of the same key with every refresh, and takes the rotated refresh token", async () => {
    const client = make();
    await signIn(client);
    const token = await internalsOf(client).hooks.refresh!({});
    expect(token).toMatchObject({ accessToken: "at-2", tokenType: "DPoP" });
    expect(internalsOf(client).refreshToken!()).toBe("rt-2");
    const [a, b] = await Promise.all(calls.map((c) => verify(c.headers.get("DPoP"))));
    expect(new URLSearchParams(String(calls[1]!.init.body)).get("grant_type")).toBe("refresh_token");
    expect(b!.header.jwk).toEqual(a!.header.jwk);
    expect(b!.claims.jti).not.toBe(a!.claims.jti);
  });

  it("refuses a Bearer token (dpop_not_bound), on the exchange and on a refresh", async () => {
    tokenAnswer = () => json({ access_token: "at", token_type: "Bearer", refresh_token: "rt" });
    const client = make();
    await expect(signIn(client)).rejects.toMatchObject({ code: "dpop_not_bound" });
    expect(client.getToken()).toBeNull();
    tokenAnswer = dpopToken;
    await signIn(client);
    tokenAnswer = () => json({ access_token: "at", token_type: "bearer" });
    await expect(internalsOf(client).hooks.refresh!({})).rejects.toMatchObject({ code: "dpop_not_bound" });
    expect(client.getToken()!.accessToken).toBe("at-1");
  });

  it("refuses a DPoP token without the dpop option (unsupported_token_type)", async () => {
    const client = make({}, false);
    await expect(signIn(client)).rejects.toMatchObject({ code: "unsupported_token_type" });
    expect(calls[0]!.headers.has("DPoP")).toBe(false);
  });

  it("reports a network or preflight failure as dpop_network", async () => {
    tokenAnswer = () => {
      throw new TypeError("Failed to fetch");
    };
    await expect(signIn(make())).rejects.toMatchObject({ code: "dpop_network" });
  });

  it("keeps the code flow's timeout as token_timeout, not dpop_network", async () => {
    tokenAnswer = (call) => new Promise((_, reject) => call.init.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    await expect(signIn(make({ tokenTimeout: 0.05 }))).rejects.toMatchObject({ code: "token_timeout" });
  });

  it("answers use_dpop_nonce with exactly one retry carrying the nonce, and keeps the nonce for the next request", async () => {
    tokenAnswer = (call, n) => (n == 1 ? json({ error: "use_dpop_nonce" }, 400, { "DPoP-Nonce": "n-1" }) : dpopToken());
    const client = make();
    await signIn(client);
    expect(calls).toHaveLength(2);
    expect((await verify(calls[0]!.headers.get("DPoP"))).claims).not.toHaveProperty("nonce");
    expect((await verify(calls[1]!.headers.get("DPoP"))).claims.nonce).toBe("n-1");
    await internalsOf(client).hooks.refresh!({});
    expect(calls).toHaveLength(3);
    expect((await verify(calls[2]!.headers.get("DPoP"))).claims.nonce).toBe("n-1");
  });

  it("never retries twice: a second nonce challenge is the error", async () => {
    tokenAnswer = (call, n) => json({ error: "use_dpop_nonce" }, 400, { "DPoP-Nonce": "n-" + n });
    await expect(signIn(make())).rejects.toMatchObject({ code: "use_dpop_nonce" });
    expect(calls).toHaveLength(2);
  });

  it("does not retry when the nonce cannot be read (CORS hides it): the server's error", async () => {
    tokenAnswer = () => json({ error: "use_dpop_nonce" }, 400);
    await expect(signIn(make())).rejects.toMatchObject({ code: "use_dpop_nonce" });
    expect(calls).toHaveLength(1);
  });
});

describe("dpop: resource requests", () => {
  it("sends Authorization: DPoP and a fresh proof with ath, htm and htu without the query", async () => {
    const client = make();
    await signIn(client);
    await client.fetch(API + "/items?page=2#x", { method: "PUT", body: "{}" });
    await client.fetch(new Request(API + "/me"));
    const [, put, get] = calls;
    expect(put!.headers.get("Authorization")).toBe("DPoP at-1");
    const one = await verify(put!.headers.get("DPoP"));
    expect(one.claims).toMatchObject({ htm: "PUT", htu: API + "/items", ath: ath("at-1") });
    expect(get!.headers.get("Authorization")).toBe("DPoP at-1");
    const two = await verify(get!.headers.get("DPoP"));
    expect(two.claims).toMatchObject({ htm: "GET", htu: API + "/me", ath: ath("at-1") });
    expect(two.claims.jti).not.toBe(one.claims.jti);
  });

  it("never sends a proof (or the token) outside resourceOrigins", async () => {
    const client = make();
    await signIn(client);
    await client.fetch("https://other.example.com/x");
    await client.fetch("https://api.example.com.evil.example/x");
    for (const call of calls.slice(1)) {
      expect(call.headers.has("DPoP")).toBe(false);
      expect(call.headers.has("Authorization")).toBe(false);
    }
  });

  it("answers a use_dpop_nonce challenge with exactly one retry carrying the nonce, remembered per origin", async () => {
    apiAnswer = (call, n) =>
      n == 1 ? new Response("", { status: 401, headers: { "WWW-Authenticate": 'DPoP error="use_dpop_nonce"', "DPoP-Nonce": "api-1" } }) : new Response("ok");
    const client = make();
    await signIn(client);
    const response = await client.fetch(API + "/me");
    expect(await response.text()).toBe("ok");
    expect(calls).toHaveLength(3);
    expect((await verify(calls[1]!.headers.get("DPoP"))).claims).not.toHaveProperty("nonce");
    expect((await verify(calls[2]!.headers.get("DPoP"))).claims.nonce).toBe("api-1");
    await client.fetch(API + "/again");
    expect((await verify(calls[3]!.headers.get("DPoP"))).claims.nonce).toBe("api-1");
    // The token endpoint's origin has no nonce of its own.
    await internalsOf(client).hooks.refresh!({});
    expect((await verify(calls[4]!.headers.get("DPoP"))).claims).not.toHaveProperty("nonce");
    expect(client.getToken()).not.toBeNull();
  });

  it("retries once only: a second challenge is returned, the token kept", async () => {
    apiAnswer = (call, n) => new Response("", { status: 401, headers: { "WWW-Authenticate": 'DPoP error="use_dpop_nonce"', "DPoP-Nonce": "api-" + n } });
    const client = make();
    await signIn(client);
    expect((await client.fetch(API + "/me")).status).toBe(401);
    expect(calls).toHaveLength(3);
    expect(client.getToken()).not.toBeNull();
  });

  it("ends with dpop_nonce when the challenge is readable but the nonce is not", async () => {
    apiAnswer = () => new Response("", { status: 401, headers: { "WWW-Authenticate": 'DPoP error="use_dpop_nonce"' } });
    const client = make();
    await signIn(client);
    await expect(client.fetch(API + "/me")).rejects.toMatchObject({ code: "dpop_nonce" });
    expect(calls).toHaveLength(2);
  });

  it("keeps the caller's own Authorization header, without a proof", async () => {
    const client = make();
    await signIn(client);
    await client.fetch(API + "/me", { headers: { Authorization: "Basic x" } });
    expect(calls[1]!.headers.get("Authorization")).toBe("Basic x");
    expect(calls[1]!.headers.has("DPoP")).toBe(false);
  });
});

describe("dpop: WWW-Authenticate: DPoP challenges (RFC 9449 §7.1), read as Bearer ones", () => {
  const refused = (status: number, challenge: string) => new Response("", { status, headers: { "WWW-Authenticate": challenge } });

  it("a 401 invalid_token drops the token: expired, and unauthorized with the parsed challenge", async () => {
    apiAnswer = () => refused(401, 'DPoP algs="ES256", error="invalid_token", error_description="revoked"');
    const client = make();
    const { token } = await signIn(client);
    const expired = vi.fn();
    const unauthorized = vi.fn();
    client.on("expired", expired);
    client.on("unauthorized", unauthorized);
    expect((await client.fetch(API + "/me")).status).toBe(401);
    expect(expired).toHaveBeenCalledWith(token);
    expect(unauthorized.mock.calls[0]![0].challenge).toEqual({ algs: "ES256", error: "invalid_token", errorDescription: "revoked" });
    expect(client.getToken()).toBeNull();
  });

  it("with autoRenew: one renewal (a signed refresh) and one replay with the new token", async () => {
    apiAnswer = (call) => (call.headers.get("Authorization") == "DPoP at-1" ? refused(401, 'DPoP error="invalid_token"') : new Response("ok"));
    const client = make();
    await signIn(client);
    const stop = autoRenew(client);
    try {
      const response = await client.fetch(API + "/me");
      expect(await response.text()).toBe("ok");
      expect(calls.map((c) => c.url)).toEqual([TOKEN, API + "/me", TOKEN, API + "/me"]);
      expect(calls[2]!.headers.has("DPoP")).toBe(true);
      expect(calls[3]!.headers.get("Authorization")).toBe("DPoP at-2");
      expect(client.getToken()!.accessToken).toBe("at-2");
    } finally {
      stop();
    }
  });

  it("a 403 insufficient_scope keeps the token and names the scope to step up to", async () => {
    apiAnswer = () => refused(403, 'DPoP error="insufficient_scope", scope="orders"');
    const client = make();
    const { token } = await signIn(client);
    const unauthorized = vi.fn();
    client.on("unauthorized", unauthorized);
    const response = await client.fetch(API + "/orders");
    expect(response.status).toBe(403);
    expect(unauthorized.mock.calls[0]![0].challenge).toEqual({ error: "insufficient_scope", scope: ["orders"] });
    expect(client.getToken()).toBe(token);
  });

  it("a 401 naming another scheme only keeps the DPoP token", async () => {
    apiAnswer = () => refused(401, 'Basic realm="x"');
    const client = make();
    const { token } = await signIn(client);
    await client.fetch(API + "/me");
    expect(client.getToken()).toBe(token);
  });
});

describe("dpop: redirects", () => {
  /** An API that redirects to another origin; a request that follows it gets there with its headers. */
  const redirecting = (call: Call) => {
    const mode = call.init.redirect;
    if (mode == "error") throw new TypeError("Failed to fetch: redirect");
    if (mode == "manual") return Object.defineProperties(new Response(null), { type: { value: "opaqueredirect" }, status: { value: 0 } });
    // Followed: what the other origin receives (the browser drops Authorization there, not DPoP).
    const headers = new Headers(call.headers);
    headers.delete("Authorization");
    calls.push({ url: "https://evil.example/collect", init: call.init, headers });
    return new Response("followed");
  };

  it("never follows a redirect with a proof: the request fails rather than carry it elsewhere", async () => {
    apiAnswer = redirecting;
    const client = make();
    await signIn(client);
    await expect(client.fetch(API + "/moved")).rejects.toThrow(TypeError);
    await expect(client.fetch(API + "/moved", { redirect: "follow" })).rejects.toThrow(TypeError);
    await expect(client.fetch(new Request(API + "/moved"))).rejects.toThrow(TypeError);
    expect(calls.filter((c) => c.url.startsWith("https://evil.example"))).toEqual([]);
    expect(calls.filter((c) => c.url.startsWith(API)).every((c) => c.init.redirect == "error")).toBe(true);
  });

  it("keeps the caller's manual mode: the redirect is seen, not followed", async () => {
    apiAnswer = redirecting;
    const client = make();
    await signIn(client);
    expect((await client.fetch(API + "/moved", { redirect: "manual" })).type).toBe("opaqueredirect");
    expect(calls.filter((c) => c.url.startsWith("https://evil.example"))).toEqual([]);
  });

  it("a Bearer client keeps its behaviour: the browser follows a redirect inside a whole origin (and drops Authorization across origins)", async () => {
    tokenAnswer = () => json({ access_token: "at-b", token_type: "Bearer", expires_in: 3600 });
    apiAnswer = () => new Response("ok");
    const client = make({}, false);
    await signIn(client);
    await client.fetch(API + "/x");
    expect(calls[1]!.init.redirect).toBeUndefined();
  });
});

describe("dpop: the key", () => {
  it("is non-extractable, one per page load, and replaced after logout", async () => {
    const client = make();
    await signIn(client);
    await client.fetch(API + "/me");
    const first = (await verify(calls[1]!.headers.get("DPoP"))).header.jwk;
    expect((await verify(calls[0]!.headers.get("DPoP"))).header.jwk).toEqual(first);
    const exportKey = vi.spyOn(crypto.subtle, "exportKey");
    const generateKey = vi.spyOn(crypto.subtle, "generateKey");
    client.logout();
    await signIn(client);
    const second = (await verify(calls[2]!.headers.get("DPoP"))).header.jwk;
    expect(second).not.toEqual(first);
    expect(generateKey).toHaveBeenCalledWith(expect.anything(), false, ["sign"]);
    // Only the public key is ever exported.
    for (const [, key] of exportKey.mock.calls) expect((key as CryptoKey).type).toBe("public");
    exportKey.mockRestore();
    generateKey.mockRestore();
  });
});

describe("dpop: dpop_jkt", () => {
  it("goes on frame and popup requests, with the thumbprint of the key that signs the exchange; not on full-page logins", async () => {
    const client = make();
    const i = internalsOf(client);
    const page = new URL((await i.start()).url).searchParams;
    expect(page.has("dpop_jkt")).toBe(false);
    const frame = new URL((await i.start({}, "frame")).url).searchParams;
    const popup = new URL((await i.start({}, "popup")).url).searchParams;
    expect(frame.get("dpop_jkt")).toMatch(/^[\w-]{43}$/);
    expect(popup.get("dpop_jkt")).toBe(frame.get("dpop_jkt"));
    // The frame's response comes back to this page, whose exchange is signed with that key.
    await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(page.get("state")!));
    expect(thumbprint((await verify(calls[0]!.headers.get("DPoP"))).header.jwk)).toBe(frame.get("dpop_jkt"));
  });

  it("works through renew(): the refresh is signed", async () => {
    const client = make();
    await signIn(client);
    await renew(client);
    expect(calls).toHaveLength(2);
    expect((await verify(calls[1]!.headers.get("DPoP"))).claims.htu).toBe(TOKEN);
  });
});
