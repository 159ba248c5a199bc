// The kit used as an app's tests use it: vitest + jsdom, the client's `fetch` option answered by
// the fake server, sign-in through the public API only.
import { describe, expect, it, vi } from "vitest";
import { codeFlow, createClient, createOidcClient, dpop, renew, signOut } from "../../src/index";
import { createFakeServer, signIn } from "../../src/testing";

const PAGE = "http://localhost:3000/";

/** A tiny app: greets the user from the API, or asks them to sign in. */
const renderGreeting = async (client: ReturnType<typeof createClient>, userinfo: string) => {
  const root = document.body;
  if (!client.getToken()) return void (root.textContent = "Please sign in");
  const response = await client.fetch(userinfo);
  root.textContent = response.ok ? "Hello " + ((await response.json()) as { name: string }).name : "Please sign in again";
};

describe("implicit grant", () => {
  it("signs the configured user in, and the app calls its API with the token", async () => {
    const server = createFakeServer({ user: { sub: "u1", name: "Ada" }, redirectUris: [PAGE] });
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      clientId: "app",
      scope: "profile",
      resourceOrigins: [new URL(server.endpoints.issuer).origin],
      fetch: server.fetch,
    });
    const { token, appState } = await signIn(client, server, { appState: { route: "/orders" } });
    expect(token).toMatchObject({ tokenType: "Bearer", scope: ["profile"] });
    expect(appState).toEqual({ route: "/orders" });
    await renderGreeting(client, server.endpoints.userinfo);
    expect(document.body.textContent).toBe("Hello Ada");
  });

  it("refuses a redirect URI that is not registered (no redirect at all)", async () => {
    const server = createFakeServer({ redirectUris: ["https://app.example.test/callback"] });
    const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app" });
    await expect(signIn(client, server)).rejects.toThrow(/redirect_uri is not registered/);
  });

  it("refuse(): the app gets the server's error; the next login works", async () => {
    const server = createFakeServer();
    const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app" });
    server.refuse("access_denied", { description: "the user said no" });
    await expect(signIn(client, server)).rejects.toMatchObject({ code: "access_denied", description: "the user said no" });
    await expect(signIn(client, server)).resolves.toMatchObject({ token: { tokenType: "Bearer" } });
  });

  it("expire(): the API refuses the token, the client drops it and tells the app", async () => {
    const server = createFakeServer();
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      fetch: server.fetch,
    });
    await signIn(client, server);
    const expired = vi.fn();
    client.on("expired", expired);
    server.expire();
    await renderGreeting(client, server.endpoints.userinfo);
    expect(document.body.textContent).toBe("Please sign in again");
    expect(expired).toHaveBeenCalledOnce();
    expect(client.getToken()).toBeNull();
  });

  it("a token's lifetime (expiresIn) runs on the app's clock: fake timers expire it", async () => {
    vi.useFakeTimers({ now: Date.now() });
    try {
      const server = createFakeServer({ expiresIn: 120 });
      const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app", clockSkew: 0 });
      await signIn(client, server);
      vi.advanceTimersByTime(119_000);
      expect(client.getToken()).not.toBeNull();
      vi.advanceTimersByTime(2_000);
      expect(client.getToken()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("quirks: errors in the query (Django OAuth Toolkit) still reach the app as AuthError", async () => {
    const server = createFakeServer({ quirks: { queryErrors: true } });
    const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app" });
    server.refuse("invalid_scope");
    const redirect = await server.authorize(await client.authorizationUrl());
    expect(new URL(redirect).searchParams.get("error")).toBe("invalid_scope");
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "invalid_scope" });
  });

  it("quirks: a lower-case token type (Glewlwyd) is accepted; bare challenges leave the app without one", async () => {
    const server = createFakeServer({ quirks: { lowercaseBearer: true, bareChallenges: true } });
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      fetch: server.fetch,
    });
    await signIn(client, server);
    const unauthorized = vi.fn();
    client.on("unauthorized", unauthorized);
    server.revoke();
    const response = await client.fetch(server.endpoints.userinfo);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(unauthorized).toHaveBeenCalledWith(expect.objectContaining({ challenge: null }));
  });
});

