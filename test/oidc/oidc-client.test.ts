// createOidcClient: the OpenID Connect implicit flow through the whole client (request, callback,
// ID token verification, result), with keys generated here and a fake provider behind `fetch`.
// Each rule of the ID token has a test whose token breaks exactly that rule; the rules themselves
// are tested in depth in id-token.test.ts.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { base64url } from "../../src/protocol/base64url";
import { createOidcClient, type OidcClient, type OidcClientOptions } from "../../src/oidc/oidc-client";
import { autoRenew } from "../../src/session/auto-renew";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import { MemoryStorage } from "../support/memory-storage";
import { atHash, b64u, generateKey, jsonFetch, part, sign, signHs256, type TestKey } from "../support/jws";
import { fakePopup, flush, frames, nextFrame, post } from "../support/session";

const APP = "http://localhost:3000/";
const REDIRECT = APP + "callback";
const ISSUER = "https://id.example.com";
const CLIENT = "my-spa";
const ACCESS_TOKEN = "2YotnFZFEjr1zMsicMWpAA";
const DISCOVERY = ISSUER + "/.well-known/openid-configuration";
const JWKS = ISSUER + "/jwks";

let rs: TestKey, es: TestKey, attacker: TestKey, rotated: TestKey;
let storage: MemoryStorage;
/** What the fake provider serves. */
let metadata: Record<string, unknown>;
let published: JsonWebKey[];
let provider: ReturnType<typeof jsonFetch>;

beforeAll(async () => {
  [rs, es, attacker, rotated] = await Promise.all([
    generateKey("RS256", "rs-1"),
    generateKey("ES256", "es-1"),
    generateKey("RS256", "rs-1"), // the issuer's kid, someone else's key
    generateKey("ES256", "es-2"),
  ]);
});

