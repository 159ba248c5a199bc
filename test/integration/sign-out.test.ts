// signOut() and handleSignOut() (from src/, in jsdom) against the demo's OAuth 2.0 server
// (oauth2orize), started in-process on free ports: revocation and its end-session endpoint. The
// end-session form the SDK submits is posted over HTTP with the cookies of the sign-in, as the
// browser would; afterwards prompt=none finds no session. (The OpenID provider: sign-out-oidc.test.ts.)
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import { createClient, handleSignOut, signOut, type Client } from "../../src/index";
import { authorizeInteractively, Browser, locationOf, MemoryStorage } from "./browser-walk";

/** What the SDK's end-session form would have posted (jsdom does not navigate). */
let submitted: { action: string; fields: Record<string, string> }[];
beforeEach(() => {
  submitted = [];
  vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(function (this: HTMLFormElement) {
    submitted.push({ action: this.action, fields: Object.fromEntries([...new FormData(this)].map(([k, v]) => [k, String(v)])) });
    this.remove();
  });
});
afterEach(() => vi.restoreAllMocks());

describe("against the demo's OAuth 2.0 server (oauth2orize)", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(async () => {
    await demo?.close();
  });

  const makeClient = (): Client =>
    createClient({
      authorizationEndpoint: demo.auth.authorizationEndpoint,
      revocationEndpoint: demo.auth.revocationEndpoint,
      endSessionEndpoint: demo.auth.endSessionEndpoint,
      clientId: demo.auth.clientId,
      redirectUri: demo.spa.pages.esm,
      scope: "profile",
      resourceOrigins: [demo.api.origin],
      storage: new MemoryStorage(),
      fetch: globalThis.fetch,
    });

  it("revokes the token, ends the session, comes back with the state, and prompt=none then answers login_required", async () => {
    const client = makeClient();
    const browser = new Browser();
    const back = await authorizeInteractively(browser, await client.authorizationUrl(), { username: DEMO_USER.username, password: DEMO_USER.password });
    const { token } = (await client.handleRedirect(back))!;
    expect((await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + token.accessToken } })).status).toBe(200);

    const result = await signOut(client, { method: "POST", appState: "bye" });
    expect(result).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: true, status: 200 }], endingSession: true });
    expect(client.getToken()).toBeNull();
    const api = await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + token.accessToken } });
    expect(api.status).toBe(401);
    expect(api.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');

    // The form the SDK submitted, posted with the browser's cookies.
    const [{ action, fields }] = submitted as [(typeof submitted)[0]];
    expect(action).toBe(demo.auth.endSessionEndpoint);
    expect(fields).toEqual({ client_id: demo.auth.clientId, post_logout_redirect_uri: demo.spa.pages.esm, state: expect.stringMatching(/^out\./) });
    const ended = await browser.post(action, fields);
    expect(ended.status).toBe(303);
    const returned = locationOf(ended, action);
    expect(returned).toBe(demo.spa.pages.esm + "?state=" + encodeURIComponent(fields.state!));
    expect(handleSignOut(client, returned)).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: true, status: 200 }], appState: "bye" });

    const silent = await client.authorizationUrl({ extraParams: { prompt: "none" } });
    const answer = await browser.get(silent);
    await expect(client.handleRedirect(locationOf(answer, silent))).rejects.toMatchObject({ code: "login_required" });
  });

  it("refuses a revocation for another client (reported, the logout stands) and sends an unregistered post-logout URI nowhere", async () => {
    const client = createClient({
      authorizationEndpoint: demo.auth.authorizationEndpoint,
      revocationEndpoint: demo.auth.revocationEndpoint,
      clientId: "someone-else",
      redirectUri: "http://127.0.0.1:1/elsewhere",
      storage: new MemoryStorage(),
      fetch: globalThis.fetch,
    });
    // A token held by this client (as another tab would hand over): the server refuses the client.
    const i = (await import("../../src/client/internals")).internalsOf(client);
    i.tokens.set({ accessToken: "not-a-real-token", tokenType: "Bearer", scope: [] });
    expect(await signOut(client)).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false, status: 401 }], endingSession: false });
    expect(client.getToken()).toBeNull();

    const page = await new Browser().post(demo.auth.endSessionEndpoint, {
      client_id: demo.auth.clientId,
      post_logout_redirect_uri: "http://127.0.0.1:1/elsewhere",
      state: "x",
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You are signed out");
  });
});
