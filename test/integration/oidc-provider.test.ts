// @vitest-environment node
// The OpenID Connect modules (discovery, JWKS, ID token verification, RFC 9207 check) against a real
// OpenID provider (oidc-provider, started in-process): the implicit flow with
// response_type=id_token token is walked over HTTP as a browser would, through the provider's own
// login and consent pages, and the ID token of the redirect is verified: by the modules one by one,
// and by createOidcClient().handleRedirect() as an app does.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OIDC_ACCOUNTS, startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { buildAuthorizationUrl } from "../../src/protocol/authorize";
import { discover } from "../../src/oidc/discovery";
import { verifyIdToken } from "../../src/oidc/id-token";
import { createKeySet } from "../../src/oidc/jwks";
import { decodeJws } from "../../src/oidc/jwt";
import { createOidcClient, type OidcClient } from "../../src/oidc/oidc-client";
import { randomString } from "../../src/browser/random";
import { checkResponseIssuer } from "../../src/protocol/response-issuer";
import { parseAuthorizationResponse } from "../../src/protocol/response";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

// Registered exactly as the requests send it (the provider compares redirect URIs exactly).
const REDIRECT = "http://127.0.0.1:5173/callback";
const REGISTERED = REDIRECT;

const authorize = (url: string, opts: { login?: string; deny?: boolean } = {}) => authorizeAtProvider(url, REDIRECT, opts);

const startLogin = (p: OidcProvider, nonce = randomString(), state = randomString()) => ({
  nonce,
  state,
  url: buildAuthorizationUrl(p.authorizationEndpoint, {
    response_type: "id_token token",
    client_id: p.clientId,
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state,
    nonce,
  }),
});