describe("code flow with PKCE", () => {
  const codeClient = (server: ReturnType<typeof createFakeServer>) =>
    createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      clientId: "app",
      scope: ["orders"],
      resourceOrigins: [server.endpoints.issuer],
      flow: codeFlow,
      fetch: server.fetch,
    });

  it("exchanges the code, then refreshes with rotation", async () => {
    const server = createFakeServer({ clientId: "app" });
    const client = codeClient(server);
    const { token } = await signIn(client, server);
    const renewed = await renew(client);
    expect(renewed.accessToken).not.toBe(token.accessToken);
    await renew(client);
    expect(server.requests.filter((r) => r.grantType).map((r) => r.grantType)).toEqual(["authorization_code", "refresh_token", "refresh_token"]);
    expect((await client.fetch(server.endpoints.userinfo)).status).toBe(200);
  });

  it("a spent refresh token used again revokes the grant (RFC 9700 §4.14.2)", async () => {
    const server = createFakeServer();
    // The app's client and a copy of its first refresh request, replayed by an attacker.
    let first: Request | undefined;
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      flow: codeFlow,
      fetch: async (input, init) => {
        const body = String(init?.body ?? "");
        if (body.includes("grant_type=refresh_token") && !first) first = new Request(String(input), { method: "POST", body });
        return server.fetch(input, init);
      },
    });
    await signIn(client, server);
    await renew(client);
    const replay = await server.handle(first!);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    // The whole grant ends: the app's current token too.
    expect((await client.fetch(server.endpoints.userinfo)).status).toBe(401);
  });

  it("refuse() at the token endpoint, and revoke(): the app gets the server's error", async () => {
    const server = createFakeServer();
    const client = codeClient(server);
    server.refuse("invalid_grant", { at: "token" });
    await expect(signIn(client, server)).rejects.toMatchObject({ code: "invalid_grant" });
    await signIn(client, server);
    server.revoke();
    expect((await client.fetch(server.endpoints.userinfo)).status).toBe(401);
  });

  it("signOut() revokes the access and refresh tokens at the fake's revocation endpoint", async () => {
    const server = createFakeServer();
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      revocationEndpoint: server.endpoints.revocation,
      clientId: "app",
      flow: codeFlow,
      fetch: server.fetch,
    });
    const { token } = await signIn(client, server);
    const result = await signOut(client, { endSession: false });
    expect(result.revocations).toEqual([
      expect.objectContaining({ tokenTypeHint: "refresh_token", revoked: true }),
      expect.objectContaining({ tokenTypeHint: "access_token", revoked: true }),
    ]);
    const me = await server.fetch(server.endpoints.userinfo, { headers: { Authorization: "Bearer " + token.accessToken } });
    expect(me.status).toBe(401);
  });

  it("refuses a code without PKCE, or with another verifier", async () => {
    const server = createFakeServer();
    const url = new URL(server.endpoints.authorization);
    url.search = new URLSearchParams({ response_type: "code", client_id: "app", redirect_uri: PAGE, state: "s" }).toString();
    expect(new URL(await server.authorize(url.href)).searchParams.get("error")).toBe("invalid_request");
    url.searchParams.set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    url.searchParams.set("code_challenge_method", "S256");
    const code = new URL(await server.authorize(url.href)).searchParams.get("code")!;
    const body = new URLSearchParams({ grant_type: "authorization_code", code, client_id: "app", redirect_uri: PAGE, code_verifier: "x".repeat(43) });
    const answer = await server.fetch(server.endpoints.token, { method: "POST", body });
    expect(await answer.json()).toMatchObject({ error: "invalid_grant", error_description: "code_verifier does not match" });
  });

  it("DPoP: the token is bound to the client's key; the same token as Bearer is refused", async () => {
    const server = createFakeServer();
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      flow: codeFlow,
      dpop,
      fetch: server.fetch,
    });
    const { token } = await signIn(client, server);
    expect(token.tokenType).toBe("DPoP");
    expect((await client.fetch(server.endpoints.userinfo)).status).toBe(200);
    const stolen = await server.fetch(server.endpoints.userinfo, { headers: { Authorization: "Bearer " + token.accessToken } });
    expect(stolen.status).toBe(401);
    expect(stolen.headers.get("WWW-Authenticate")).toMatch(/^DPoP .*invalid_token/);
    await expect(renew(client)).resolves.toMatchObject({ tokenType: "DPoP" });
  });

  it("DPoP with server nonces: the client retries once with the nonce", async () => {
    const server = createFakeServer({ dpopNonce: true });
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      flow: codeFlow,
      dpop,
      fetch: server.fetch,
    });
    await signIn(client, server);
    expect((await client.fetch(server.endpoints.userinfo)).status).toBe(200);
  });
});

