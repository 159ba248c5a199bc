// The SDK (from src/) against the real demo authorization server and API, started in-process on
// free ports. The authorization server's pages are walked over HTTP as a browser would; the
// redirect back is handed to client.handleRedirect() in jsdom.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import { buildAuthorizationUrl, createClient, type BearerChallenge, type Client, type ClientOptions, type Token } from "../../src/index";
import { authorizeInteractively, Browser, MemoryStorage } from "./browser-walk";

const TOKEN_LIFETIME = 120;
let demo: Demo;
/** Moves the authorization server's clock, not the client's. */
let serverClockOffset = 0;
/** Authorization headers that reached the API, in order. */
const apiAuthorization: (string | undefined)[] = [];

beforeAll(async () => {
  demo = await startDemo({
    tokenLifetime: TOKEN_LIFETIME,
    clock: () => Date.now() + serverClockOffset,
    onApiRequest: (req) => apiAuthorization.push(req.headers.authorization),
  });
});

afterAll(async () => {
  await demo?.close();
});

const credentials = { username: DEMO_USER.username, password: DEMO_USER.password };

function makeClient(options: Partial<ClientOptions> = {}): Client {
  return createClient({
    authorizationEndpoint: demo.auth.authorizationEndpoint,
    clientId: demo.auth.clientId,
    redirectUri: demo.spa.pages["script-tag"],
    scope: "profile",
    resourceOrigins: [demo.api.origin],
    storage: new MemoryStorage(),
    // Node's own fetch: the requests really go to the loopback servers.
    fetch: globalThis.fetch,
    ...options,
  });
}

/** Records a client's events. */
function watch(client: Client) {
  const seen = { token: [] as Token[], expired: [] as Token[], unauthorized: [] as (BearerChallenge | null)[] };
  client.on("token", (t) => seen.token.push(t));
  client.on("expired", (t) => seen.expired.push(t));
  client.on("unauthorized", ({ challenge }) => seen.unauthorized.push(challenge));
  return seen;
}

/** Signs in interactively and completes the login in the client. */
async function signIn(client: Client, opts: { scope?: string[]; browser?: Browser } = {}) {
  const url = await client.authorizationUrl(opts.scope ? { scope: opts.scope } : {});
  const redirect = await authorizeInteractively(opts.browser ?? new Browser(), url, credentials);
  const result = await client.handleRedirect(redirect);
  if (!result) throw new Error("no authorization response in " + redirect.split("#")[0]);
  return { url, redirect, result };
}

