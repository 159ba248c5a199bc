// The code flow (codeFlow) from src/, in jsdom, against the real demo authorization server
// (oauth2orize's code grant with oauth2orize-pkce, demo/code-grant.mjs) and API, started in-process
// on free ports: login and consent walked over HTTP as a browser would, the code exchanged at the
// real token endpoint, the token used at the API, refreshed with rotation, and refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import { codeFlow, createClient, renew, type Client, type ClientOptions, type Token } from "../../src/index";
import { internalsOf } from "../../src/client/internals";
import { authorizeInteractively, Browser, MemoryStorage } from "./browser-walk";

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ flow: "code" });
});
afterAll(async () => {
  await demo?.close();
});

const credentials = { username: DEMO_USER.username, password: DEMO_USER.password };

function makeClient(options: Partial<ClientOptions> = {}): Client {
  return createClient({
    authorizationEndpoint: demo.auth.authorizationEndpoint,
    tokenEndpoint: demo.auth.tokenEndpoint,
    clientId: demo.auth.clientId,
    redirectUri: demo.spa.pages["script-tag"],
    scope: "profile",
    resourceOrigins: [demo.api.origin],
    storage: new MemoryStorage(),
    fetch: globalThis.fetch,
    flow: codeFlow,
    ...options,
  });
}

async function signIn(client: Client, browser = new Browser(), scope?: string[]) {
  const url = await client.authorizationUrl(scope ? { scope } : {});
  const redirect = await authorizeInteractively(browser, url, credentials);
  const result = await client.handleRedirect(redirect);
  if (!result) throw new Error("no authorization response in " + redirect);
  return { url, redirect, token: result.token, browser };
}

const profile = async (client: Client) => (await client.fetch(demo.api.origin + "/api/profile")).status;

describe("the code flow with PKCE against the demo authorization server (oauth2orize)", () => {
  it("sends an S256 challenge, gets the code in the query and exchanges it for a token the API accepts", async () => {
    const client = makeClient();
    const before = demo.auth.codeStats().issued;
    const { url, redirect, token } = await signIn(client);
    const sent = new URL(url).searchParams;
    expect(sent.get("response_type")).toBe("code");
    expect(sent.get("code_challenge_method")).toBe("S256");
    expect(sent.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const back = new URL(redirect);
    expect(back.hash).toBe("");
    expect(back.searchParams.get("state")).toBe(sent.get("state"));
    expect(back.searchParams.get("code")).toBeTruthy();
    expect(token).toMatchObject({ tokenType: "Bearer", scope: ["profile"] });
    expect(demo.auth.codeStats().issued).toBe(before + 1);
    expect(internalsOf(client).refreshToken!()).toMatch(/^[\w-]{43}$/);
    expect(await profile(client)).toBe(200);
  });

  it("refuses a second exchange of the same code (the server too: codes are one-time)", async () => {
    const client = makeClient();
    const { redirect } = await signIn(client);
    const code = new URL(redirect).searchParams.get("code")!;
    const again = await fetch(demo.auth.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: demo.spa.pages["script-tag"],
        client_id: demo.auth.clientId,
        code_verifier: "x".repeat(43),
      }),
    });
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    // handleRedirect() a second time with the same URL: the same outcome, no new exchange.
    const issued = demo.auth.codeStats().issued;
    expect((await client.handleRedirect(redirect))?.token).toBe(client.getToken());
    expect(demo.auth.codeStats().issued).toBe(issued);
  });

  it("refreshes through renew(): a new access token, a rotated refresh token, the old one forgotten", async () => {
    const client = makeClient();
    const { token: first } = await signIn(client);
    const i = internalsOf(client);
    const firstRefresh = i.refreshToken!();
    const seen: Token[] = [];
    client.on("token", (t) => seen.push(t));
    const refreshed = demo.auth.codeStats().refreshed;
    const second = await renew(client);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.scope).toEqual(["profile"]);
    expect(seen).toEqual([second]);
    expect(demo.auth.codeStats().refreshed).toBe(refreshed + 1);
    expect(i.refreshToken!()).not.toBe(firstRefresh);
    expect(await profile(client)).toBe(200);
    // The spent refresh token is refused by the server (and revokes the family).
    const reuse = await fetch(demo.auth.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: firstRefresh!, client_id: demo.auth.clientId }),
    });
    expect(reuse.status).toBe(403);
  });

  it("sends one refresh request for concurrent renewals, so the server never sees a reuse", async () => {
    const client = makeClient();
    await signIn(client);
    const { refreshed, reused } = demo.auth.codeStats();
    const i = internalsOf(client);
    const tokens = await Promise.all([renew(client), renew(client), i.hooks.refresh!({}), i.hooks.refresh!({ scope: ["profile"] })]);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(demo.auth.codeStats()).toMatchObject({ refreshed: refreshed + 1, reused });
    expect(await profile(client)).toBe(200);
  });

  it("never asks a refresh for more scope than the grant", async () => {
    const client = makeClient();
    await signIn(client);
    const refreshed = demo.auth.codeStats().refreshed;
    await expect(internalsOf(client).hooks.refresh!({ scope: ["profile", "orders"] })).rejects.toMatchObject({ code: "invalid_scope" });
    expect(demo.auth.codeStats().refreshed).toBe(refreshed);
  });

  it("narrows the scope on refresh when asked, and the server's scope is what the token says", async () => {
    const client = makeClient({ scope: ["profile", "orders"] });
    await signIn(client);
    const token = await internalsOf(client).hooks.refresh!({ scope: ["orders"] });
    expect(token.scope).toEqual(["orders"]);
    expect((await client.fetch(demo.api.origin + "/api/orders")).status).toBe(200);
    expect(await profile(client)).toBe(403);
  });

  it("maps a refused refresh to the server's code and forgets the refresh token", async () => {
    const client = makeClient();
    await signIn(client);
    expect(demo.auth.revokeRefreshTokens()).toBeGreaterThan(0);
    const i = internalsOf(client);
    await expect(i.hooks.refresh!({})).rejects.toMatchObject({ code: "invalid_grant" });
    expect(i.refreshToken!()).toBeUndefined();
    await expect(i.hooks.refresh!({})).rejects.toMatchObject({ code: "login_required" });
  });

  it("gets a code with prompt=none once signed in, for the hidden frame", async () => {
    const client = makeClient();
    const { browser } = await signIn(client);
    const silent = makeClient({ redirectUri: demo.spa.redirectUris.silent });
    const answer = await browser.get(await silent.authorizationUrl({ extraParams: { prompt: "none" } }));
    expect(answer.status).toBe(302);
    const redirect = new URL(answer.headers.get("Location")!, demo.auth.origin).href;
    expect(redirect.startsWith(demo.spa.redirectUris.silent + "?code=")).toBe(true);
    expect((await silent.handleRedirect(redirect))?.token.scope).toEqual(["profile"]);
  });

  it("sends the server's error from the query: access_denied after Deny, state checked first", async () => {
    const client = makeClient();
    const url = await client.authorizationUrl();
    const redirect = await authorizeInteractively(new Browser(), url, { ...credentials, allow: false });
    expect(new URL(redirect).searchParams.get("error")).toBe("access_denied");
    await expect(client.handleRedirect(redirect)).rejects.toMatchObject({ code: "access_denied" });
  });

  it("logout() forgets the refresh token", async () => {
    const client = makeClient();
    await signIn(client);
    client.logout();
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
    await expect(internalsOf(client).hooks.refresh!({})).rejects.toMatchObject({ code: "login_required" });
  });
});
