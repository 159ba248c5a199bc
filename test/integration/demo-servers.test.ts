// @vitest-environment node
// The demo servers on their own, over HTTP: what a browser or an attacker can do with them.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import { authorizeInteractively, Browser, formField } from "./browser-walk";

let demo: Demo;
let clockOffset = 0;
const credentials = { username: DEMO_USER.username, password: DEMO_USER.password };

beforeAll(async () => {
  demo = await startDemo({ clock: () => Date.now() + clockOffset, loginThrottle: { freeAttempts: 3, delay: 2, maxDelay: 8 } });
});

afterAll(async () => {
  await demo?.close();
});

/** An authorization request URL for the demo SPA's script-tag page. */
function authorizationUrl(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    response_type: "token",
    client_id: demo.auth.clientId,
    redirect_uri: demo.spa.pages["script-tag"],
    scope: "profile",
    state: "state-" + Math.random().toString(36).slice(2),
    ...params,
  });
  return demo.auth.authorizationEndpoint + "?" + query;
}

/** The parameters in the fragment of a redirect. */
const fragmentOf = (location: string) => Object.fromEntries(new URLSearchParams(new URL(location).hash.slice(1)));

/** Signs in and allows; returns the access token. */
async function getToken(browser = new Browser(), scope = "profile"): Promise<string> {
  const redirect = await authorizeInteractively(browser, authorizationUrl({ scope }), credentials);
  return fragmentOf(redirect).access_token!;
}