describe("OpenID Connect", () => {
  it("implicit (id_token token): discovery, keys and a signed ID token the client verifies", async () => {
    const server = createFakeServer({ user: { sub: "u7", name: "Grace", email: "grace@example.test" } });
    const client = createOidcClient({ issuer: server.endpoints.issuer, clientId: "app", scope: "profile email", fetch: server.fetch });
    await signIn(client, server);
    expect(client.getUser()).toMatchObject({ sub: "u7", name: "Grace", iss: server.endpoints.issuer, aud: "app" });
  });

  it("code flow: the ID token comes from the token endpoint", async () => {
    const server = createFakeServer({ issuer: "https://login.example.test/tenant" });
    const client = createOidcClient({ issuer: server.endpoints.issuer, clientId: "app", flow: codeFlow, fetch: server.fetch });
    await signIn(client, server);
    expect(client.getUser()?.sub).toBe("test-user");
  });

  it("noIssParameter: a provider that announces no RFC 9207 support still signs in", async () => {
    const server = createFakeServer({ quirks: { noIssParameter: true } });
    const client = createOidcClient({ issuer: server.endpoints.issuer, clientId: "app", fetch: server.fetch });
    const redirect = await server.authorize(await client.authorizationUrl());
    expect(new URLSearchParams(new URL(redirect).hash.slice(1)).get("iss")).toBeNull();
    await expect(client.handleRedirect(redirect)).resolves.toMatchObject({ token: { tokenType: "Bearer" } });
  });

  it("its end-session endpoint ends the session and goes back, with state, to a registered URI only", async () => {
    const server = createFakeServer({ redirectUris: [PAGE] });
    const end = (back: string) => server.handle(new Request(`${server.endpoints.endSession}?post_logout_redirect_uri=${encodeURIComponent(back)}&state=xyz`));
    const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app" });
    expect((await end("https://evil.example.test/")).status).toBe(400);
    // Refused: the session goes on.
    await expect(signIn(client, server, { extraParams: { prompt: "none" } })).resolves.toBeDefined();
    const answer = await end(PAGE);
    expect(answer.headers.get("Location")).toBe(PAGE + "?state=xyz");
    const url = await client.authorizationUrl({ extraParams: { prompt: "none" } });
    await expect(client.handleRedirect(await server.authorize(url))).rejects.toMatchObject({ code: "login_required" });
  });

  it("endSession(): a prompt=none request then gets login_required", async () => {
    const server = createFakeServer();
    const client = createClient({ authorizationEndpoint: server.endpoints.authorization, clientId: "app" });
    server.endSession();
    const url = await client.authorizationUrl({ extraParams: { prompt: "none" } });
    await expect(client.handleRedirect(await server.authorize(url))).rejects.toMatchObject({ code: "login_required" });
  });
});

describe("the server is strict", () => {
  it("a repeated parameter, an unknown client, an unknown path", async () => {
    const server = createFakeServer({ clientId: "app" });
    await expect(server.authorize(server.endpoints.authorization + "?client_id=app&client_id=app")).rejects.toThrow(/repeated/);
    await expect(server.authorize(server.endpoints.authorization + "?client_id=other&redirect_uri=" + encodeURIComponent(PAGE))).rejects.toThrow(
      /unknown client_id/,
    );
    expect((await server.fetch(server.endpoints.issuer + "/nothing")).status).toBe(404);
    await expect(server.fetch("https://elsewhere.example.test/")).rejects.toThrow(TypeError);
  });

  it("answers CORS preflights with the DPoP header allowed, and exposes WWW-Authenticate", async () => {
    const server = createFakeServer();
    const preflight = await server.handle(
      new Request(server.endpoints.token, { method: "OPTIONS", headers: { Origin: "https://app.example.test", "Access-Control-Request-Headers": "dpop" } }),
    );
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.test");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toMatch(/DPoP/);
    const api = await server.handle(new Request(server.endpoints.userinfo, { headers: { Origin: "https://app.example.test" } }));
    expect(api.headers.get("Access-Control-Expose-Headers")).toMatch(/WWW-Authenticate/);
  });
});

