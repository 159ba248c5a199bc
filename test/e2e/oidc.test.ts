// The demo with `--provider oidc`, driven in Chromium against the built SDK (dist/): both pages
// sign in at a real OpenID provider (oidc-provider, its development login and consent pages) with
// response_type=id_token token, and show the user's name from the verified ID token's claims.
import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "../../demo/demo.mjs";
import { OIDC_ACCOUNTS } from "../../demo/oidc-server.mjs";
import type { OidcClient } from "../../src/index";
import { signInAtProvider, useDemoBrowser } from "./demo-browser";

/** The demo page's window: demo/public/app.js puts its client on `window.demoClient`. */
type DemoWindow = { demoClient: OidcClient };

const env = useDemoBrowser({ demo: { provider: "oidc" } });
const { apiAuthorization } = env;
let demo: Demo;
let oidc: NonNullable<Demo["oidc"]>;
beforeAll(() => {
  ({ demo } = env);
  oidc = demo.oidc!;
});

/** A fresh browser profile with one tab; `init` runs in every document before its scripts. */
async function newPage(init?: () => void): Promise<Page> {
  const context = await env.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  return page;
}

/** Retries `read` until the assertion chained on it passes. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000, interval: 50 });
const status = (page: Page) => page.getByRole("status").innerText();

/**
 * From a demo page: Sign in, log in at the OpenID provider's development login page (any name and
 * password), Continue on its consent page, and back. Returns the authorization request's URL.
 */
async function signIn(page: Page): Promise<URL> {
  const request = page.waitForRequest((r) => r.url().startsWith(oidc.authorizationEndpoint + "?"));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const sent = new URL((await request).url());
  await signInAtProvider(page, oidc.issuer, demo.spa.origin);
  return sent;
}

/** At the provider, in a popup: log in when asked, then Continue on the consent page. */
async function consentInPopup(popup: Page) {
  await popup.waitForURL((url) => url.origin === oidc.issuer);
  const login = popup.getByPlaceholder("Enter any login");
  if (await login.isVisible()) {
    await login.fill("demo");
    await popup.getByPlaceholder("and password").fill("any password");
    await popup.getByRole("button", { name: "Sign-in" }).click();
  }
  await popup.getByRole("button", { name: "Continue" }).click();
}

describe("--provider oidc: the session at the provider", () => {
  it("a reload signs in again without a login page (prompt=none answers with a token), and step-up adds orders in a popup", async () => {
    const page = await (await env.newContext({ width: 1280, height: 800 })).newPage();
    await page.goto(demo.spa.pages.esm);
    await page.locator("body[data-ready]").waitFor();
    await signIn(page);
    const first = await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken);
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed in without a login page. Granted scope: openid profile.");
    const second = await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken);
    expect(second).not.toBe(first);
    expect(await page.locator("#user").innerText()).toBe(`${OIDC_ACCOUNTS.demo!.name} (from the verified ID token)`);

    // The provider knows the orders scope; the app asks for it without signing out.
    await page.getByRole("button", { name: "Get orders" }).click();
    await eventually(() => page.locator("#result").innerText()).toContain("refused (insufficient_scope)");
    const popupOpened = page.waitForEvent("popup");
    const request = page.context().waitForEvent("request", (r) => r.url().startsWith(oidc.authorizationEndpoint + "?"));
    await page.getByRole("button", { name: "Allow access to orders" }).click();
    const popup = await popupOpened;
    expect(new URL((await request).url()).searchParams.get("scope")).toBe("openid profile orders");
    await consentInPopup(popup);
    await popup.waitForEvent("close");
    await eventually(() => page.locator("#result").innerText()).toBe("Orders: OK.");
    expect(await page.locator("#scope").innerText()).toBe("openid profile orders");
    await mkdir("test-results", { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: "test-results/demo-oidc-step-up-done.png" });
  });
});

