// codeFlow with createOidcClient: the ID token of the token response goes through the OpenID
// Connect feature's own checks (signature, iss, aud, nonce…), at_hash optional there but checked
// when present; the token endpoint comes from the provider's metadata.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeFlow } from "../../src/code/code-flow";
import { createOidcClient, type OidcClient } from "../../src/oidc/oidc-client";
import { MemoryStorage } from "../support/memory-storage";
import { atHash, generateKey, sign, type TestKey } from "../support/jws";

const ISSUER = "https://id.example.com";
const REDIRECT = "http://localhost:3000/callback";
const TOKEN = ISSUER + "/token";
let key: TestKey;
let idToken: (nonce: string) => Promise<string | undefined>;
let tokenCalls: URLSearchParams[];
let metadata: Record<string, unknown>;

beforeAll(async () => {
  key = await generateKey("RS256", "k1");
});
beforeEach(() => {
  tokenCalls = [];
  metadata = {
    issuer: ISSUER,
    authorization_endpoint: ISSUER + "/authorize",
    token_endpoint: TOKEN,
    jwks_uri: ISSUER + "/jwks",
    id_token_signing_alg_values_supported: ["RS256"],
    authorization_response_iss_parameter_supported: true,
  };
});

const claims = (nonce: string) => ({
  iss: ISSUER,
  sub: "u1",
  aud: "spa",
  exp: Math.floor(Date.now() / 1000) + 600,
  iat: Math.floor(Date.now() / 1000),
  nonce,
  name: "Jane",
});
const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = String(input);
  const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
  if (url.endsWith("/.well-known/openid-configuration")) return json(metadata);
  if (url.endsWith("/jwks")) return json({ keys: [key.jwk] });
  if (url == TOKEN) {
    const form = new URLSearchParams(String(init!.body));
    tokenCalls.push(form);
    const nonce = (JSON.parse(localStorage.getItem("nonce") ?? '""') as string) || "";
    const id = await idToken(nonce);
    return json({ access_token: "at-1", token_type: "Bearer", expires_in: 600, refresh_token: "rt-1", ...(id ? { id_token: id } : {}) });
  }
  return new Response("not found", { status: 404 });
};

const make = (storage = new MemoryStorage()): OidcClient =>
  createOidcClient({ issuer: ISSUER, clientId: "spa", redirectUri: REDIRECT, scope: "profile", storage, fetch: fetchFn as typeof fetch, flow: codeFlow });

/** Starts a login, remembers its nonce for the fake provider, and returns the callback URL. */
const callback = async (client: OidcClient, extra = "") => {
  const sent = new URL(await client.authorizationUrl()).searchParams;
  localStorage.setItem("nonce", JSON.stringify(sent.get("nonce")));
  return { sent, href: REDIRECT + "?code=c&state=" + encodeURIComponent(sent.get("state")!) + "&iss=" + encodeURIComponent(ISSUER) + extra };
};