describe.each(["RS256", "ES256", "PS256", "EdDSA"] as const)("OpenID provider signing with %s", (alg) => {
  let op: OidcProvider;

  beforeAll(async () => {
    op = await startOidcProvider({ redirectUris: [REGISTERED], idTokenAlg: alg });
  });
  afterAll(async () => {
    await op?.close();
  });

  it("completes id_token token: discovery, JWKS and every ID token check pass", async () => {
    const meta = await discover(op.issuer, fetch);
    expect(meta).toMatchObject({ issuer: op.issuer, authorizationEndpoint: op.authorizationEndpoint, jwksUri: op.jwksUri, issParameterSupported: true });
    expect(meta.idTokenAlgorithms).toContain(alg);

    const login = startLogin(op);
    const back = await authorize(login.url);
    const response = parseAuthorizationResponse(back)!;
    expect(response.state).toBe(login.state);
    expect(response.tokenType).toBe("Bearer");
    const { id_token: idToken } = response.params;
    expect(idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJws(idToken!).header).toMatchObject({ alg, kid: alg == "ES256" ? "demo-ec" : alg == "EdDSA" ? "demo-ed" : "demo-rsa" });
    // The provider leaves iss out when an ID token is in the response (its claim says it).
    expect(response.params.iss).toBeUndefined();
    expect(() => checkResponseIssuer(response.params, op.issuer, meta.issParameterSupported)).not.toThrow();

    const keys = createKeySet(meta.jwksUri, fetch);
    const options = {
      issuer: meta.issuer,
      clientId: op.clientId,
      nonce: login.nonce,
      accessToken: response.accessToken!,
      keys,
      algorithms: meta.idTokenAlgorithms,
    };
    const claims = await verifyIdToken(idToken!, options);
    expect(claims).toMatchObject({ iss: op.issuer, sub: "demo", aud: op.clientId, nonce: login.nonce });
    expect(typeof claims.at_hash).toBe("string");

    // The access token works at the provider's userinfo endpoint, with the profile claims.
    const userinfo = await fetch(meta.metadata.userinfo_endpoint as string, { headers: { Authorization: "Bearer " + response.accessToken } });
    expect(await userinfo.json()).toMatchObject({ sub: "demo", name: OIDC_ACCOUNTS.demo!.name, email: OIDC_ACCOUNTS.demo!.email });

    // The same real token fails every check it should.
    await expect(verifyIdToken(idToken!, { ...options, nonce: randomString() })).rejects.toMatchObject({ code: "id_token_nonce" });
    await expect(verifyIdToken(idToken!, { ...options, accessToken: response.accessToken + "x" })).rejects.toMatchObject({ code: "id_token_at_hash" });
    await expect(verifyIdToken(idToken!, { ...options, issuer: op.issuer + "/" })).rejects.toMatchObject({ code: "id_token_iss" });
    await expect(verifyIdToken(idToken!, { ...options, clientId: "another-client" })).rejects.toMatchObject({ code: "id_token_aud" });
    await expect(verifyIdToken(idToken!, { ...options, now: Date.now() + 2 * 3600_000 })).rejects.toMatchObject({ code: "id_token_exp" });
    await expect(verifyIdToken(idToken!, { ...options, algorithms: ["RS384"] })).rejects.toMatchObject({ code: "id_token_alg" });
    const [h, p, s] = idToken!.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = h + "." + Buffer.from(JSON.stringify({ ...payload, sub: "admin" })).toString("base64url") + "." + s;
    await expect(verifyIdToken(forged, options)).rejects.toMatchObject({ code: "id_token_signature" });
  });

  it("sends iss with an error response (RFC 9207), which the check accepts only from this issuer", async () => {
    const login = startLogin(op);
    const back = await authorize(login.url, { deny: true });
    const response = parseAuthorizationResponse(back)!;
    expect(response).toMatchObject({ error: "access_denied", state: login.state });
    expect(response.params.iss).toBe(op.issuer);
    expect(() => checkResponseIssuer(response.params, op.issuer, true)).not.toThrow();
    expect(() => checkResponseIssuer(response.params, "https://honest.example", true)).toThrow(expect.objectContaining({ code: "issuer_mismatch" }));
  });

  describe("createOidcClient", () => {
    // This file runs in Node: the client only needs to know the page is not the callback URL.
    beforeAll(() => {
      vi.stubGlobal("location", new URL("http://127.0.0.1:5173/"));
    });
    afterAll(() => {
      vi.unstubAllGlobals();
    });

    const makeClient = (storage = new MemoryStorage()): OidcClient =>
      createOidcClient({ issuer: op.issuer, clientId: op.clientId, redirectUri: REDIRECT, scope: "profile email", storage, fetch });

    it("handleRedirect() verifies the provider's ID token and holds the token with its claims", async () => {
      const client = makeClient();
      const url = await client.authorizationUrl({ appState: { route: "/account" } });
      const sent = new URL(url).searchParams;
      expect(url.startsWith(op.authorizationEndpoint + "?")).toBe(true);
      expect(sent.get("response_type")).toBe("id_token token");
      expect(sent.get("scope")).toBe("openid profile email");
      expect(sent.get("nonce")).toMatch(/^[\w-]{43}$/);

      const back = await authorize(url);
      const result = (await client.handleRedirect(back))!;
      const fragment = parseAuthorizationResponse(back)!;
      expect(result.appState).toEqual({ route: "/account" });
      expect(result.token).toMatchObject({ accessToken: fragment.accessToken, tokenType: "Bearer", idToken: fragment.params.id_token });
      const user = client.getUser()!;
      expect(user).toBe(result.token.claims);
      expect(user).toMatchObject({ iss: op.issuer, sub: "demo", aud: op.clientId, nonce: sent.get("nonce"), name: OIDC_ACCOUNTS.demo!.name });
      expect(client.getToken()).toBe(result.token);

      // One-time: the same response again (a new page load) is refused.
      await expect(makeClient().handleRedirect(back)).rejects.toMatchObject({ code: "state_mismatch" });
      client.logout();
      expect(client.getUser()).toBeNull();
    });

    it("refuses a real ID token issued for another login of the same client (nonce)", async () => {
      const client = makeClient();
      const first = await client.authorizationUrl();
      const second = new URL(await client.authorizationUrl()).searchParams.get("state")!;
      const back = await authorize(first);
      // The first login's token, delivered under the second login's state.
      const swapped = back.replace(/([#&]state=)[^&]*/, "$1" + encodeURIComponent(second));
      await expect(client.handleRedirect(swapped)).rejects.toMatchObject({ code: "id_token_nonce" });
      expect(client.getUser()).toBeNull();
    });

    it("passes the provider's error through, and refuses an error naming another issuer", async () => {
      const client = makeClient();
      const denied = await authorize(await client.authorizationUrl(), { deny: true });
      await expect(client.handleRedirect(denied)).rejects.toMatchObject({ code: "access_denied" });
      const forged = await authorize(await client.authorizationUrl(), { deny: true });
      const mixedUp = forged.replace(/([#&]iss=)[^&]*/, "$1" + encodeURIComponent("https://honest.example"));
      await expect(client.handleRedirect(mixedUp)).rejects.toMatchObject({ code: "issuer_mismatch" });
    });
  });
});

describe("discovery against the provider", () => {
  it("refuses an issuer spelled with a trailing slash the provider does not use", async () => {
    const op = await startOidcProvider({ redirectUris: [REGISTERED] });
    try {
      await expect(discover(op.issuer + "/", fetch)).rejects.toMatchObject({ code: "discovery_failed", message: expect.stringContaining("issuer mismatch") });
    } finally {
      await op.close();
    }
  });
});
