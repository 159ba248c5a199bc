// The demo's sign-out, step-up and what the page shows, in Chromium against the demo's OAuth 2.0
// server and the built SDK (dist/), at 1280×800 as a visitor would see it: Sign out then Reload
// stays signed out; "Get orders" refused, then "Allow access to orders" in a popup without signing
// out; who is signed in, the expiry time, the request log; error_uri links and hints; Back after a
// sign-in. Screenshots of the new screens go to test-results/.
import { mkdir } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: Client };

const SCREENSHOT_DIR = "test-results";
// With Chromium's popup blocker on, as for people: the step-up popup must open within the click.
const env = useDemoBrowser({ launch: { ignoreDefaultArgs: ["--disable-popup-blocking"] } });
const { apiAuthorization } = env;
let demo: Demo;
beforeAll(() => void ({ demo } = env));

/** A fresh profile with one tab, at the size of a laptop screen. */
const newPage = async (): Promise<Page> => (await env.newContext({ width: 1280, height: 800 })).newPage();
const open = async (page: Page, url: string) => {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
};
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000, interval: 50 });
const text = async (page: Page, selector: string) => ((await page.locator(selector).innerText()) ?? "").trim();
const status = (page: Page) => text(page, "#status");
const result = (page: Page) => text(page, "#result");
const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);
const shoot = async (page: Page, name: string) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
};

/** At the authorization server (tab or popup): log in when asked, then Allow or Deny. */
async function logInAnd(page: Page, answer: "Allow" | "Deny" = "Allow") {
  await page.waitForURL((url) => url.origin === demo.auth.origin);
  if (await page.getByLabel("Username").isVisible()) {
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.getByRole("button", { name: answer, exact: true }).click();
}

async function signIn(page: Page) {
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await logInAnd(page);
  await page.waitForURL((url) => url.origin === demo.spa.origin);
  await page.locator("body[data-ready]").waitFor();
}

describe.each(["script-tag", "esm"] as const)("sign-out and step-up (%s page)", (key) => {
  it("Sign out revokes the token and ends the server session: Reload stays signed out", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages[key]);
    await signIn(page);
    const token = await accessToken(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed out, here and at the authorization server. The token was revoked.");
    // The sign-out's state is gone from the address bar, and nothing of the user is shown.
    expect(page.url()).toBe(demo.spa.pages[key]);
    expect(await page.locator("#user").isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect((await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + token } })).status).toBe(401);
    expect(JSON.stringify(await page.evaluate(() => [Object.entries(sessionStorage), Object.entries(localStorage)]))).not.toContain(token!);
    if (key === "script-tag") await shoot(page, "demo-signed-out-at-server");

    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => status(page)).toBe("Signed out.");
    expect(await accessToken(page)).toBeNull();
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
  });

  it("Get orders refused: “Allow access to orders” asks for just that scope in a popup, then calls the API again", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages[key]);
    await signIn(page);
    const before = await accessToken(page);
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));

    await page.getByRole("button", { name: "Get orders" }).click();
    await eventually(() => result(page)).toContain("refused (insufficient_scope)");
    const allow = page.getByRole("button", { name: "Allow access to orders" });
    expect(await allow.isVisible()).toBe(true);
    if (key === "script-tag") await shoot(page, "demo-step-up-offered");

    const popupOpened = page.waitForEvent("popup");
    await allow.click();
    const popup = await popupOpened;
    // While the popup is open, no second sign-in can start.
    expect(await page.getByRole("button", { name: "Sign out" }).isDisabled()).toBe(true);
    await popup.waitForURL((url) => url.origin === demo.auth.origin);
    // Signed in at the server already: straight to the consent page, which asks for both scopes.
    expect(new URL(popup.url()).searchParams.get("scope")).toBe("profile orders");
    expect(await popup.getByText("See your orders").isVisible()).toBe(true);
    await logInAnd(popup);
    await popup.waitForEvent("close");

    await eventually(() => result(page)).toBe("Orders: OK.");
    expect(await text(page, "#output")).toContain("Rubber duck");
    expect(await text(page, "#scope")).toBe("profile orders");
    expect(await accessToken(page)).not.toBe(before);
    expect(navigations).toEqual([]);
    expect(await page.getByRole("button", { name: "Allow access to orders" }).isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign out" }).isEnabled()).toBe(true);
    if (key === "script-tag") await shoot(page, "demo-step-up-done");
  });
});

describe("step-up refused", () => {
  it("Deny in the step-up popup keeps the token the app had, and says so", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    const before = await accessToken(page);
    await page.getByRole("button", { name: "Get orders" }).click();
    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Allow access to orders" }).click();
    const popup = await popupOpened;
    await logInAnd(popup, "Deny");
    await eventually(() => text(page, "#error")).toContain("access_denied");
    expect(await text(page, "#error-hint")).toBe("You chose Deny, so the app keeps the token it had, without the new scope.");
    expect(await accessToken(page)).toBe(before);
    expect(await text(page, "#scope")).toBe("profile");
  });
});

