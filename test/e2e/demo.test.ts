// The demo, driven in Chromium as a person would use it, against the built SDK (dist/) on both
// demo pages: sign in, consent or deny, call the API, reload, sign out; and where the token must
// never show up (address bar, history, Referer, storage, cookies, other origins).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { Frame, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PORTS, DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

declare global {
  interface Window {
    /** The demo page's client (demo/public/app.js exposes it). */
    demoClient: Client;
    /** Recorded by an init script as each document starts, before any page script runs. */
    landing: { href: string; historyLength: number };
  }
}

const SCREENSHOT_DIR = "test-results";
/** The README's screenshot, refreshed by every run (see "the README's screenshot" below). */
const DOCS_SCREENSHOT = "docs/demo-signed-in.png";

const env = useDemoBrowser();
const { apiAuthorization } = env;
let demo: Demo;
beforeAll(() => void ({ demo } = env));

/** A fresh browser profile (no cookies, no storage) with one tab. */
async function newPage(): Promise<Page> {
  const context = await env.newContext();
  await context.addInitScript(() => {
    window.landing = { href: location.href, historyLength: history.length };
  });
  const page = await context.newPage();
  return page;
}

/** Opens a demo page and waits until it has handled its URL. */
async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
}

/** From a demo page: Sign in, log in at the authorization server, Allow or Deny, back on the page. */
async function signIn(page: Page, { allow = true, orders = false, servers = demo } = {}) {
  if (orders) await page.getByLabel("Also ask for the orders scope").check();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === servers.auth.origin);
  if (await page.getByLabel("Username").isVisible()) {
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.getByRole("button", { name: allow ? "Allow" : "Deny", exact: true }).click();
  await page.waitForURL((url) => url.origin === servers.spa.origin);
  await page.locator("body[data-ready]").waitFor();
}

const accessToken = (page: Page) => page.evaluate(() => window.demoClient.getToken()?.accessToken ?? null);

/** Retries `read` until the assertion chained on it passes (playwright-core has no web-first assertions). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000, interval: 50 });
/** The element's text as shown. */
const textOf = async (locator: Locator) => ((await locator.innerText()) ?? "").trim();