describe("the server's own rules (each fails a test without it)", () => {
  const PKCE = { verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" };
  const code = async (server: ReturnType<typeof createFakeServer>, extra: Record<string, string> = {}) => {
    const url = new URL(server.endpoints.authorization);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: "app",
      redirect_uri: PAGE,
      state: "s",
      code_challenge: PKCE.challenge,
      code_challenge_method: "S256",
      ...extra,
    }).toString();
    return new URL(await server.authorize(url.href)).searchParams.get("code")!;
  };
  const exchange = (server: ReturnType<typeof createFakeServer>, form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(
      new Request(server.endpoints.token, {
        method: "POST",
        headers,
        body: new URLSearchParams({ grant_type: "authorization_code", client_id: "app", redirect_uri: PAGE, code_verifier: PKCE.verifier, ...form }),
      }),
    );

  it("a code works once; used again, it revokes what it gave (RFC 6749 §4.1.2)", async () => {
    const server = createFakeServer();
    const value = await code(server);
    const first = (await (await exchange(server, { code: value })).json()) as { access_token: string };
    expect((await (await exchange(server, { code: value })).json()) as object).toMatchObject({ error: "invalid_grant", error_description: "code used before" });
    const me = await server.handle(new Request(server.endpoints.userinfo, { headers: { Authorization: "Bearer " + first.access_token } }));
    expect(me.status).toBe(401);
  });

  it("a code goes only with the redirect URI it was issued for", async () => {
    const server = createFakeServer();
    const answer = await exchange(server, { code: await code(server), redirect_uri: "http://localhost:3000/other" });
    expect(await answer.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/redirect_uri/) });
  });

  it("a code bound with dpop_jkt needs a proof of that key", async () => {
    const server = createFakeServer();
    const answer = await exchange(server, { code: await code(server, { dpop_jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" }) });
    expect(await answer.json()).toMatchObject({ error: "invalid_dpop_proof" });
  });

  it("a DPoP proof is refused when replayed (jti), for another URL (htu), or badly signed", async () => {
    const server = createFakeServer();
    const seen: string[] = [];
    const client = createClient({
      authorizationEndpoint: server.endpoints.authorization,
      tokenEndpoint: server.endpoints.token,
      clientId: "app",
      resourceOrigins: [server.endpoints.issuer],
      flow: codeFlow,
      dpop,
      fetch: (input, init) => {
        const proof = new Headers(init?.headers).get("DPoP");
        if (proof) seen.push(proof);
        return server.fetch(input, init);
      },
    });
    const { token } = await signIn(client, server);
    await client.fetch(server.endpoints.userinfo);
    const proof = seen.at(-1)!;
    const replay = await server.fetch(server.endpoints.userinfo, { headers: { Authorization: "DPoP " + token.accessToken, DPoP: proof } });
    expect(replay.headers.get("WWW-Authenticate")).toMatch(/invalid_dpop_proof.*jti used before/);
    const elsewhere = await server.fetch(server.endpoints.issuer + "/userinfo?x", {
      method: "POST",
      headers: { Authorization: "DPoP " + token.accessToken, DPoP: proof },
    });
    expect(elsewhere.headers.get("WWW-Authenticate")).toMatch(/htm is not POST/);
    const [h, p] = proof.split(".");
    const forged = await server.fetch(server.endpoints.userinfo, {
      headers: { Authorization: "DPoP " + token.accessToken, DPoP: `${h}.${p}.${"A".repeat(86)}` },
    });
    expect(forged.headers.get("WWW-Authenticate")).toMatch(/bad signature/);
  });

  it("an ID token's signature verifies with the published key only", async () => {
    const server = createFakeServer();
    const other = createFakeServer();
    const client = createOidcClient({
      issuer: server.endpoints.issuer,
      clientId: "app",
      // The keys of another fake: the ID token must not verify.
      fetch: (input, init) => (String(input) == server.endpoints.jwks ? other.fetch(other.endpoints.jwks, init) : server.fetch(input, init)),
    });
    await expect(signIn(client, server)).rejects.toMatchObject({ code: expect.stringMatching(/^id_token_(kid|signature)$/) });
  });
});