beforeEach(() => {
  storage = new MemoryStorage();
  metadata = {
    issuer: ISSUER,
    authorization_endpoint: ISSUER + "/authorize",
    jwks_uri: JWKS,
    response_types_supported: ["id_token token"],
    id_token_signing_alg_values_supported: ["RS256", "ES256"],
  };
  published = [rs.jwk, es.jwk];
  provider = jsonFetch((url) => (url == DISCOVERY ? metadata : url == JWKS ? { keys: published } : "not found"));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const make = (extra: Partial<OidcClientOptions> = {}): OidcClient =>
  createOidcClient({ issuer: ISSUER, clientId: CLIENT, redirectUri: REDIRECT, scope: "profile", storage, fetch: provider.fetchFn, ...extra });

/** Starts a login; returns its request parameters. */
const start = async (client: OidcClient, opts = {}) => new URL(await client.authorizationUrl(opts)).searchParams;

const now = () => Math.floor(Date.now() / 1000);

/** The claims a valid ID token for `nonce` has. */
const validClaims = async (nonce: string, accessToken = ACCESS_TOKEN): Promise<Record<string, unknown>> => ({
  iss: ISSUER,
  sub: "248289761001",
  aud: CLIENT,
  exp: now() + 600,
  iat: now() - 5,
  nonce,
  at_hash: await atHash(accessToken),
  name: "Jane Doe",
});

interface Flow {
  /** Claims changed (a member set to undefined is left out). */
  claims?: Record<string, unknown>;
  key?: TestKey;
  header?: Record<string, unknown>;
  /** Replaces the ID token made from the above. */
  idToken?: (claims: Record<string, unknown>) => Promise<string> | string;
  /** More fragment parameters, e.g. `&iss=…`. */
  extra?: string;
}

/** The callback URL of a login started with `params`, carrying an ID token built as `flow` says. */
const callback = async (params: URLSearchParams, flow: Flow = {}) => {
  const key = flow.key ?? rs;
  const claims = JSON.parse(JSON.stringify({ ...(await validClaims(params.get("nonce")!)), ...flow.claims }));
  const idToken = flow.idToken ? await flow.idToken(claims) : await sign(key, { alg: key.alg, kid: key.kid, ...flow.header }, claims);
  const state = encodeURIComponent(params.get("state")!);
  return `${REDIRECT}#access_token=${ACCESS_TOKEN}&token_type=Bearer&expires_in=3600&id_token=${idToken}&state=${state}${flow.extra ?? ""}`;
};

/** One login through `client` whose callback carries an ID token built as `flow` says. */
const login = async (client: OidcClient, flow: Flow = {}) => client.handleRedirect(await callback(await start(client), flow));

/** A login whose ID token breaks a rule: rejects with `code`, and the client holds nothing. */
const refused = async (flow: Flow, code: string, why: string, client = make()) => {
  const onToken = vi.fn();
  client.on("token", onToken);
  await expect(login(client, flow)).rejects.toMatchObject({ name: "AuthError", code, message: expect.stringContaining(why) });
  expect(client.getToken()).toBeNull();
  expect(client.getUser()).toBeNull();
  expect(onToken).not.toHaveBeenCalled();
};

describe("createOidcClient: the request", () => {
  it("asks for id_token token with a nonce, at the discovered endpoint", async () => {
    const q = await start(make());
    expect(q.get("response_type")).toBe("id_token token");
    expect(q.get("client_id")).toBe(CLIENT);
    expect(q.get("redirect_uri")).toBe(REDIRECT);
    expect(q.get("nonce")).toMatch(/^[\w-]{43}$/);
    expect(provider.calls).toEqual([DISCOVERY]);
  });

  it("adds openid to the scope when missing, once, also to a per-call scope", async () => {
    const client = make();
    expect((await start(client)).get("scope")).toBe("openid profile");
    expect((await start(client, { scope: ["email", "openid"] })).get("scope")).toBe("email openid");
    expect((await start(client, { scope: "email" })).get("scope")).toBe("openid email");
    expect((await start(make({ scope: [] }))).get("scope")).toBe("openid");
    // The client's own option is not changed.
    expect((await start(client)).get("scope")).toBe("openid profile");
  });

  it("makes a fresh nonce of 256 bits from crypto.getRandomValues for every login, never Math.random", async () => {
    const random = vi.spyOn(Math, "random");
    const spy = vi.spyOn(crypto, "getRandomValues");
    const client = make();
    const a = await start(client);
    const bytes = spy.mock.results.map((r) => base64url(r.value as Uint8Array));
    expect(spy.mock.calls.every(([array]) => (array as Uint8Array).length * 8 >= 128)).toBe(true);
    expect(bytes).toContain(a.get("nonce"));
    expect(a.get("nonce")).not.toBe(a.get("state"));
    const b = await start(client);
    expect(b.get("nonce")).not.toBe(a.get("nonce"));
    expect(random).not.toHaveBeenCalled();
  });

  it("stores the nonce with the pending login, and overrides a nonce in extraParams", async () => {
    const client = make({ extraParams: { nonce: "fixed" } });
    const q = await start(client, { extraParams: { nonce: "fixed" } });
    expect(q.get("nonce")).not.toBe("fixed");
    const pending = JSON.parse(storage.getItem("implicitly:" + CLIENT + " " + ISSUER)!);
    expect(pending[q.get("state")!]).toMatchObject({ features: { oidc: { nonce: q.get("nonce") } }, scope: ["openid", "profile"], redirectUri: REDIRECT });
  });

  it("reads the metadata lazily, once per client", async () => {
    const client = make();
    expect(provider.calls).toEqual([]);
    await start(client);
    await start(client);
    expect(provider.calls).toEqual([DISCOVERY]);
  });

  it("uses a configured authorizationEndpoint and jwksUri without discovery", async () => {
    const client = make({ authorizationEndpoint: "https://login.example.com/auth?tenant=1", jwksUri: JWKS });
    const q = await start(client);
    expect(q.get("tenant")).toBe("1");
    const url = await client.authorizationUrl();
    expect(url.startsWith("https://login.example.com/auth?")).toBe(true);
    expect((await login(client))!.token.claims!.sub).toBe("248289761001");
    expect(provider.calls).toEqual([JWKS]);
  });

  it("login() rejects discovery_failed and stores nothing when the metadata cannot be read; a later login retries", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...location, assign, href: location.href, origin: location.origin, pathname: location.pathname });
    const client = make();
    metadata = { ...metadata, issuer: "https://evil.example" };
    await expect(client.login()).rejects.toMatchObject({ code: "discovery_failed", message: expect.stringContaining("issuer mismatch") });
    expect(assign).not.toHaveBeenCalled();
    expect(storage.writes).toEqual([]);
    metadata = { ...metadata, issuer: ISSUER };
    await client.login();
    expect(assign).toHaveBeenCalledWith(expect.stringMatching(/^https:\/\/id\.example\.com\/authorize\?/));
  });

  it("refuses discovered endpoints that are not https", async () => {
    metadata.authorization_endpoint = "http://id.example.com/authorize";
    await expect(start(make())).rejects.toMatchObject({ code: "discovery_failed" });
    metadata.authorization_endpoint = ISSUER + "/authorize";
    metadata.jwks_uri = "http://id.example.com/jwks";
    const client = make();
    await expect(login(client)).rejects.toMatchObject({ code: "discovery_failed" });
  });
});

