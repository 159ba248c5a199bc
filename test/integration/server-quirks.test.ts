// The SDK (from src/) against the demo's real servers configured with the quirks of servers people
// run (see docs/servers.md): errors in the query (Django OAuth Toolkit), a login page instead of a
// prompt=none answer (Django OAuth Toolkit), 401 and 403 without WWW-Authenticate (Glewlwyd,
// Django OAuth Toolkit), and a WWW-Authenticate that CORS does not expose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo, type DemoQuirks } from "../../demo/demo.mjs";
import { createClient, type BearerChallenge, type Client, type ClientOptions, type Token } from "../../src/index";
import { authorizeInteractively, Browser, MemoryStorage } from "./browser-walk";

const credentials = { username: DEMO_USER.username, password: DEMO_USER.password };

/** Starts a demo with `quirks` for the tests of one describe block. */
function demoWith(quirks: DemoQuirks) {
  const env = { demo: undefined as unknown as Demo, apiAuthorization: [] as (string | undefined)[] };
  beforeAll(async () => {
    env.demo = await startDemo({ quirks, onApiRequest: (req) => env.apiAuthorization.push(req.headers.authorization) });
  });
  afterAll(async () => {
    await env.demo?.close();
  });
  return env;
}

function makeClient(demo: Demo, options: Partial<ClientOptions> = {}): Client {
  return createClient({
    authorizationEndpoint: demo.auth.authorizationEndpoint,
    clientId: demo.auth.clientId,
    redirectUri: demo.spa.pages["script-tag"],
    scope: "profile",
    resourceOrigins: [demo.api.origin],
    storage: new MemoryStorage(),
    fetch: globalThis.fetch,
    ...options,
  });
}

/** Records a client's events. */
function watch(client: Client) {
  const seen = { expired: [] as Token[], unauthorized: [] as (BearerChallenge | null)[] };
  client.on("expired", (t) => seen.expired.push(t));
  client.on("unauthorized", ({ challenge }) => seen.unauthorized.push(challenge));
  return seen;
}

/** The pending logins a client's storage holds. */
const pendingOf = (storage: MemoryStorage) => Object.keys(JSON.parse(storage.getItem("implicitly:" + "implicitly-demo-spa") ?? "{}"));

describe("queryErrors: errors in the query, as Django OAuth Toolkit sends them", () => {
  const env = demoWith({ queryErrors: true });

  it("Deny comes back as ?error=access_denied&state=…; handleRedirect rejects access_denied and consumes the login", async () => {
    const storage = new MemoryStorage();
    const client = makeClient(env.demo, { storage });
    const url = await client.authorizationUrl();
    const redirect = await authorizeInteractively(new Browser(), url, { ...credentials, allow: false });
    const back = new URL(redirect);
    expect(back.hash).toBe("");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe(new URL(url).searchParams.get("state"));
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ name: "AuthError", code: "access_denied" });
    expect(pendingOf(storage)).toEqual([]);
    expect(client.getToken()).toBeNull();
  });

  it("an unknown scope comes back as ?error=invalid_scope, without any page", async () => {
    const client = makeClient(env.demo);
    const response = await new Browser().get(await client.authorizationUrl({ scope: ["profile", "admin"] }));
    expect(response.status).toBe(302);
    const redirect = response.headers.get("Location")!;
    expect(redirect).toMatch(/\?error=invalid_scope&/);
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "invalid_scope", description: expect.stringContaining("admin") });
  });

  it("prompt=none without a session comes back as ?error=login_required, for the silent redirect page too", async () => {
    const client = makeClient(env.demo, { redirectUri: env.demo.spa.redirectUris.silent });
    const response = await new Browser().get(await client.authorizationUrl({ extraParams: { prompt: "none" } }));
    const redirect = response.headers.get("Location")!;
    expect(redirect.startsWith(env.demo.spa.redirectUris.silent + "?error=login_required&")).toBe(true);
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "login_required" });
  });

  it("the same query error for a login this client did not start is left alone (null)", async () => {
    const other = makeClient(env.demo);
    const response = await new Browser().get(await other.authorizationUrl({ extraParams: { prompt: "none" } }));
    const redirect = response.headers.get("Location")!;
    const client = makeClient(env.demo);
    await client.authorizationUrl(); // a pending login of its own, with another state
    await expect(client.handleRedirect(redirect)).resolves.toBeNull();
  });

  it("tokens still come in the fragment", async () => {
    const client = makeClient(env.demo);
    const redirect = await authorizeInteractively(new Browser(), await client.authorizationUrl(), credentials);
    expect(new URL(redirect).search).toBe("");
    const result = await client.handleRedirect(redirect);
    expect(result?.token.scope).toEqual(["profile"]);
  });
});