/** Seconds left on the page's countdown (`m:ss`). */
async function countdown(page: Page): Promise<number> {
  const text = (await page.getByRole("timer").textContent()) ?? "";
  const match = /^(\d+):(\d\d)$/.exec(text);
  if (!match) throw new Error(`countdown shows "${text}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Everything script-visible on the page that could hold a token. */
const pageTraces = (page: Page) =>
  page.evaluate(() => ({
    href: location.href,
    localStorage: Object.entries(localStorage),
    sessionStorage: Object.entries(sessionStorage),
    cookie: document.cookie,
    windowName: window.name,
  }));

const PAGES = [
  { label: "script-tag page (dist/implicitly.umd.min.js)", key: "script-tag", other: "esm" },
  { label: "ES-module page (dist/implicitly.mjs)", key: "esm", other: "script-tag" },
] as const;

describe.each(PAGES)("$label", ({ key, other }) => {
  const url = () => demo.spa.pages[key];

  it("signs in, shows scope and a live countdown, calls the API, and leaves the token nowhere else", async () => {
    const page = await newPage();
    await open(page, url());
    await eventually(() => textOf(page.getByRole("status"))).toBe("Signed out.");
    await signIn(page);

    await eventually(() => textOf(page.getByRole("status"))).toBe("Signed in. Granted scope: profile.");
    await eventually(() => textOf(page.locator("#scope"))).toBe("profile");
    await eventually(() => page.getByRole("button", { name: "Sign in", exact: true }).isHidden()).toBe(true);
    const left = await countdown(page);
    // 120 s lifetime less the SDK's default 30 s clock skew.
    expect(left).toBeGreaterThan(80);
    expect(left).toBeLessThanOrEqual(90);
    await expect.poll(() => countdown(page), { timeout: 3000 }).toBeLessThan(left);

    const token = await accessToken(page);
    expect(token).toMatch(/^[\w-]{20,}$/);

    // The token did arrive in the address bar…
    const landing = await page.evaluate(() => window.landing);
    expect(landing.href).toContain("access_token=" + token);
    // …and is gone from it, without a new history entry, and from every history entry.
    expect(page.url()).toBe(url());
    expect(await page.evaluate(() => history.length)).toBe(landing.historyLength);
    const cdp = await page.context().newCDPSession(page);
    const { entries } = await cdp.send("Page.getNavigationHistory");
    expect(entries.length).toBe(landing.historyLength);
    for (const entry of entries) expect(entry.url).not.toContain(token);
    expect(entries.at(-1)?.url).toBe(url());

    // Not in storage or cookies either.
    expect(JSON.stringify(await pageTraces(page))).not.toContain(token);
    const cookies = await page.context().cookies();
    expect(JSON.stringify(cookies)).not.toContain(token);

    // The API gets it.
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => textOf(page.locator("#result"))).toBe("Profile: OK.");
    await eventually(() => textOf(page.locator("#output"))).toContain(DEMO_USER.name);
    expect(apiAuthorization).toContain("Bearer " + token);

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/demo-signed-in-${key}.png`, fullPage: true });

    // Only the profile scope was asked for, so the orders API refuses.
    await page.getByRole("button", { name: "Get orders" }).click();
    await eventually(() => textOf(page.locator("#result"))).toContain("refused (insufficient_scope)");
    await eventually(() => textOf(page.locator("#result"))).toContain("needs the “orders” scope");
    expect(await accessToken(page)).toBe(token);

    // A third origin the page calls through client.fetch() never sees it.
    const before = demo.thirdParty.received.length;
    await page.getByRole("button", { name: "Call a third-party origin" }).click();
    await eventually(() => textOf(page.locator("#result"))).toBe("The third-party origin received no token: it is not in resourceOrigins.");
    const received = demo.thirdParty.received.slice(before);
    expect(received).toContainEqual(expect.objectContaining({ method: "GET", path: "/echo" }));
    for (const request of received) {
      expect(request.authorization).toBeNull();
      expect(request.requestedHeaders ?? "").not.toMatch(/authorization/i);
    }

    // The next page's Referer and document.referrer carry no token.
    const referer = page.waitForRequest(demo.spa.pages[other]);
    await page
      .getByRole("navigation")
      .getByRole("link", { name: other === "esm" ? "ES-module page" : "Script-tag page" })
      .click();
    expect((await referer).headers()["referer"]).toBe(url());
    await page.locator("body[data-ready]").waitFor();
    expect(await page.evaluate(() => document.referrer)).toBe(url());
    expect(JSON.stringify(await pageTraces(page))).not.toContain(token);

    // Back: the page we left, at its clean URL.
    await page.goBack();
    expect(page.url()).toBe(url());
  });

  it("shows access_denied when the user chooses Deny, and offers Sign in again", async () => {
    const page = await newPage();
    await open(page, url());
    await signIn(page, { allow: false });
    const alert = page.getByRole("alert");
    await eventually(() => alert.isVisible()).toBe(true);
    await eventually(() => textOf(alert)).toContain("access_denied");
    await eventually(() => textOf(alert)).toContain("You chose Deny on the consent page");
    await eventually(() => textOf(page.getByRole("status"))).toBe("The sign-in did not complete.");
    await eventually(() => page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect(page.url()).toBe(url());
    expect(await accessToken(page)).toBeNull();
  });

  it("after a reload (the token lived in memory only), gets a new one without a login page (restore), with no error", async () => {
    const page = await newPage();
    await open(page, url());
    await signIn(page);
    const before = await accessToken(page);
    expect(before).not.toBeNull();
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => textOf(page.getByRole("status"))).toBe("Signed in without a login page. Granted scope: profile.");
    await eventually(() => page.getByRole("alert").isHidden()).toBe(true);
    const after = await accessToken(page);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(page.url()).toBe(url());
  });

  it("with the orders box ticked, gets both scopes and the orders", async () => {
    const page = await newPage();
    await open(page, url());
    await signIn(page, { orders: true });
    await eventually(() => textOf(page.locator("#scope"))).toBe("profile orders");
    await page.getByRole("button", { name: "Get orders" }).click();
    await eventually(() => textOf(page.locator("#result"))).toBe("Orders: OK.");
    await eventually(() => textOf(page.locator("#output"))).toContain("Rubber duck");
  });

  it("signs out: forgets the token, revokes it, ends the server session, and shows Sign in again", async () => {
    const page = await newPage();
    await open(page, url());
    await signIn(page);
    const token = await accessToken(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await eventually(() => textOf(page.getByRole("status"))).toBe("Signed out, here and at the authorization server. The token was revoked.");
    expect(page.url()).toBe(url());
    await eventually(() => page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect(await accessToken(page)).toBeNull();

    const response = await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + token } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');

    // Calling the API now is refused by the SDK before anything is sent.
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => textOf(page.getByRole("alert"))).toContain("login_required");
    await eventually(() => textOf(page.getByRole("alert"))).toContain("There is no valid token");
  });
});

describe("a short-lived token on the ES-module page", () => {
  let shortLived: Demo;
  beforeAll(async () => {
    // 6 s lifetime: the page's client takes 1 s off for clock skew and warns 3 s before the end.
    shortLived = await startDemo({ tokenLifetime: 6 });
  });
  afterAll(async () => {
    await shortLived?.close();
  });

  it("counts down, warns before expiry, then signs out and offers Sign in again", async () => {
    const page = await newPage();
    await open(page, shortLived.spa.pages.esm);
    await signIn(page, { servers: shortLived });
    expect(await countdown(page)).toBeLessThanOrEqual(5);
    await eventually(() => textOf(page.getByRole("status"))).toBe("Your token is about to expire.");
    expect(await accessToken(page)).not.toBeNull();
    await expect
      .poll(() => textOf(page.getByRole("status")), { timeout: 8000, interval: 100 })
      .toBe("Your token expired or the API no longer accepts it. Sign in again.");
    expect(await accessToken(page)).toBeNull();
    await eventually(() => page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
  });
});

/** The first child frame of `page` whose URL passes `test`. */
async function childFrame(page: Page, test: (url: string) => boolean): Promise<Frame> {
  let found: Frame | undefined;
  await expect.poll(() => (found = page.frames().find((f) => f !== page.mainFrame() && test(f.url()))), { timeout: 5000, interval: 50 }).toBeDefined();
  return found!;
}

/** Adds a hidden iframe loading `src` to the page. */
const addHiddenFrame = (page: Page, src: string) =>
  page.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.src = src;
    document.body.append(frame);
  }, src);