describe("createOidcClient: options", () => {
  it.each<[string, Partial<OidcClientOptions> | Record<string, unknown>]>([
    ["issuer", { issuer: undefined }],
    ["issuer", { issuer: "id.example.com" }],
    ["issuer", { issuer: "http://id.example.com" }],
    ["issuer", { issuer: "https://id.example.com?tenant=1" }],
    ["issuer", { issuer: "https://id.example.com#x" }],
    ["responseType", { responseType: "id_token" }],
    ["responseType", { responseType: "code" }],
    ["jwksUri", { jwksUri: "http://id.example.com/jwks" }],
    ["algorithms", { algorithms: ["none"] }],
    ["algorithms", { algorithms: ["RS256", "HS256"] }],
    ["algorithms", { algorithms: [] }],
    ["algorithms", { algorithms: "RS256" }],
    ["authorizationEndpoint", { authorizationEndpoint: "http://id.example.com/auth" }],
    ["clientId", { clientId: "" }],
  ])("invalid %s → invalid_config naming it", (option, extra) => {
    expect(() => make(extra as Partial<OidcClientOptions>)).toThrow(expect.objectContaining({ code: "invalid_config", description: option }));
  });

  it("allows a loopback http issuer", () => {
    expect(() => make({ issuer: "http://127.0.0.1:8704" })).not.toThrow();
  });
});