const PAGES = [
  { label: "script-tag page (dist/implicitly-oidc.umd.min.js)", key: "script-tag" },
  { label: "ES-module page (dist/implicitly.mjs)", key: "esm" },
] as const;

describe.each(PAGES)("--provider oidc, $label", ({ key }) => {
  it("signs in with id_token token and shows the user's name from the verified ID token", async () => {
    const page = await newPage();
    await page.goto(demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed out.");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toMatch(/^OpenID Connect implicit flow, /);
    if (key === "script-tag") {
      // The plain script-tag build has no OpenID Connect; this page loads the one that has.
      expect(await page.evaluate(() => [...document.scripts].map((s) => s.getAttribute("src")).filter(Boolean))).toContain("/dist/implicitly-oidc.umd.min.js");
    }

    const sent = await signIn(page);
    expect(sent.searchParams.get("response_type")).toBe("id_token token");
    expect(sent.searchParams.get("scope")).toBe("openid profile");
    const nonce = sent.searchParams.get("nonce")!;
    expect(nonce).toMatch(/^[\w-]{43}$/);

    await eventually(() => status(page)).toMatch(/^Signed in\./);
    const name = OIDC_ACCOUNTS.demo!.name;
    await eventually(() => page.locator("#user").innerText()).toBe(`${name} (from the verified ID token)`);
    expect(await page.locator("#user-label").innerText()).toBe("Signed in as");

    const seen = await page.evaluate(() => {
      const client = (window as unknown as DemoWindow).demoClient;
      const token = client.getToken();
      return { user: client.getUser(), idToken: token?.idToken, same: token?.claims === client.getUser() };
    });
    expect(seen.user).toMatchObject({ iss: oidc.issuer, sub: "demo", aud: oidc.clientId, nonce, name });
    expect(seen.idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(seen.same).toBe(true);

    // Nothing left where it could leak: not in the address bar, not in storage.
    const traces = await page.evaluate(() => ({ href: location.href, local: Object.entries(localStorage), session: Object.entries(sessionStorage) }));
    expect(traces.href).toBe(demo.spa.pages[key]);
    expect(JSON.stringify(traces)).not.toContain(seen.idToken!.split(".")[1]!);
    expect(traces.session).toEqual([]);

    // The access token works at the API, which introspects it at the OpenID provider.
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => page.locator("#result").innerText()).toBe("Profile: OK.");
    expect(apiAuthorization.at(-1)).toMatch(/^Bearer /);

    // Sign out: revoked, then the provider asks whether to end its session too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.origin === oidc.issuer);
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.waitForURL((url) => url.href === demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed out, here and at the authorization server. The token was revoked.");
    expect(page.url()).toBe(demo.spa.pages[key]);
    // The provider's session is over: a reload stays signed out.
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed out.");
    expect(await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken())).toBeNull();
    await eventually(() => page.locator("#user").isHidden()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getUser())).toBeNull();
  });

  it("refuses an ID token changed on the way (id_token_signature) and shows no user", async () => {
    // Before the page's scripts run: the callback's ID token gets another name in its payload.
    const page = await newPage(() => {
      const m = /([#&]id_token=[\w-]+\.)([\w-]+)/.exec(location.hash);
      if (!m) return;
      const json = atob(m[2]!.replace(/-/g, "+").replace(/_/g, "/"));
      const forged = btoa(json.replace(/"name":"[^"]*"/, '"name":"Mallory"'))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      history.replaceState(null, "", location.href.replace(m[1]! + m[2]!, m[1]! + forged));
    });
    await page.goto(demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    await signIn(page);
    await eventually(() => status(page)).toBe("The sign-in did not complete.");
    expect(await page.locator("#error-code").innerText()).toBe("id_token_signature:");
    expect(
      await page.evaluate(() => {
        const c = (window as unknown as DemoWindow).demoClient;
        return [c.getToken(), c.getUser()];
      }),
    ).toEqual([null, null]);
    expect(await page.locator("#user").isHidden()).toBe(true);
  });
});