describe("implicit grant against the demo authorization server", () => {
  it("issues a token after login and consent, in the fragment of the registered redirect URI", async () => {
    const client = makeClient();
    const events = watch(client);
    const before = Date.now();
    const { url, redirect, result } = await signIn(client);

    const sent = new URL(url);
    const back = new URL(redirect);
    expect(back.origin + back.pathname).toBe(demo.spa.pages["script-tag"]);
    expect(back.search).toBe("");
    const fragment = new URLSearchParams(back.hash.slice(1));
    expect(fragment.get("state")).toBe(sent.searchParams.get("state"));
    expect(fragment.get("token_type")).toBe("Bearer");
    expect(fragment.get("expires_in")).toBe(String(TOKEN_LIFETIME));

    expect(result.token).toMatchObject({ tokenType: "Bearer", scope: ["profile"], accessToken: fragment.get("access_token") });
    // Default clock skew of 30 s taken off the server's expires_in.
    expect(result.token.expiresAt).toBeGreaterThanOrEqual(before + (TOKEN_LIFETIME - 30) * 1000);
    expect(result.token.expiresAt).toBeLessThanOrEqual(Date.now() + (TOKEN_LIFETIME - 30) * 1000);
    expect(client.getToken()).toEqual(result.token);
    expect(events.token).toEqual([result.token]);
  });

  it("sends the token to the API through client.fetch(), and the API answers with the user's data", async () => {
    const client = makeClient();
    const { result } = await signIn(client);
    const response = await client.fetch(demo.api.origin + "/api/profile");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ username: DEMO_USER.username, name: DEMO_USER.name, email: DEMO_USER.email });
    expect(apiAuthorization.at(-1)).toBe("Bearer " + result.token.accessToken);
  });

  it("grants both scopes when asked, and then the orders API answers", async () => {
    const client = makeClient();
    const { result } = await signIn(client, { scope: ["profile", "orders"] });
    expect(result.token.scope).toEqual(["profile", "orders"]);
    const response = await client.fetch(demo.api.origin + "/api/orders");
    expect(response.status).toBe(200);
    expect((await response.json()).orders.length).toBeGreaterThan(0);
  });

  it("rejects with access_denied when the user chooses Deny, and holds no token", async () => {
    const client = makeClient();
    const url = await client.authorizationUrl();
    const redirect = await authorizeInteractively(new Browser(), url, { ...credentials, allow: false });
    expect(redirect).toContain("#error=access_denied");
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ name: "AuthError", code: "access_denied" });
    expect(client.getToken()).toBeNull();
  });

  it("rejects with invalid_scope for a scope the server does not know, without showing any page", async () => {
    const client = makeClient();
    const url = await client.authorizationUrl({ scope: ["profile", "admin"] });
    const response = await new Browser().get(url);
    expect(response.status).toBe(302);
    const redirect = response.headers.get("Location")!;
    expect(redirect.startsWith(demo.spa.pages["script-tag"] + "#")).toBe(true);
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "invalid_scope", description: expect.stringContaining("admin") });
  });

  it("answers prompt=none without a session with login_required in the fragment, state included", async () => {
    const client = makeClient();
    const url = await client.authorizationUrl({ extraParams: { prompt: "none" } });
    const response = await new Browser().get(url);
    expect(response.status).toBe(302);
    const redirect = response.headers.get("Location")!;
    expect(new URLSearchParams(new URL(redirect).hash.slice(1)).get("state")).toBe(new URL(url).searchParams.get("state"));
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "login_required" });
  });

  it("issues a token for prompt=none without any page once the user is signed in and has allowed the scope", async () => {
    const browser = new Browser();
    await signIn(makeClient(), { browser });

    const client = makeClient();
    const url = await client.authorizationUrl({ extraParams: { prompt: "none" } });
    const response = await browser.get(url);
    expect(response.status).toBe(302);
    const result = await client.handleRedirect(response.headers.get("Location")!);
    expect(result?.token.scope).toEqual(["profile"]);
    expect((await client.fetch(demo.api.origin + "/api/profile")).status).toBe(200);
  });

  it("completes a prompt=none sign-in at silent.html, the registered redirect URI of the hidden iframe", async () => {
    const browser = new Browser();
    await signIn(makeClient(), { browser });

    const client = makeClient({ redirectUri: demo.spa.redirectUris.silent });
    const response = await browser.get(await client.authorizationUrl({ extraParams: { prompt: "none" } }));
    expect(response.status).toBe(302);
    const redirect = response.headers.get("Location")!;
    expect(redirect.startsWith(demo.spa.redirectUris.silent + "#")).toBe(true);
    const result = await client.handleRedirect(redirect);
    expect(result?.token.scope).toEqual(["profile"]);
  });

  it("emits unauthorized with the insufficient_scope challenge when the token lacks the API's scope, and keeps the token", async () => {
    const client = makeClient();
    const events = watch(client);
    await signIn(client);
    const response = await client.fetch(demo.api.origin + "/api/orders");
    expect(response.status).toBe(403);
    expect(events.unauthorized).toEqual([{ realm: "implicitly-demo", error: "insufficient_scope", errorDescription: expect.any(String), scope: ["orders"] }]);
    expect(events.expired).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });

  it("drops an expired token when the API says invalid_token, emits expired, and sends nothing more", async () => {
    const client = makeClient();
    const events = watch(client);
    const { result } = await signIn(client);
    serverClockOffset = (TOKEN_LIFETIME + 1) * 1000;
    try {
      const response = await client.fetch(demo.api.origin + "/api/profile");
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="implicitly-demo", error="invalid_token"/);
    } finally {
      serverClockOffset = 0;
    }
    expect(events.expired).toEqual([result.token]);
    expect(events.unauthorized).toMatchObject([{ error: "invalid_token" }]);
    expect(client.getToken()).toBeNull();
    const count = apiAuthorization.length;
    await expect(client.fetch(demo.api.origin + "/api/profile")).rejects.toMatchObject({ code: "login_required" });
    expect(apiAuthorization.length).toBe(count);
  });

  it("drops a revoked token when the API says invalid_token and emits expired", async () => {
    const client = makeClient();
    const events = watch(client);
    const { result } = await signIn(client);
    expect((await client.fetch(demo.api.origin + "/api/profile")).status).toBe(200);
    expect(demo.auth.revoke(result.token.accessToken)).toBe(true);
    const response = await client.fetch(demo.api.origin + "/api/profile");
    expect(response.status).toBe(401);
    expect(events.expired).toEqual([result.token]);
    expect(client.getToken()).toBeNull();
  });

  it("lets the token expire on the client at expires_in minus the clock skew, without asking the API", async () => {
    // Skew of TOKEN_LIFETIME - 0.5 s: the token is valid for 0.5 s on the client.
    const client = makeClient({ clockSkew: TOKEN_LIFETIME - 0.5 });
    const events = watch(client);
    const { result } = await signIn(client);
    expect(client.getToken()).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(events.expired).toEqual([result.token]);
    expect(client.getToken()).toBeNull();
  });

  it("never redirects to an unregistered redirect URI or for an unknown client", async () => {
    const evil = "http://127.0.0.1:9/callback";
    const cases = [
      { client_id: demo.auth.clientId, redirect_uri: evil },
      { client_id: demo.auth.clientId, redirect_uri: demo.spa.pages["script-tag"] + "?x=1" },
      { client_id: demo.auth.clientId, redirect_uri: undefined },
      { client_id: "someone-else", redirect_uri: demo.spa.pages["script-tag"] },
    ];
    for (const params of cases) {
      const url = buildAuthorizationUrl(demo.auth.authorizationEndpoint, { response_type: "token", scope: "profile", state: "s1", ...params });
      const response = await new Browser().get(url);
      expect(response.status, JSON.stringify(params)).toBeGreaterThanOrEqual(400);
      expect(response.headers.get("Location")).toBeNull();
      const page = await response.text();
      expect(page).toMatch(/invalid_request|unauthorized_client/);
      expect(page).not.toContain(evil);
    }
  });

  it("sends nothing to an origin outside resourceOrigins, even while signed in", async () => {
    const client = makeClient();
    await signIn(client);
    const before = demo.thirdParty.received.length;
    const response = await client.fetch(demo.thirdParty.origin + "/echo");
    expect(await response.json()).toEqual({ authorizationHeaderReceived: false });
    expect(demo.thirdParty.received.slice(before)).toEqual([expect.objectContaining({ path: "/echo", authorization: null })]);
  });
});