describe("demo authorization server", () => {
  it("shows a login form, then a consent page naming the app and the scopes, with a new session id after sign-in", async () => {
    const browser = new Browser();
    const first = await browser.get(authorizationUrl({ scope: "profile orders" }));
    expect(first.status).toBe(200);
    const login = await first.text();
    expect(login).toMatch(/<label for="username">Username<\/label>/);
    expect(login).toMatch(/<label for="password">Password<\/label>/);
    const sessionBefore = browser.cookies.get("implicitly_demo_auth");
    expect(sessionBefore).toBeDefined();

    const signedIn = await browser.post(demo.auth.origin + "/login", { transaction_id: formField(login, "transaction_id"), ...credentials });
    expect(signedIn.status).toBe(303);
    expect(browser.cookies.get("implicitly_demo_auth")).not.toBe(sessionBefore);

    const consent = await (await browser.get(new URL(signedIn.headers.get("Location")!, demo.auth.origin).href)).text();
    expect(consent).toContain("implicitly demo SPA");
    expect(consent).toContain("<code>profile</code>");
    expect(consent).toContain("<code>orders</code>");
    expect(consent).toMatch(/<button type="submit" name="allow" value="1">Allow<\/button>/);
    expect(consent).toMatch(/<button type="submit" name="cancel" value="1" class="secondary">Deny<\/button>/);
  });

  it("signs the user out from the consent page and shows the login form again for the same request", async () => {
    const browser = new Browser();
    const page = await (await browser.get(authorizationUrl())).text();
    const tid = formField(page, "transaction_id");
    await browser.post(demo.auth.origin + "/login", { transaction_id: tid, ...credentials });
    const consent = await (await browser.get(`${demo.auth.origin}/authorize/continue?transaction_id=${tid}`)).text();
    expect(consent).toContain("Not you? Sign out");

    const out = await browser.post(demo.auth.origin + "/logout", { transaction_id: tid });
    expect(out.status).toBe(303);
    const again = await (await browser.get(new URL(out.headers.get("Location")!, demo.auth.origin).href)).text();
    expect(again).toContain('action="/login"');
    expect(formField(again, "transaction_id")).toBe(tid);
    // Signed out for real: the decision endpoint now refuses.
    expect((await browser.post(demo.auth.origin + "/authorize/decision", { transaction_id: tid, allow: "1" })).status).toBe(403);
  });

  it("keeps its pages out of frames: login, consent, error page", async () => {
    const browser = new Browser();
    const login = await browser.get(authorizationUrl());
    const tid = formField(await login.text(), "transaction_id");
    const signedIn = await browser.post(demo.auth.origin + "/login", { transaction_id: tid, ...credentials });
    const consent = await browser.get(new URL(signedIn.headers.get("Location")!, demo.auth.origin).href);
    expect(await consent.text()).toContain('action="/authorize/decision"');
    const error = await browser.get(authorizationUrl({ redirect_uri: demo.spa.origin + "/elsewhere" }));
    expect(error.status).toBe(400);
    for (const page of [login, consent, error]) {
      expect(page.headers.get("X-Frame-Options")).toBe("DENY");
      expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("lets the SPA's origin, and no other, frame the redirects of /authorize (prompt=none in a hidden iframe)", async () => {
    const browser = new Browser();
    const silent = (b: Browser) => b.get(authorizationUrl({ redirect_uri: demo.spa.redirectUris.silent, prompt: "none", state: "s-7" }));
    const answers = [await silent(browser)];
    await getToken(browser);
    answers.push(await silent(browser));
    expect(fragmentOf(answers[0]!.headers.get("Location")!)).toEqual({ error: "login_required", error_description: expect.any(String), state: "s-7" });
    expect(fragmentOf(answers[1]!.headers.get("Location")!)).toMatchObject({ access_token: expect.any(String), token_type: "Bearer", state: "s-7" });
    for (const answer of answers) {
      expect(answer.status).toBe(302);
      expect(answer.headers.get("Location")!.startsWith(demo.spa.redirectUris.silent + "#")).toBe(true);
      const csp = answer.headers.get("Content-Security-Policy") ?? "";
      // Exactly one frame-ancestors directive, naming the SPA's origin alone.
      expect(csp.match(/frame-ancestors[^;]*/g)).toEqual([`frame-ancestors ${demo.spa.origin}`]);
      expect(answer.headers.get("X-Frame-Options")).toBeNull();
      expect(answer.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("registers silent.html as a redirect URI, matched exactly", async () => {
    const exact = await new Browser().get(authorizationUrl({ redirect_uri: demo.spa.redirectUris.silent }));
    expect(exact.status).toBe(200);
    for (const near of [demo.spa.redirectUris.silent + "?x=1", demo.spa.origin + "/SILENT.html", demo.spa.origin + "/silent"]) {
      const response = await new Browser().get(authorizationUrl({ redirect_uri: near }));
      expect(response.status, near).toBe(400);
      expect(response.headers.get("Location")).toBeNull();
    }
  });

  it("refuses sign-in tries after repeated wrong passwords, even the right one, for a delay that doubles", async () => {
    const browser = new Browser();
    const page = await (await browser.get(authorizationUrl())).text();
    const tid = formField(page, "transaction_id");
    const attempt = (password: string) => browser.post(demo.auth.origin + "/login", { transaction_id: tid, username: DEMO_USER.username, password });
    try {
      for (let i = 0; i < 3; i++) expect((await attempt("wrong-" + i)).status).toBe(401);
      const refused = await attempt(DEMO_USER.password);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("Retry-After")).toBe("2");
      expect(await refused.text()).toContain("Too many failed sign-ins");

      clockOffset += 2000;
      expect((await attempt("wrong-again")).status).toBe(401);
      const longer = await attempt(DEMO_USER.password);
      expect(longer.status).toBe(429);
      expect(longer.headers.get("Retry-After")).toBe("4");

      clockOffset += 4000;
      expect((await attempt(DEMO_USER.password)).status).toBe(303);
    } finally {
      clockOffset = 0;
    }
  });

  it("throttles unknown usernames the same way, so guessing names reveals nothing", async () => {
    const browser = new Browser();
    const tid = formField(await (await browser.get(authorizationUrl())).text(), "transaction_id");
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await browser.post(demo.auth.origin + "/login", { transaction_id: tid, username: "nobody", password: "x" })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it("keeps the username in the login form after a wrong password (and moves the focus to the password)", async () => {
    const browser = new Browser();
    const tid = formField(await (await browser.get(authorizationUrl())).text(), "transaction_id");
    const wrong = await browser.post(demo.auth.origin + "/login", { transaction_id: tid, username: "dana<x>", password: "wrong" });
    const html = await wrong.text();
    expect(html).toContain('name="username" autocomplete="username" required value="dana&#60;x&#62;"');
    expect(html).toMatch(/name="password"[^>]*autofocus/);
  });

  it("after the sign-in, Back to its consent page or login page shows a page with a link back to the app, not an error", async () => {
    const browser = new Browser();
    const state = "back-" + Math.random();
    const first = await browser.get(authorizationUrl({ redirect_uri: demo.spa.pages.esm, state }));
    const tid = formField(await first.text(), "transaction_id");
    const signedIn = await browser.post(demo.auth.origin + "/login", { transaction_id: tid, ...credentials });
    const consentUrl = new URL(signedIn.headers.get("Location")!, demo.auth.origin).href;
    await browser.get(consentUrl);
    expect((await browser.post(demo.auth.origin + "/authorize/decision", { transaction_id: tid, allow: "1" })).status).toBe(302);

    for (const back of [await browser.get(consentUrl), await browser.post(demo.auth.origin + "/authorize/decision", { transaction_id: tid, allow: "1" })]) {
      expect(back.status).toBe(200);
      const html = await back.text();
      expect(html).toContain("This sign-in is finished");
      expect(html).toContain(`href="${demo.spa.pages["script-tag"]}"`);
      expect(html).not.toContain("Unable to load");
    }
    // The first page of that sign-in again (its URL still names the answered state): back to the page that asked.
    const again = await browser.get(authorizationUrl({ redirect_uri: demo.spa.pages.esm, state }));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(`href="${demo.spa.pages.esm}"`);
    // A new request (a new state) still gets the consent page.
    expect(await (await browser.get(authorizationUrl())).text()).toContain("Allow access?");
  });

  it("ends the session at /session/end and sends the browser back to a registered redirect URI with the state", async () => {
    const browser = new Browser();
    await getToken(browser);
    const query = new URLSearchParams({ client_id: demo.auth.clientId, post_logout_redirect_uri: demo.spa.pages.esm, state: "out.abc" });
    const ended = await browser.get(demo.auth.endSessionEndpoint + "?" + query);
    expect(ended.status).toBe(303);
    expect(ended.headers.get("Location")).toBe(demo.spa.pages.esm + "?state=out.abc");
    const silent = await browser.get(authorizationUrl({ prompt: "none", state: "s-1" }));
    expect(fragmentOf(silent.headers.get("Location")!)).toMatchObject({ error: "login_required", state: "s-1" });

    // An address the client did not register gets a page, never a redirect.
    const other = await new Browser().post(demo.auth.endSessionEndpoint, {
      client_id: demo.auth.clientId,
      post_logout_redirect_uri: "http://evil.example/",
      state: "x",
    });
    expect(other.status).toBe(200);
    expect(other.headers.get("Location")).toBeNull();
  });

  it("serves a favicon for its pages", async () => {
    const icon = await fetch(demo.auth.origin + "/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
  });

  it("answers prompt=none with consent_required when the user is signed in but has not allowed that scope", async () => {
    const browser = new Browser();
    await getToken(browser, "profile");
    const silent = await browser.get(authorizationUrl({ scope: "profile orders", prompt: "none", state: "s-42" }));
    expect(silent.status).toBe(302);
    expect(fragmentOf(silent.headers.get("Location")!)).toMatchObject({ error: "consent_required", state: "s-42" });
  });

  it("refuses a decision posted from another browser (no session of its own for that request), without redirecting", async () => {
    const victim = new Browser();
    const page = await (await victim.get(authorizationUrl())).text();
    const tid = formField(page, "transaction_id");
    await victim.post(demo.auth.origin + "/login", { transaction_id: tid, ...credentials });

    const attacker = new Browser();
    const forged = await attacker.post(demo.auth.origin + "/authorize/decision", { transaction_id: tid, allow: "1" });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("Location")).toBeNull();
  });

  it("answers introspection only for a resource server with credentials", async () => {
    const token = await getToken();
    const post = (headers: Record<string, string>) => fetch(demo.auth.introspectionEndpoint, { method: "POST", headers, body: new URLSearchParams({ token }) });
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
    const wrong = await post({ Authorization: "Basic " + Buffer.from("implicitly-demo-api:guess").toString("base64") });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "invalid_client" });
  });

  it("revokes a client's token at its revocation endpoint (RFC 7009), after which the API refuses it", async () => {
    const token = await getToken();
    const api = () => fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + token } });
    const revoke = (client_id: string) => fetch(demo.auth.revocationEndpoint, { method: "POST", body: new URLSearchParams({ token, client_id }) });
    expect((await api()).status).toBe(200);

    expect((await revoke("someone-else")).status).toBe(401);
    expect((await api()).status).toBe(200);

    expect((await revoke(demo.auth.clientId)).status).toBe(200);
    const refused = await api();
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');

    // Unknown tokens are no error (RFC 7009 §2.2).
    const unknown = await fetch(demo.auth.revocationEndpoint, { method: "POST", body: new URLSearchParams({ token: "nope", client_id: demo.auth.clientId }) });
    expect(unknown.status).toBe(200);
  });
});

describe("demo API", () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(demo.api.origin + path, { headers });

  it("answers a request without a token with 401 and a bare Bearer challenge (RFC 6750 §3.1)", async () => {
    const response = await get("/api/profile");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="implicitly-demo"');
  });

  it("answers malformed credentials with 400 invalid_request and an unknown token with 401 invalid_token", async () => {
    const malformed = await get("/api/profile", { Authorization: "Bearer two words" });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="implicitly-demo", error="invalid_request"/);
    const unknown = await get("/api/profile", { Authorization: "Bearer not-a-real-token" });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="implicitly-demo", error="invalid_token"/);
  });

  it("answers a token without the scope with 403 insufficient_scope naming the scope", async () => {
    const token = await getToken();
    const response = await get("/api/orders", { Authorization: "Bearer " + token });
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/error="insufficient_scope".*scope="orders"/);
  });

  it("allows the SPA's origin only: preflight with Authorization, WWW-Authenticate readable", async () => {
    const preflight = (origin: string) =>
      fetch(demo.api.origin + "/api/profile", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
      });
    const ok = await preflight(demo.spa.origin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(demo.spa.origin);
    expect(ok.headers.get("Access-Control-Allow-Headers")).toMatch(/authorization/i);
    expect(ok.headers.get("Access-Control-Allow-Methods")).toContain("GET");

    const other = await preflight(demo.thirdParty.origin);
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(other.headers.get("Access-Control-Allow-Headers")).toBeNull();

    const actual = await get("/api/profile", { Origin: demo.spa.origin });
    expect(actual.headers.get("Access-Control-Allow-Origin")).toBe(demo.spa.origin);
    expect(actual.headers.get("Access-Control-Expose-Headers")).toMatch(/WWW-Authenticate/i);
    expect((await get("/api/profile", { Origin: "http://evil.example" })).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("demo SPA server", () => {
  it("tells the pages where the servers are, and serves both SDK builds", async () => {
    const config = await (await fetch(demo.spa.origin + "/config.json")).json();
    expect(config).toEqual({
      authorizationEndpoint: demo.auth.authorizationEndpoint,
      revocationEndpoint: demo.auth.revocationEndpoint,
      endSessionEndpoint: demo.auth.endSessionEndpoint,
      clientId: demo.auth.clientId,
      apiOrigin: demo.api.origin,
      thirdPartyOrigin: demo.thirdParty.origin,
      redirectUris: { ...demo.spa.pages, silent: demo.spa.origin + "/silent.html" },
      // At the default 120 s lifetime, the SDK's own defaults.
      clockSkew: 30,
      expiringNotice: 60,
    });
    for (const build of ["implicitly.umd.min.js", "implicitly-oidc.umd.min.js", "implicitly.mjs"]) {
      const response = await fetch(demo.spa.origin + "/dist/" + build);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    }
  });

  it("serves both pages with a script-src 'self' policy", async () => {
    for (const page of Object.values(demo.spa.pages)) {
      const response = await fetch(page);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    }
    expect(await (await fetch(demo.spa.pages["script-tag"])).text()).toContain('<script src="/dist/implicitly-oidc.umd.min.js"></script>');
    expect(await (await fetch(demo.spa.pages.esm)).text()).toContain('<script type="module" src="/esm.js"></script>');
  });

  it("lets the pages frame the authorization server, and lets only its own origin frame silent.html", async () => {
    const directives = (response: Response) => (response.headers.get("Content-Security-Policy") ?? "").split(";").map((d) => d.trim());
    for (const page of Object.values(demo.spa.pages)) {
      const csp = directives(await fetch(page));
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`frame-src 'self' ${demo.auth.origin}`);
    }
    const silent = await fetch(demo.spa.redirectUris.silent);
    expect(silent.status).toBe(200);
    expect(directives(silent)).toContain("frame-ancestors 'self'");
    // The SDK's silent page, whose one inline script is allowed by its hash there, and nowhere else.
    const html = await silent.text();
    expect(html).toContain('<script data-client-id="implicitly-demo-spa">');
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = `'sha256-${createHash("sha256").update(script).digest("base64")}'`;
    expect(directives(silent)).toContain(`script-src 'self' ${hash}`);
    for (const page of Object.values(demo.spa.pages)) expect(directives(await fetch(page))).toContain("script-src 'self'");
  });
});