describe("createOidcClient: a valid ID token", () => {
  it.each(["RS256", "ES256"])("accepts %s: token with idToken and verified claims, getUser, token event", async (alg) => {
    const client = make();
    const onToken = vi.fn();
    client.on("token", onToken);
    expect(client.getUser()).toBeNull();
    const result = await login(client, { key: alg == "RS256" ? rs : es });
    const token = result!.token;
    expect(token).toMatchObject({ accessToken: ACCESS_TOKEN, tokenType: "Bearer", scope: ["openid", "profile"] });
    expect(token.idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(token.claims).toMatchObject({ iss: ISSUER, sub: "248289761001", aud: CLIENT, name: "Jane Doe" });
    expect(client.getToken()).toBe(token);
    expect(client.getUser()).toBe(token.claims);
    expect(onToken).toHaveBeenCalledWith(token);
    expect(provider.calls).toEqual([DISCOVERY, JWKS]);
  });

  it("hands appState back", async () => {
    const client = make();
    const q = await start(client, { appState: { route: "/orders" } });
    await expect(client.handleRedirect(await callback(q))).resolves.toMatchObject({ appState: { route: "/orders" } });
  });

  it("verifies on a fresh page load: discovery and JWKS are fetched while handling the callback", async () => {
    const q = await start(make());
    provider.calls.length = 0;
    const page2 = make(); // the redirect page: a new client, nothing cached
    await expect(page2.handleRedirect(await callback(q))).resolves.toBeTruthy();
    expect(provider.calls).toEqual([DISCOVERY, JWKS]);
    expect(page2.getUser()!.sub).toBe("248289761001");
  });

  it("accepts a matching iss response parameter", async () => {
    const client = make();
    await expect(login(client, { extra: "&iss=" + encodeURIComponent(ISSUER) })).resolves.toBeTruthy();
  });

  it("keeps the token and claims in memory only", async () => {
    const client = make();
    const { token } = (await login(client))!;
    for (const value of storage.writes) {
      expect(value).not.toContain(ACCESS_TOKEN);
      expect(value).not.toContain(token.idToken!.split(".")[1]!);
    }
    expect(storage.data.size).toBe(0);
  });
});

describe("createOidcClient: each ID token rule, through the client", () => {
  it("bad signature → id_token_signature", async () => {
    const forge = async (claims: Record<string, unknown>) => {
      const t = await sign(rs, { alg: "RS256", kid: "rs-1" }, claims);
      const sig = Buffer.from(t.split(".")[2]!, "base64url");
      sig[7]! ^= 1;
      return t.slice(0, t.lastIndexOf(".") + 1) + b64u(sig);
    };
    await refused({ idToken: forge }, "id_token_signature", "bad signature");
    await refused({ key: attacker }, "id_token_signature", "bad signature");
  });

  it("alg none → id_token_alg", async () => {
    await refused({ idToken: (c) => part({ alg: "none" }) + "." + part(c) + "." }, "id_token_alg", "alg none");
  });

  it("HS256 signed with the provider's public key → id_token_alg", async () => {
    const hs = (c: Record<string, unknown>) => signHs256(JSON.stringify(rs.jwk), { alg: "HS256", kid: "rs-1" }, c);
    await refused({ idToken: hs }, "id_token_alg", "HS256");
    // Even when the metadata lists it.
    metadata.id_token_signing_alg_values_supported = ["RS256", "HS256"];
    await refused({ idToken: hs }, "id_token_alg", "HS256");
  });

  it("an alg outside algorithms (option, or else the metadata's list) → id_token_alg", async () => {
    await refused({ key: es }, "id_token_alg", "ES256", make({ algorithms: ["RS256"] }));
    metadata.id_token_signing_alg_values_supported = ["RS256"];
    await refused({ key: es }, "id_token_alg", "ES256");
  });

  it("wrong iss → id_token_iss", async () => {
    await refused({ claims: { iss: "https://evil.example" } }, "id_token_iss", "iss is not " + ISSUER);
  });

  it("wrong aud → id_token_aud", async () => {
    await refused({ claims: { aud: "another-app" } }, "id_token_aud", "aud lacks " + CLIENT);
  });

  it("azp mismatch → id_token_azp", async () => {
    await refused({ claims: { aud: [CLIENT, "api"], azp: "api" } }, "id_token_azp", "azp is not " + CLIENT);
    await refused({ claims: { aud: [CLIENT, "api"] } }, "id_token_azp", "azp");
  });

  it("expired → id_token_exp (clockSkew applies)", async () => {
    await refused({ claims: { exp: now() - 31, iat: now() - 600 } }, "id_token_exp", "expired");
    await refused({ claims: { exp: now() - 11, iat: now() - 600 } }, "id_token_exp", "expired", make({ clockSkew: 10 }));
    await expect(login(make(), { claims: { exp: now() - 5 } })).resolves.toBeTruthy();
  });

  it("iat in the future → id_token_iat", async () => {
    await refused({ claims: { iat: now() + 120 } }, "id_token_iat", "iat in the future");
  });

  it("wrong nonce → id_token_nonce, e.g. a token of another login", async () => {
    await refused({ claims: { nonce: "replayed-nonce" } }, "id_token_nonce", "nonce mismatch");
    const client = make();
    const first = await start(client);
    const second = await start(client);
    const tokenOfFirst = (await callback(first)).match(/id_token=([^&]+)/)![1]!;
    await expect(client.handleRedirect(await callback(second, { idToken: () => tokenOfFirst }))).rejects.toMatchObject({ code: "id_token_nonce" });
  });

  it("missing nonce → id_token_nonce", async () => {
    await refused({ claims: { nonce: undefined } }, "id_token_nonce", "nonce missing");
  });

  it("wrong at_hash → id_token_at_hash, and at_hash is required", async () => {
    await refused({ claims: { at_hash: await atHash("another-access-token") } }, "id_token_at_hash", "at_hash does not match");
    await refused({ claims: { at_hash: undefined } }, "id_token_at_hash", "at_hash");
  });

  it("missing sub → id_token_sub", async () => {
    await refused({ claims: { sub: undefined } }, "id_token_sub", "sub missing");
  });

  it("no id_token in the response → invalid_id_token; a malformed one too", async () => {
    const client = make();
    const q = await start(client);
    const url = `${REDIRECT}#access_token=${ACCESS_TOKEN}&token_type=Bearer&state=${encodeURIComponent(q.get("state")!)}`;
    await expect(client.handleRedirect(url)).rejects.toMatchObject({ code: "invalid_id_token", message: expect.stringContaining("id_token missing") });
    await refused({ idToken: () => "not-a-jwt" }, "invalid_id_token", "compact");
  });

  it("a crit header (an extension not understood) → invalid_id_token", async () => {
    await refused({ header: { crit: ["exp"] } }, "invalid_id_token", "crit");
  });

  it("unknown kid → id_token_kid; after a key rotation, the new kid verifies after one JWKS refetch", async () => {
    let t = Date.now();
    vi.spyOn(Date, "now").mockImplementation(() => t);
    published = [es.jwk];
    const client = make();
    await expect(login(client, { key: es })).resolves.toBeTruthy();
    expect(provider.calls.filter((u) => u == JWKS)).toHaveLength(1);
    // A kid nobody published: one refetch, then refused; no further fetching.
    t += 3600_000;
    await refused({ key: rotated, header: { kid: "es-9" } }, "id_token_kid", "no key for kid es-9", client);
    await refused({ key: rotated, header: { kid: "es-9" } }, "id_token_kid", "es-9", client);
    expect(provider.calls.filter((u) => u == JWKS)).toHaveLength(2);
    // The provider rotates its key: the new kid is fetched once and verifies.
    t += 3600_000;
    published = [es.jwk, rotated.jwk];
    const result = await login(client, { key: rotated });
    expect(result!.token.claims!.sub).toBe("248289761001");
    expect(provider.calls.filter((u) => u == JWKS)).toHaveLength(3);
    await expect(login(client, { key: rotated })).resolves.toBeTruthy();
    expect(provider.calls.filter((u) => u == JWKS)).toHaveLength(3);
  });

  it("JWKS unavailable → jwks_failed", async () => {
    const down = jsonFetch((url) => (url == DISCOVERY ? metadata : "down"), 200);
    await refused({}, "jwks_failed", JWKS, make({ fetch: down.fetchFn }));
  });

  it("a refused ID token consumes the pending login, and carries the appState", async () => {
    const client = make();
    const q = await start(client, { appState: "/back" });
    const bad = await callback(q, { claims: { nonce: "x" } });
    await expect(client.handleRedirect(bad)).rejects.toMatchObject({ code: "id_token_nonce", appState: "/back" });
    // On the next page load, the good response finds no pending login.
    const good = await callback(q);
    await expect(make().handleRedirect(good)).rejects.toMatchObject({ code: "state_mismatch" });
  });
});

describe("createOidcClient: the iss response parameter (RFC 9207)", () => {
  it("another issuer on a success response → issuer_mismatch, before the ID token is looked at", async () => {
    await refused({ extra: "&iss=" + encodeURIComponent("https://evil.example") }, "issuer_mismatch", "iss https://evil.example");
    await refused({ extra: "&iss=" + encodeURIComponent(ISSUER + "/") }, "issuer_mismatch", "iss");
  });

  it("on an error response: a matching iss passes the server's error through; another → issuer_mismatch", async () => {
    const client = make();
    const error = async (iss: string) => {
      const q = await start(client);
      return `${REDIRECT}#error=access_denied&state=${encodeURIComponent(q.get("state")!)}&iss=${encodeURIComponent(iss)}`;
    };
    await expect(client.handleRedirect(await error(ISSUER))).rejects.toMatchObject({ code: "access_denied" });
    await expect(client.handleRedirect(await error("https://evil.example"))).rejects.toMatchObject({ code: "issuer_mismatch" });
  });

  it("responseType token: no nonce, no openid, no ID token; iss is required when the provider announces it", async () => {
    metadata.authorization_response_iss_parameter_supported = true;
    const client = make({ responseType: "token" });
    const q = await start(client);
    expect(q.get("response_type")).toBe("token");
    expect(q.get("nonce")).toBeNull();
    expect(q.get("scope")).toBe("profile");
    const base = `${REDIRECT}#access_token=${ACCESS_TOKEN}&token_type=Bearer&state=${encodeURIComponent(q.get("state")!)}`;
    await expect(client.handleRedirect(base)).rejects.toMatchObject({ code: "issuer_mismatch", message: expect.stringContaining("iss missing") });
    const q2 = await start(client);
    const ok = `${REDIRECT}#access_token=${ACCESS_TOKEN}&token_type=Bearer&state=${encodeURIComponent(q2.get("state")!)}&iss=${encodeURIComponent(ISSUER)}`;
    const { token } = (await client.handleRedirect(ok))!;
    expect(token).toEqual({ accessToken: ACCESS_TOKEN, tokenType: "Bearer", scope: ["profile"] });
    expect(client.getUser()).toBeNull();
    expect(provider.calls).not.toContain(JWKS);
  });
});

describe("createOidcClient: getUser", () => {
  it("returns the claims while the token lasts: null after logout and after expiry", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const client = make();
      await login(client);
      expect(client.getUser()!.name).toBe("Jane Doe");
      client.logout();
      expect(client.getUser()).toBeNull();
      await login(client);
      expect(client.getUser()).not.toBeNull();
      vi.advanceTimersByTime(3600_000);
      expect(client.getToken()).toBeNull();
      expect(client.getUser()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("createOidcClient: silent renewal keeps the user (OpenID Connect Core §3.1.2.1)", () => {
  const API = "https://api.example.com";

  /** A client signed in as the default `sub`, whose fetch also answers the API with `api`. */
  const signedIn = async (api = vi.fn<typeof fetch>(async () => new Response("ok"))) => {
    const client = make({
      resourceOrigins: [API],
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
        String(input).startsWith(API) ? api(input, init) : provider.fetchFn(input, init)) as typeof fetch,
    });
    const { token } = (await login(client))!;
    return { client, token, api };
  };

  /** Waits for the renewal's frame and answers it with an ID token built as `flow` says. */
  const answerFrame = async (flow: Flow = {}) => {
    const frame = await nextFrame();
    const params = new URL(frame.src).searchParams;
    post({ implicitly: await callback(params, flow) }, frame.contentWindow);
    return params;
  };

  afterEach(() => frames().forEach((f) => f.remove()));

  it("sends the held ID token as id_token_hint with prompt=none, and only then", async () => {
    const { client, token } = await signedIn();
    const silent = await start(client, { extraParams: { prompt: "none" } });
    expect(silent.get("id_token_hint")).toBe(token.idToken);
    expect((await start(client)).has("id_token_hint")).toBe(false);
    expect((await start(client, { extraParams: { prompt: "login" } })).has("id_token_hint")).toBe(false);
    // Nobody signed in: no hint.
    expect((await start(make(), { extraParams: { prompt: "none" } })).has("id_token_hint")).toBe(false);
  });

  it("renew() carries the hint, and accepts the same user again", async () => {
    const { client, token } = await signedIn();
    const renewal = renew(client);
    const params = await answerFrame();
    expect(params.get("prompt")).toBe("none");
    expect(params.get("id_token_hint")).toBe(token.idToken);
    await expect(renewal).resolves.toMatchObject({ claims: { sub: "248289761001" } });
  });

  it("a renewal that signs in another user → user_mismatch, and the client keeps nothing of it", async () => {
    const { client, token } = await signedIn();
    const onToken = vi.fn();
    client.on("token", onToken);
    const renewal = renew(client);
    await answerFrame({ claims: { sub: "someone-else" } });
    await expect(renewal).rejects.toMatchObject({ name: "AuthError", code: "user_mismatch" });
    expect(onToken).not.toHaveBeenCalled();
    expect(client.getToken()).toBe(token);
    expect(client.getUser()!.sub).toBe("248289761001");
    expect(storage.getItem("implicitly:" + CLIENT + " " + ISSUER)).toBeNull();
  });

  it("logout forgets the user: no hint, and a later renewal may sign in anyone", async () => {
    const { client } = await signedIn();
    client.logout();
    expect((await start(client, { extraParams: { prompt: "none" } })).has("id_token_hint")).toBe(false);
    const renewal = renew(client);
    await answerFrame({ claims: { sub: "someone-else" } });
    await expect(renewal).resolves.toMatchObject({ claims: { sub: "someone-else" } });
  });

  it("autoRenew never replays a request under another identity", async () => {
    const denied = () => new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
    const { client, api } = await signedIn(vi.fn<typeof fetch>(async () => denied()));
    const stop = autoRenew(client);
    try {
      const response = client.fetch(API + "/orders");
      const params = await answerFrame({ claims: { sub: "someone-else" } });
      // The 401 dropped the token; the renewal still asks for the same user.
      expect(params.get("id_token_hint")).not.toBeNull();
      expect((await response).status).toBe(401);
      await flush();
      expect(api).toHaveBeenCalledTimes(1);
      expect(client.getToken()).toBeNull();
    } finally {
      stop();
    }
  });
});

describe("createOidcClient: step-up in a popup keeps the user", () => {
  /** Opens a popup login on `client`; `answer` hands over a callback built as `flow` says. */
  const popupLogin = (client: OidcClient, opts = {}) => {
    const popup = fakePopup();
    vi.stubGlobal("open", () => popup);
    const result = loginWithPopup(client, opts);
    const answer = async (flow: Flow = {}) => {
      await vi.waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
      const params = new URL(popup.location.replace.mock.calls[0]![0]).searchParams;
      post({ implicitly: await callback(params, flow) }, popup as unknown as Window);
      return params;
    };
    return { result, answer };
  };

  it("sends the signed-in user's ID token as id_token_hint, and accepts the same user with more scope", async () => {
    const client = make();
    const { token } = (await login(client))!;
    const { result, answer } = popupLogin(client, { scope: "profile orders" });
    const params = await answer({ extra: "&scope=openid+profile+orders" });
    expect(params.get("id_token_hint")).toBe(token.idToken);
    expect(params.has("prompt")).toBe(false);
    await expect(result).resolves.toMatchObject({ token: { scope: ["openid", "profile", "orders"], claims: { sub: "248289761001" } } });
  });

  it("refuses another user (user_mismatch): the app keeps its token and user, and holds nobody else's", async () => {
    const client = make();
    const { token } = (await login(client))!;
    const onToken = vi.fn();
    client.on("token", onToken);
    const { result, answer } = popupLogin(client, { scope: "profile orders" });
    await answer({ claims: { sub: "someone-else" } });
    await expect(result).rejects.toMatchObject({ name: "AuthError", code: "user_mismatch" });
    expect(onToken).not.toHaveBeenCalled();
    expect(client.getToken()).toBe(token);
    expect(client.getUser()!.sub).toBe("248289761001");
  });

  it("signed out, a popup login sends no hint and may sign in anyone", async () => {
    const client = make();
    await login(client);
    client.logout();
    const { result, answer } = popupLogin(client);
    const params = await answer({ claims: { sub: "someone-else" } });
    expect(params.has("id_token_hint")).toBe(false);
    await expect(result).resolves.toMatchObject({ token: { claims: { sub: "someone-else" } } });
  });
});

describe("createOidcClient: a stalled provider", () => {
  it.each([
    ["discovery", DISCOVERY, "discovery_failed", "no metadata for " + ISSUER + ": timed out after 10 s"],
    ["the JWK Set", JWKS, "jwks_failed", JWKS + ": timed out after 10 s"],
  ])("%s gives up after 10 s (AbortSignal.timeout)", async (_, stalled, code, why) => {
    const q = await start(make());
    // AbortSignal.timeout's own timer is not faked: stand in for it with a signal aborted here.
    const timeout = new AbortController();
    const spy = vi.spyOn(AbortSignal, "timeout").mockReturnValue(timeout.signal);
    provider.fetchFn = vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
      String(input) == stalled
        ? new Promise<Response>((_, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)))
        : jsonFetch((url) => (url == DISCOVERY ? metadata : { keys: published })).fetchFn(input, init),
    ) as typeof fetch;
    // A fresh page: nothing cached yet.
    const page = make({ fetch: provider.fetchFn });
    const result = page.handleRedirect(await callback(q));
    await vi.waitFor(() => expect(provider.fetchFn).toHaveBeenCalledWith(stalled, expect.anything()));
    expect(spy).toHaveBeenCalledWith(10_000);
    timeout.abort(new DOMException("The operation timed out.", "TimeoutError"));
    await expect(result).rejects.toMatchObject({ code, description: why });
    expect(page.getToken()).toBeNull();
  });
});

describe("createOidcClient: prototype pollution", () => {
  it("names set on Object.prototype (jwksUri, authorizationEndpoint, algorithms) are no options", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    Object.assign(proto, {
      jwksUri: "https://evil.test/jwks",
      authorizationEndpoint: "https://evil.test/authorize",
      algorithms: ["ES256"],
      responseType: "token",
    });
    try {
      const client = make();
      const q = await start(client);
      expect(q.get("response_type")).toBe("id_token token");
      const { token } = (await client.handleRedirect(await callback(q)))!;
      expect(token.claims!.sub).toBe("248289761001");
      expect(provider.calls).toEqual([DISCOVERY, JWKS]);
    } finally {
      for (const name of ["jwksUri", "authorizationEndpoint", "algorithms", "responseType"]) delete proto[name];
    }
  });
});

describe("createOidcClient: step-up for stronger sign-in (RFC 9470)", () => {
  const STEP_UP = { extraParams: { acr_values: "urn:mfa phr", max_age: "60" } };

  it("a step-up asks for exactly the acr_values and max_age given, with the user's ID token as id_token_hint", async () => {
    const client = make();
    const { token } = (await login(client))!;
    const params = await start(client, STEP_UP);
    expect(params.get("acr_values")).toBe("urn:mfa phr");
    expect(params.get("max_age")).toBe("60");
    expect(params.get("id_token_hint")).toBe(token.idToken);
    // Nobody signed in: no hint, the acr and auth_time checks still apply.
    expect((await start(make(), STEP_UP)).has("id_token_hint")).toBe(false);
  });

  it("accepts the same user with an acr asked for and a recent auth_time", async () => {
    const client = make();
    await login(client);
    const params = await start(client, STEP_UP);
    const result = await client.handleRedirect(await callback(params, { claims: { acr: "phr", auth_time: now() - 10 } }));
    expect(result!.token.claims).toMatchObject({ acr: "phr", sub: "248289761001" });
  });

  it("an acr that was not asked for, or none → id_token_acr, and nothing is held", async () => {
    for (const acr of ["urn:password", undefined]) {
      const client = make();
      const params = await start(client, { extraParams: { acr_values: "urn:mfa" } });
      await expect(client.handleRedirect(await callback(params, { claims: { acr } }))).rejects.toMatchObject({ code: "id_token_acr" });
      expect(client.getToken()).toBeNull();
    }
  });

  it("an auth_time older than max_age (clockSkew applies), or none → id_token_auth_time", async () => {
    for (const auth_time of [now() - 60 - 30 - 5, undefined, "recent"]) {
      const client = make();
      const params = await start(client, { extraParams: { max_age: "60" } });
      await expect(client.handleRedirect(await callback(params, { claims: { auth_time } }))).rejects.toMatchObject({ code: "id_token_auth_time" });
    }
    const client = make();
    const params = await start(client, { extraParams: { max_age: "60" } });
    await expect(client.handleRedirect(await callback(params, { claims: { auth_time: now() - 80 } }))).resolves.toBeTruthy();
  });

  it("a step-up that signs in another user → user_mismatch: the app keeps its token", async () => {
    const client = make();
    const { token } = (await login(client))!;
    const params = await start(client, STEP_UP);
    await expect(client.handleRedirect(await callback(params, { claims: { sub: "someone-else", acr: "phr", auth_time: now() } }))).rejects.toMatchObject({
      code: "user_mismatch",
    });
    expect(client.getToken()).toBe(token);
  });
});
