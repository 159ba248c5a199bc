// @vitest-environment node
// The code flow (codeFlow) against a real OpenID provider (oidc-provider, started in-process with
// `codeFlow: true`): createOidcClient with `flow: codeFlow` takes the token endpoint from the
// provider's metadata, exchanges the code with its PKCE verifier (CORS-free here: Node), verifies
// the ID token of the token response with the OpenID Connect rules, refreshes with rotation and
// is refused after revocation; createClient with `tokenEndpoint` does plain OAuth 2.0 there.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OIDC_ACCOUNTS, startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { codeFlow, createClient, createOidcClient, renew, type OidcClient } from "../../src/index";
import { internalsOf } from "../../src/client/internals";
import { decodeJws } from "../../src/oidc/jwt";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

const REDIRECT = "http://127.0.0.1:5173/callback";

const authorize = (url: string) => authorizeAtProvider(url, REDIRECT);

let op: OidcProvider;
beforeAll(async () => {
  op = await startOidcProvider({ redirectUris: [REDIRECT], codeFlow: true });
  vi.stubGlobal("location", new URL("http://127.0.0.1:5173/"));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await op?.close();
});

const makeOidcClient = (): OidcClient =>
  createOidcClient({ issuer: op.issuer, clientId: op.clientId, redirectUri: REDIRECT, scope: "profile", storage: new MemoryStorage(), fetch, flow: codeFlow });

describe("createOidcClient with flow: codeFlow against oidc-provider", () => {
  it("exchanges the code at the metadata's token_endpoint and verifies the ID token of the token response", async () => {
    const client = makeOidcClient();
    const url = await client.authorizationUrl({ appState: "back" });
    const sent = new URL(url).searchParams;
    expect(sent.get("response_type")).toBe("code");
    expect(sent.get("code_challenge_method")).toBe("S256");
    expect(sent.get("scope")).toBe("openid profile");
    expect(sent.get("nonce")).toMatch(/^[\w-]{43}$/);
    const back = await authorize(url);
    const query = new URL(back).searchParams;
    expect(query.get("code")).toBeTruthy();
    // RFC 9207: the provider names itself in the response, and the client checks it.
    expect(query.get("iss")).toBe(op.issuer);
    const result = (await client.handleRedirect(back))!;
    expect(result.appState).toBe("back");
    expect(result.token).toMatchObject({ tokenType: "Bearer", scope: ["openid", "profile"] });
    expect(decodeJws(result.token.idToken!).payload).toMatchObject({ nonce: sent.get("nonce") });
    expect(client.getUser()).toMatchObject({ sub: "demo", name: OIDC_ACCOUNTS.demo!.name, nonce: sent.get("nonce") });
    const userinfo = await fetch(op.issuer + "/me", { headers: { Authorization: "Bearer " + result.token.accessToken } });
    expect(userinfo.status).toBe(200);
  });

  it("refreshes with rotation, keeps the verified claims, and the spent refresh token is refused", async () => {
    const client = makeOidcClient();
    await client.handleRedirect(await authorize(await client.authorizationUrl()));
    const i = internalsOf(client);
    const first = i.refreshToken!();
    expect(first).toBeTruthy();
    const before = client.getToken()!;
    const token = await renew(client);
    expect(token.accessToken).not.toBe(before.accessToken);
    expect(i.refreshToken!()).not.toBe(first);
    expect(client.getUser()).toMatchObject({ sub: "demo" });
    const spent = await fetch(op.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: first!, client_id: op.clientId }),
    });
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("maps the refusal of a revoked refresh token to invalid_grant", async () => {
    const client = makeOidcClient();
    await client.handleRedirect(await authorize(await client.authorizationUrl()));
    const i = internalsOf(client);
    const revoked = await fetch(op.revocationEndpoint, {
      method: "POST",
      body: new URLSearchParams({ token: i.refreshToken!()!, token_type_hint: "refresh_token", client_id: op.clientId }),
    });
    expect(revoked.status).toBe(200);
    await expect(i.hooks.refresh!({})).rejects.toMatchObject({ code: "invalid_grant" });
    expect(i.refreshToken!()).toBeUndefined();
  });

  it("passes the provider's refusal of a code redeemed already through as invalid_grant", async () => {
    const storage = new MemoryStorage();
    const client = createOidcClient({ issuer: op.issuer, clientId: op.clientId, redirectUri: REDIRECT, scope: "profile", storage, fetch, flow: codeFlow });
    const back = await authorize(await client.authorizationUrl());
    const code = new URL(back).searchParams.get("code")!;
    // The verifier waits with the pending login; whoever has both redeems the code first.
    const [login] = Object.values(JSON.parse([...storage.items.values()][0]!)).map((l) => (l as { features: { code: { verifier: string } } }).features.code);
    const first = await fetch(op.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: op.clientId, code_verifier: login!.verifier }),
    });
    expect(first.status).toBe(200);
    await expect(client.handleRedirect(back)).rejects.toMatchObject({ code: "invalid_grant" });
    expect(client.getToken()).toBeNull();
  });

  it("refuses a wrong verifier at the provider (PKCE is enforced): invalid_grant", async () => {
    const client = makeOidcClient();
    const back = await authorize(await client.authorizationUrl());
    const code = new URL(back).searchParams.get("code")!;
    const wrong = await fetch(op.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: op.clientId, code_verifier: "a".repeat(43) }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("takes an ID token without at_hash from the token endpoint (optional there), as the provider sends it", async () => {
    const client = makeOidcClient();
    const { token } = (await client.handleRedirect(await authorize(await client.authorizationUrl())))!;
    expect(decodeJws(token.idToken!).payload.at_hash).toBeUndefined();
    expect(client.getUser()).not.toBeNull();
  });
});

describe("createClient with flow: codeFlow and tokenEndpoint at oidc-provider (plain OAuth 2.0)", () => {
  it("signs in without openid, and the token works at the provider", async () => {
    const client = createClient({
      authorizationEndpoint: op.authorizationEndpoint,
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clientId,
      redirectUri: REDIRECT,
      scope: "openid",
      storage: new MemoryStorage(),
      fetch,
      flow: codeFlow,
    });
    const result = (await client.handleRedirect(await authorize(await client.authorizationUrl())))!;
    expect(result.token.tokenType).toBe("Bearer");
    expect(internalsOf(client).refreshToken!()).toBeTruthy();
    expect((await renew(client)).accessToken).not.toBe(result.token.accessToken);
  });
});