describe("createOidcClient with flow: codeFlow", () => {
  it("asks for a code with openid, a nonce and PKCE; exchanges at the metadata's token_endpoint; verifies the ID token", async () => {
    idToken = (nonce) => sign(key, { alg: "RS256", kid: "k1" }, claims(nonce));
    const client = make();
    const { sent, href } = await callback(client);
    expect(sent.get("response_type")).toBe("code");
    expect(sent.get("scope")).toBe("openid profile");
    expect(sent.get("code_challenge_method")).toBe("S256");
    const { token } = (await client.handleRedirect(href))!;
    expect(tokenCalls.length).toBe(1);
    expect(token).toMatchObject({ accessToken: "at-1", scope: ["openid", "profile"] });
    expect(client.getUser()).toMatchObject({ sub: "u1", name: "Jane" });
  });

  it("refuses an ID token for another login (nonce)", async () => {
    idToken = () => sign(key, { alg: "RS256", kid: "k1" }, claims("someone-else"));
    const client = make();
    await expect(client.handleRedirect((await callback(client)).href)).rejects.toMatchObject({ code: "id_token_nonce" });
    expect(client.getToken()).toBeNull();
  });

  it("refuses a token response without an ID token when openid was asked for", async () => {
    idToken = async () => undefined;
    const client = make();
    await expect(client.handleRedirect((await callback(client)).href)).rejects.toMatchObject({ code: "invalid_id_token" });
  });

  it("checks at_hash when the token has one (and refuses a wrong one), accepts its absence", async () => {
    idToken = async (nonce) => sign(key, { alg: "RS256", kid: "k1" }, { ...claims(nonce), at_hash: await atHash("another-token") });
    let client = make();
    await expect(client.handleRedirect((await callback(client)).href)).rejects.toMatchObject({ code: "id_token_at_hash" });
    idToken = async (nonce) => sign(key, { alg: "RS256", kid: "k1" }, { ...claims(nonce), at_hash: await atHash("at-1") });
    client = make();
    expect((await client.handleRedirect((await callback(client)).href))!.token.claims?.sub).toBe("u1");
  });

  it("checks the response's iss (RFC 9207) before the exchange, and requires it when the provider promises it", async () => {
    idToken = (nonce) => sign(key, { alg: "RS256", kid: "k1" }, claims(nonce));
    let client = make();
    const { href } = await callback(client);
    await expect(client.handleRedirect(href.replace(/iss=[^&]*/, "iss=" + encodeURIComponent("https://evil.example")))).rejects.toMatchObject({
      code: "issuer_mismatch",
    });
    expect(tokenCalls).toEqual([]);
    // Plain OAuth 2.0 at the provider (no ID token): iss must come with the response.
    client = createOidcClient({
      issuer: ISSUER,
      clientId: "spa",
      redirectUri: REDIRECT,
      responseType: "token",
      storage: new MemoryStorage(),
      fetch: fetchFn as typeof fetch,
      flow: codeFlow,
    });
    idToken = async () => undefined;
    const plain = await callback(client);
    await expect(client.handleRedirect(plain.href.replace(/&iss=[^&]*/, ""))).rejects.toMatchObject({ code: "issuer_mismatch" });
    const next = await callback(client);
    expect((await client.handleRedirect(next.href))!.token.accessToken).toBe("at-1");
  });

  it("with an ID token coming: refuses a code response without iss from a provider that promises it, before any exchange", async () => {
    idToken = (nonce) => sign(key, { alg: "RS256", kid: "k1" }, claims(nonce));
    const client = make();
    const { href } = await callback(client);
    await expect(client.handleRedirect(href.replace(/&iss=[^&]*/, ""))).rejects.toMatchObject({ code: "issuer_mismatch", description: "iss missing" });
    expect(tokenCalls).toEqual([]);
    expect(client.getToken()).toBeNull();
    // A provider that does not promise it: a code response without iss is exchanged.
    delete metadata.authorization_response_iss_parameter_supported;
    const other = make();
    const next = await callback(other);
    expect((await other.handleRedirect(next.href.replace(/&iss=[^&]*/, "")))!.token.accessToken).toBe("at-1");
  });

  it("keeps the verified claims across a refresh", async () => {
    idToken = (nonce) => sign(key, { alg: "RS256", kid: "k1" }, claims(nonce));
    const client = make();
    await client.handleRedirect((await callback(client)).href);
    const { internalsOf } = await import("../../src/client/internals");
    const token = await internalsOf(client).hooks.refresh!({});
    expect(tokenCalls[1]!.get("grant_type")).toBe("refresh_token");
    expect(client.getUser()).toMatchObject({ sub: "u1" });
    expect(token).toBe(client.getToken());
  });

  it("rejects login without a token_endpoint in the metadata", async () => {
    delete metadata.token_endpoint;
    await expect(make().authorizationUrl()).rejects.toMatchObject({ code: "invalid_config", description: "tokenEndpoint" });
  });
});