describe("interactivePromptNone: a login page instead of a prompt=none answer, as Django OAuth Toolkit shows", () => {
  const env = demoWith({ interactivePromptNone: true });

  it("answers prompt=none without a session with its login page, which refuses to be framed", async () => {
    const client = makeClient(env.demo, { redirectUri: env.demo.spa.redirectUris.silent });
    const response = await new Browser().get(await client.authorizationUrl({ extraParams: { prompt: "none" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Location")).toBeNull();
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('action="/login"');
  });

  it("still answers prompt=none with a token at once for a signed-in user who allowed the scope", async () => {
    const browser = new Browser();
    await authorizeInteractively(browser, await makeClient(env.demo).authorizationUrl(), credentials);
    const client = makeClient(env.demo, { redirectUri: env.demo.spa.redirectUris.silent });
    const response = await browser.get(await client.authorizationUrl({ extraParams: { prompt: "none" } }));
    expect(response.status).toBe(302);
    expect((await client.handleRedirect(response.headers.get("Location")!))?.token.scope).toEqual(["profile"]);
  });

  it("shows the consent page to a signed-in user for a scope not allowed yet", async () => {
    const browser = new Browser();
    await authorizeInteractively(browser, await makeClient(env.demo).authorizationUrl(), credentials);
    const client = makeClient(env.demo);
    const response = await browser.get(await client.authorizationUrl({ scope: ["orders"], extraParams: { prompt: "none" } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('action="/authorize/decision"');
  });
});

describe("bareChallenges: 401 and 403 without WWW-Authenticate, as Glewlwyd and Django OAuth Toolkit answer", () => {
  const env = demoWith({ bareChallenges: true });

  async function signedIn(client: Client) {
    const redirect = await authorizeInteractively(new Browser(), await client.authorizationUrl(), credentials);
    return (await client.handleRedirect(redirect))!.token;
  }

  it("a bare 401 to a request that carried the token drops it: expired, unauthorized with challenge null", async () => {
    const client = makeClient(env.demo);
    const events = watch(client);
    const token = await signedIn(client);
    expect(env.demo.auth.revoke(token.accessToken)).toBe(true);
    const response = await client.fetch(env.demo.api.origin + "/api/profile");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(events.expired).toEqual([token]);
    expect(events.unauthorized).toEqual([null]);
    expect(client.getToken()).toBeNull();
    const count = env.apiAuthorization.length;
    await expect(client.fetch(env.demo.api.origin + "/api/profile")).rejects.toMatchObject({ code: "login_required" });
    expect(env.apiAuthorization.length).toBe(count);
  });

  it("a bare 403 emits unauthorized with challenge null and keeps the token", async () => {
    const client = makeClient(env.demo);
    const events = watch(client);
    await signedIn(client);
    const response = await client.fetch(env.demo.api.origin + "/api/orders");
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    expect(events.unauthorized).toEqual([null]);
    expect(events.expired).toEqual([]);
    expect(client.getToken()).not.toBeNull();
  });
});

describe("hiddenChallenges: WWW-Authenticate not exposed by CORS", () => {
  const env = demoWith({ hiddenChallenges: true });

  it("sends the challenge but no Access-Control-Expose-Headers, so a page cannot read it", async () => {
    const response = await fetch(env.demo.api.origin + "/api/profile", { headers: { Origin: env.demo.spa.origin, Authorization: "Bearer unknown" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(env.demo.spa.origin);
    expect(response.headers.get("Access-Control-Expose-Headers")).toBeNull();
  });
});

describe("without quirks", () => {
  const env = demoWith({});

  it("the API exposes WWW-Authenticate to the app's origin", async () => {
    const response = await fetch(env.demo.api.origin + "/api/profile", { headers: { Origin: env.demo.spa.origin, Authorization: "Bearer unknown" } });
    expect(response.headers.get("Access-Control-Expose-Headers")).toBe("WWW-Authenticate");
  });
});
