// implicitly/testing in a real browser: Chromium signs in to an app whose authorization server is
// the kit's fake, answered through Playwright's page.route() (routeFakeServer). The app itself is
// served by page.route() too, from the built SDK (dist/): no server process, no port.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, routeFakeServer, type FakeServer } from "../../src/testing";
import { launchChromium } from "./chromium";

const APP = "https://app.example.test";
const ISSUER = "https://id.example.test";
const DIST = join(__dirname, "..", "..", "dist");

// The app: OpenID Connect with the code flow (and DPoP at /dpop/); a greeting from the
// userinfo endpoint once signed in, the error's code otherwise.
const PAGE = `<!doctype html><meta charset="utf-8"><title>app</title>
<button id="login">Sign in</button><p id="out" role="status"></p>
<script type="module">
  import { createOidcClient, codeFlow, dpop } from "/implicitly.mjs";
  const out = document.getElementById("out");
  const client = createOidcClient({
    issuer: "${ISSUER}", clientId: "app", redirectUri: "${APP}" + location.pathname, scope: "profile",
    resourceOrigins: ["${ISSUER}"], flow: codeFlow, ...(location.pathname == "/dpop/" ? { dpop } : {}),
  });
  document.getElementById("login").onclick = () => client.login();
  try {
    await client.handleRedirect();
    if (client.getToken()) {
      const me = await (await client.fetch("${ISSUER}/userinfo")).json();
      out.textContent = "Hello " + me.name + " (" + client.getToken().tokenType + ", " + client.getUser().sub + ")";
    }
  } catch (e) {
    out.textContent = "Error " + e.code;
  }
  document.body.dataset.ready = "";
</script>`;

let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(() => browser?.close());

/** A page whose app origin and issuer are both answered by page.route(). */
const open = async (server: FakeServer, path = "/") => {
  const page = await (await browser.newContext()).newPage();
  await page.route(APP + "/**", (route) => {
    const { pathname } = new URL(route.request().url());
    return pathname == "/implicitly.mjs"
      ? route.fulfill({ contentType: "text/javascript", body: readFileSync(join(DIST, "implicitly.mjs"), "utf8") })
      : route.fulfill({ contentType: "text/html", body: PAGE });
  });
  await routeFakeServer(page, server);
  await page.goto(APP + path);
  await page.locator("body[data-ready]").waitFor();
  return page;
};
const signIn = async (page: Page) => {
  // The page before the sign-in is at the same clean URL and ready too: unmarked, so that only the
  // page that comes back can pass the waits below (else they may pass before the click navigates).
  await page.evaluate(() => delete document.body.dataset.ready);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Back at the app, the code gone from the address bar.
  await page.waitForURL((url) => url.origin == APP && !url.search);
  await page.locator("body[data-ready]").waitFor();
  return (await page.getByRole("status").innerText()).trim();
};

describe("routeFakeServer() in Chromium", () => {
  it("signs the user in with the code flow and OpenID Connect: redirect, CORS, discovery, keys, userinfo", async () => {
    const server = createFakeServer({ issuer: ISSUER, clientId: "app", redirectUris: [APP + "/"], user: { sub: "u1", name: "Ada" } });
    const page = await open(server);
    expect(await signIn(page)).toBe("Hello Ada (Bearer, u1)");
    // The code left the address bar; the server saw the whole flow.
    expect(page.url()).toBe(APP + "/");
    expect(server.requests.map((r) => r.method + " " + r.path + (r.grantType ? " " + r.grantType : ""))).toEqual(
      expect.arrayContaining(["GET /.well-known/openid-configuration", "GET /authorize", "POST /token authorization_code", "GET /jwks", "GET /userinfo"]),
    );
  });

  it("with DPoP: proofs verified, the token bound to the page's key", async () => {
    const server = createFakeServer({ issuer: ISSUER, user: { sub: "u2", name: "Grace" } });
    const page = await open(server, "/dpop/");
    expect(await signIn(page)).toBe("Hello Grace (DPoP, u2)");
    // Playwright answers the CORS preflights of routed requests itself: the fake never sees them.
    expect(server.requests).not.toContainEqual(expect.objectContaining({ method: "OPTIONS" }));
    expect(server.requests).toContainEqual({ method: "POST", path: "/token", grantType: "authorization_code" });
  });

  it("refuse(): the app shows the server's error", async () => {
    const server = createFakeServer({ issuer: ISSUER });
    server.refuse("access_denied");
    const page = await open(server);
    expect(await signIn(page)).toBe("Error access_denied");
  });
});
