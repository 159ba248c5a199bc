// @vitest-environment node
// signOut() and handleSignOut() (from src/) against the demo's OpenID provider (oidc-provider,
// started in-process; it needs Node's own globals, hence no jsdom): revocation and RP-Initiated
// Logout, both endpoints found in its metadata. The end-session form the SDK submits is posted
// over HTTP with the cookies of the sign-in, as the browser would; the provider asks for
// confirmation, ends its session and sends the user back with the state; afterwards prompt=none
// finds no session. Also what the demo needs of the provider: exact redirect URIs, the orders
// scope, and prompt=none answered with a token while the session and the consent last.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { createOidcClient, handleSignOut, parseAuthorizationResponse, signOut } from "../../src/index";
import { Browser, locationOf, MemoryStorage } from "./browser-walk";

/** What the SDK's end-session form would have posted. */
let submitted: { action: string; fields: Record<string, string> }[] = [];
/** Where the SDK navigated the page (`location.assign`). */
let navigated: string[] = [];
beforeEach(() => {
  submitted = [];
  navigated = [];
});

/** Just enough of a document for the SDK's end-session form: elements are plain objects. */
const fakeDocument = {
  createElement: () => {
    const children: { name: string; value: string }[] = [];
    const form = {
      action: "",
      append: (child: { name: string; value: string }) => children.push(child),
      submit: () => submitted.push({ action: form.action, fields: Object.fromEntries(children.map((c) => [c.name, c.value])) }),
    };
    return form;
  },
  body: { append: () => undefined },
};

/** Asks the introspection endpoint whether `token` is still active (as the API does). */
const active = async (endpoint: string, token: string, credentials: { id: string; secret: string }) => {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { Authorization: "Basic " + Buffer.from(`${credentials.id}:${credentials.secret}`).toString("base64") },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active: boolean }).active;
};

describe("against the demo's OpenID provider (oidc-provider)", () => {
  const PAGE = "http://127.0.0.1:5173/";
  const SILENT = PAGE + "silent.html";
  const credentials = { id: "api", secret: "api-secret-for-tests-only" };
  let op: OidcProvider;
  beforeAll(async () => {
    op = await startOidcProvider({ redirectUris: [PAGE, SILENT], resourceServers: [credentials] });
    // The page, as far as the SDK looks at it: its URL, and the document the end-session form goes into.
    vi.stubGlobal("location", Object.assign(new URL("http://localhost:3000/"), { assign: (url: string) => navigated.push(url) }));
    vi.stubGlobal("document", fakeDocument);
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await op?.close();
  });

  const makeClient = () =>
    createOidcClient({
      issuer: op.issuer,
      clientId: op.clientId,
      redirectUri: PAGE,
      scope: "profile orders",
      storage: new MemoryStorage(),
      fetch: globalThis.fetch,
    });

  /** The action and fields of the page's first form (hidden inputs and named values). */
  const formOf = (html: string, base: string) => {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
    if (!form) throw new Error("no form in " + html.slice(0, 200));
    const fields: Record<string, string> = {};
    for (const m of form[2]!.matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g)) fields[m[1]!] = m[2] ?? "";
    return { action: new URL(form[1]!, base).href, fields };
  };

  /** Follows `url` through the development login and consent pages back to the app. */
  const walk = async (browser: Browser, url: string) => {
    for (let step = 0; step < 12; step++) {
      if (url.startsWith(PAGE)) return url;
      const res = await browser.get(url);
      if (res.status >= 300 && res.status < 400) {
        url = locationOf(res, url);
        continue;
      }
      const { action, fields } = formOf(await res.text(), url);
      if (fields.prompt === "login") Object.assign(fields, { login: "demo", password: "any" });
      url = locationOf(await browser.post(action, fields), url);
    }
    throw new Error("too many steps");
  };

  it("knows the orders scope, and prompt=none answers with a token while the session and the consent last (silent renewal)", async () => {
    const client = makeClient();
    const browser = new Browser();
    const { token } = (await client.handleRedirect(await walk(browser, await client.authorizationUrl())))!;
    expect(token.scope).toEqual(["openid", "profile", "orders"]);
    const silent = await client.authorizationUrl({ redirectUri: SILENT, extraParams: { prompt: "none" } });
    const answer = await browser.get(silent);
    expect(answer.status).toBe(303);
    const renewed = (await client.handleRedirect(locationOf(answer, silent)))!;
    expect(renewed.token.accessToken).not.toBe(token.accessToken);
  });

  it("accepts exactly the registered redirect URIs: another port on loopback gets an error page, no redirect", async () => {
    const client = makeClient();
    const url = await client.authorizationUrl({ redirectUri: "http://127.0.0.1:5174/" });
    const res = await new Browser().get(url);
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
    expect(await res.text()).toContain("redirect_uri");
  });

  it("revokes the access token, ends the provider session (RP-Initiated Logout, GET) and completes at the return page", async () => {
    const client = makeClient();
    const browser = new Browser();
    const { token } = (await client.handleRedirect(await walk(browser, await client.authorizationUrl())))!;
    expect(await active(op.introspectionEndpoint, token.accessToken, credentials)).toBe(true);

    const result = await signOut(client);
    // Both endpoints came from the provider's metadata.
    expect(result).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: true, status: 200 }], endingSession: true });
    expect(await active(op.introspectionEndpoint, token.accessToken, credentials)).toBe(false);
    const url = new URL(navigated[0]!);
    expect(url.origin + url.pathname).toBe(op.endSessionEndpoint);
    const state = url.searchParams.get("state")!;
    expect(Object.fromEntries(url.searchParams)).toEqual({ id_token_hint: token.idToken, client_id: op.clientId, post_logout_redirect_uri: PAGE, state });
    expect(state).toMatch(/^out\./);

    // The provider asks "Do you want to sign-out?"; the user says yes.
    const confirm = await browser.get(url.href);
    expect(confirm.status).toBe(200);
    const form = formOf(await confirm.text(), url.href);
    const done = await browser.post(form.action, { ...form.fields, logout: "yes" });
    const returned = locationOf(done, form.action);
    expect(returned).toBe(PAGE + "?state=" + encodeURIComponent(state));
    expect(handleSignOut(client, returned)).toEqual({ revocations: result.revocations });

    // No session any more: prompt=none cannot answer with a token.
    const silent = await client.authorizationUrl({ redirectUri: SILENT, extraParams: { prompt: "none" } });
    const answer = locationOf(await browser.get(silent), silent);
    expect(parseAuthorizationResponse(answer)?.error).toBe("login_required");
  });

  it("posts the end-session request with method: POST only where the provider takes it: oidc-provider answers 404 with SameSite=Lax cookies", async () => {
    const client = makeClient();
    await signOut(client, { method: "POST" });
    expect(navigated).toEqual([]);
    const [{ action, fields }] = submitted as [(typeof submitted)[0]];
    expect(action).toBe(op.endSessionEndpoint);
    expect(fields).toEqual({ client_id: op.clientId, post_logout_redirect_uri: PAGE, state: expect.stringMatching(/^out\./) });
    expect((await new Browser().post(action, fields)).status).toBe(404);
  });
});