/** Chromium's address for a frame whose document it refused to show (e.g. framing not allowed). */
const BLOCKED = (url: string) => url.startsWith("chrome-error:");

describe("framing, for silent renewal in a hidden iframe (prompt=none)", () => {
  /** An authorization request from the page's client, answered at silent.html, without any page. */
  const silentRequest = (page: Page) =>
    page.evaluate((redirectUri) => window.demoClient.authorizationUrl({ redirectUri, extraParams: { prompt: "none" } }), demo.spa.redirectUris.silent);

  /** The fragment that /authorize redirects the frame to silent.html with. */
  const answerOf = (page: Page) =>
    page.waitForResponse((r) => r.url().startsWith(demo.auth.authorizationEndpoint + "?")).then((r) => new URL(r.headers()["location"] ?? "", demo.spa.origin));

  it("completes a prompt=none sign-in in a hidden iframe of the SPA: /authorize answers inside it, at silent.html", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    const token = await accessToken(page);

    const answer = answerOf(page);
    await addHiddenFrame(page, await silentRequest(page));
    const frame = await childFrame(page, (url) => url.startsWith(demo.spa.redirectUris.silent) || BLOCKED(url));
    const { origin, pathname, hash } = await answer;
    expect(origin + pathname).toBe(demo.spa.redirectUris.silent);
    expect(new URLSearchParams(hash.slice(1)).get("access_token")).toMatch(/^[\w-]{20,}$/);
    // The frame's address is clean again (the silent page took the response out), and the page
    // keeps its own token.
    await eventually(() => Promise.resolve(frame.url())).toBe(demo.spa.redirectUris.silent);
    expect(await accessToken(page)).toBe(token);
  });

  it("answers login_required inside the iframe when there is no session at the authorization server", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages["script-tag"]);
    const answer = answerOf(page);
    await addHiddenFrame(page, await silentRequest(page));
    const frame = await childFrame(page, (url) => url.startsWith(demo.spa.redirectUris.silent) || BLOCKED(url));
    expect(new URLSearchParams((await answer).hash.slice(1)).get("error")).toBe("login_required");
    await eventually(() => Promise.resolve(frame.url())).toBe(demo.spa.redirectUris.silent);
  });

  it("keeps the login page out of frames, even the SPA's", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    const interactive = await page.evaluate(() => window.demoClient.authorizationUrl());
    await addHiddenFrame(page, interactive);
    await childFrame(page, BLOCKED);
  });

  // Chromium checks frame-ancestors on the final response only, not on the /authorize redirect
  // (whose header test/integration checks): what stops the frame here is silent.html's own
  // frame-ancestors 'self'.
  it("lets no other origin get the authorization server's answer in a frame", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    const url = await silentRequest(page);
    await page.goto(demo.thirdParty.origin + "/echo");
    await addHiddenFrame(page, url);
    await childFrame(page, BLOCKED);
  });
});

describe("the README's screenshot", () => {
  // docs/demo-signed-in.png shows what `npm run demo` shows: the default ports, a fresh token
  // (the page's clock is stopped, so the countdown reads 1:30). Every run rewrites it, and the
  // file changes only when the page itself does.
  let docsDemo: Demo | undefined;
  let portsTaken = "";
  beforeAll(async () => {
    try {
      docsDemo = await startDemo({ ports: DEFAULT_PORTS });
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE") throw err;
      portsTaken = (err as Error).message;
    }
  });
  afterAll(async () => {
    await docsDemo?.close();
  });

  it("shows the script-tag page signed in, after Get profile", async ({ skip }) => {
    if (!docsDemo) return skip(`${DOCS_SCREENSHOT} not refreshed: ${portsTaken} (is \`npm run demo\` running?)`);
    const page = await newPage();
    await page.clock.setFixedTime(new Date("2026-01-01T12:00:00Z"));
    await open(page, docsDemo.spa.pages["script-tag"]);
    await signIn(page, { servers: docsDemo });
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => textOf(page.locator("#result"))).toBe("Profile: OK.");
    await eventually(() => textOf(page.locator("#output"))).toContain(DEMO_USER.name);
    expect(await countdown(page)).toBe(90);
    // No focus ring or hover state from the click.
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    const png = await page.screenshot({ fullPage: true });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await writeFile(`${SCREENSHOT_DIR}/demo-signed-in-docs.png`, png);
    const current = await readFile(DOCS_SCREENSHOT).catch(() => undefined);
    if (!current?.equals(png)) await writeFile(DOCS_SCREENSHOT, png);
  });
});