describe("what the page shows", () => {
  it("who is signed in (from the API), the expiry as a clock time, and a request log of what carried Authorization", async () => {
    const page = await newPage();
    const missing: string[] = [];
    page.on("response", (response) => response.status() === 404 && missing.push(response.url()));
    await open(page, demo.spa.pages["script-tag"]);
    await signIn(page);
    expect(await text(page, "#user")).toBe(`${DEMO_USER.name} (from the API's profile)`);
    const expiresAt = await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()!.expiresAt!);
    expect(await text(page, "#expires-at")).toBe(`(at ${new Date(expiresAt).toLocaleTimeString("en-GB", { timeZone: "UTC" })})`);

    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => result(page)).toBe("Profile: OK.");
    await page.getByRole("button", { name: "Call a third-party origin" }).click();
    await eventually(() => result(page)).toBe("The third-party origin received no token: it is not in resourceOrigins.");
    const rows = await page.locator("#log tbody tr").allInnerTexts();
    expect(rows[0]).toBe(`GET ${demo.thirdParty.origin}/echo\t200\tnone`);
    expect(rows[1]).toBe(`GET ${demo.api.origin}/api/profile\t200\tBearer`);
    // The log shows the scheme that went, never the token.
    expect(await page.locator("#log").innerText()).not.toContain((await accessToken(page))!);
    // Results sit next to the buttons, above the fold.
    const box = await page.locator("#result").boundingBox();
    expect(box!.y + box!.height).toBeLessThan(800);
    // No missing file (favicon included) on the app or the authorization server.
    expect(missing).toEqual([]);
    await shoot(page, "demo-signed-in-1280");
  });

  /** Puts a pending login in the page's storage and returns its state. */
  const pendingState = (page: Page) =>
    page.evaluate(async () => new URL(await (window as unknown as DemoWindow).demoClient.authorizationUrl()).searchParams.get("state")!);

  it("links error_uri only when it is a web page, and looks hints up on own properties only", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    const cases = [
      { error: "server_error", uri: "https://docs.example/errors#server", link: true },
      { error: "server_error", uri: "javascript:alert(1)", link: false },
      { error: "toString", uri: "/relative", link: false },
    ];
    for (const { error, uri, link } of cases) {
      const state = await pendingState(page);
      // A new document (a fragment change alone would not load the page again).
      await page.goto("about:blank");
      await page.goto(`${demo.spa.pages.esm}#error=${error}&error_uri=${encodeURIComponent(uri)}&state=${state}`);
      await page.locator("body[data-ready]").waitFor();
      expect(await text(page, "#error-code")).toBe(error);
      expect(await page.locator("#error-uri").isVisible()).toBe(link);
      if (link) expect(await page.locator("#error-uri").getAttribute("href")).toBe(uri);
      expect(await page.locator("a[href^='javascript:']").count()).toBe(0);
      const hint = await text(page, "#error-hint");
      expect(hint).toBe(error === "toString" ? "The sign-in did not complete." : "The authorization server failed. Try again.");
      // Only access_denied says "you chose Deny".
      expect(hint).not.toContain("Deny");
    }
  });

  it("keeps the username on the login form after a wrong password", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.origin === demo.auth.origin);
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await eventually(() => page.getByRole("alert").innerText()).toBe("Wrong username or password.");
    expect(await page.getByLabel("Username").inputValue()).toBe(DEMO_USER.username);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
  });
});

describe("Back after signing in", () => {
  it("lands on a page of the authorization server that says the sign-in is finished, with a link back to the app", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    const token = await accessToken(page);
    await page.goBack();
    await page.waitForURL((url) => url.origin === demo.auth.origin);
    await eventually(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("This sign-in is finished");
    expect(await page.content()).not.toContain("Unable to load");
    await shoot(page, "demo-back-after-sign-in");
    await page.getByRole("link", { name: "Back to the app" }).click();
    await page.waitForURL((url) => url.origin === demo.spa.origin);
    await page.locator("body[data-ready]").waitFor();
    // The server session is still there: the app signs in again without a login page.
    await eventually(() => status(page)).toBe("Signed in without a login page. Granted scope: profile.");
    expect(await accessToken(page)).not.toBe(token);
    expect(apiAuthorization.length).toBeGreaterThan(0);
  });
});

describe("a revocation endpoint that redirects", () => {
  /** A loopback server that records each POST, and answers it with `answer`; a GET gets a blank page. */
  const serve = async (answer: (res: ServerResponse) => void) => {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.method == "GET") {
          res.end("<!doctype html><title>app</title>");
          return;
        }
        seen.push(req.method + " " + body);
        res.setHeader("Access-Control-Allow-Origin", "*");
        answer(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(r)) };
  };

  it("a 307 to another origin is not followed: the token goes nowhere else, and signOut() reports it, not revoked", async () => {
    const elsewhere = await serve((res) => res.end());
    const revocation = await serve((res) => res.writeHead(307, { Location: elsewhere.url + "steal" }).end());
    // An app page of its own (the demo's pages allow requests to their servers only), with the
    // script-tag build that has signOut.
    const app = await serve((res) => res.end());
    try {
      const page = await newPage();
      await page.goto(app.url);
      await page.addScriptTag({ url: demo.spa.origin + "/dist/implicitly-oidc.umd.min.js" });
      const outcome = await page.evaluate(async (endpoint) => {
        const { Implicitly } = window as unknown as { Implicitly: typeof import("../../src/index") };
        const client = Implicitly.createClient({
          authorizationEndpoint: "https://id.example.com/authorize",
          clientId: "redirect-test",
          redirectUri: location.origin + "/cb",
          revocationEndpoint: endpoint,
        });
        const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
        await client.handleRedirect(location.origin + "/cb#access_token=secret-token&token_type=Bearer&state=" + encodeURIComponent(state));
        return Implicitly.signOut(client, { endSession: false });
      }, revocation.url);
      // In a page, a redirect not followed is opaque (status 0).
      expect(outcome).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false, redirected: true }], endingSession: false });
      expect(revocation.seen).toEqual(["POST token=secret-token&token_type_hint=access_token&client_id=redirect-test"]);
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await Promise.all([elsewhere.close(), revocation.close(), app.close()]);
    }
  });
});
