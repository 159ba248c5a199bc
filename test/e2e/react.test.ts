// The demo's React page (demo/react/main.jsx: implicitly/react from dist/, React's development
// build, in StrictMode) driven in Chromium against the demo's real authorization server and API:
// sign in by redirect and in a popup, a denial, a reload (restore), a logout here and in another tab.
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

type ReactWindow = Window & { demoClient: Client; handled: number };

// With Chromium's popup blocker on (as for people): the popup must open within the click.
const env = useDemoBrowser({ launch: { ignoreDefaultArgs: ["--disable-popup-blocking"] } });
let demo: Demo;
let page: () => string;

beforeAll(async () => {
  demo = env.demo;
  page = () => demo.spa.pages.react;
  // The page's script is bundled on first request: do it here, not in the first test's time.
  const script = await fetch(demo.spa.origin + "/react/app.js");
  expect(script.status).toBe(200);
}, 60_000);

/** A tab of `context` (a fresh profile when none is given) that counts the client's handleRedirect() calls. */
async function newPage(context?: BrowserContext): Promise<Page> {
  const ctx = context ?? (await env.newContext());
  await ctx.addInitScript(() => {
    // The page sets window.demoClient before React renders: wrap its handleRedirect() then.
    const w = window as unknown as ReactWindow;
    let client: Client | undefined;
    w.handled = 0;
    Object.defineProperty(window, "demoClient", {
      configurable: true,
      get: () => client,
      set(value: Client) {
        const handle = value.handleRedirect;
        value.handleRedirect = (url?: string) => {
          w.handled++;
          return handle(url);
        };
        client = value;
      },
    });
  });
  return ctx.newPage();
}

async function open(tab: Page, url = page()) {
  await tab.goto(url);
  await tab.locator("body[data-ready]").waitFor();
}

/** At the authorization server's pages (in the tab or a popup): log in if asked, then Allow or Deny. */
async function atServer(tab: Page, allow = true) {
  await tab.waitForURL((url) => url.origin === demo.auth.origin);
  if (await tab.getByLabel("Username").isVisible()) {
    await tab.getByLabel("Username").fill(DEMO_USER.username);
    await tab.getByLabel("Password").fill(DEMO_USER.password);
    await tab.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await tab.getByRole("button", { name: allow ? "Allow" : "Deny", exact: true }).click();
}

async function signIn(tab: Page, allow = true) {
  await tab.getByRole("button", { name: "Sign in", exact: true }).click();
  await atServer(tab, allow);
  await tab.waitForURL((url) => url.origin === demo.spa.origin);
  await tab.locator("body[data-ready]").waitFor();
}

const statusOf = (tab: Page) => tab.getByRole("status").innerText();
const profileOf = (tab: Page) => tab.locator("#profile").innerText();
const eventually = <T>(read: () => Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });
const handled = (tab: Page) => tab.evaluate(() => (window as unknown as ReactWindow).handled);

describe("the React page", () => {
  it("signs in by redirect in StrictMode: the callback handled once, the profile from the API, no token in the URL", async () => {
    const tab = await newPage();
    await open(tab);
    expect(await statusOf(tab)).toBe("Signed out");
    expect(await tab.getByText("Sign in to see your profile.").isVisible()).toBe(true);
    await signIn(tab);
    await eventually(() => statusOf(tab)).toBe("Signed in · scope profile");
    // StrictMode ran the provider's effect twice; the start-up (restore → handleRedirect) ran once.
    expect(await handled(tab)).toBe(1);
    expect(await tab.getByRole("alert").count()).toBe(0);
    expect(tab.url()).toBe(page());
    await eventually(() => profileOf(tab)).toContain(DEMO_USER.name);
    expect(env.apiAuthorization.at(-1)).toMatch(/^Bearer [\w-]{20,}$/);
  });

  it("shows the server's AuthError when the user denies", async () => {
    const tab = await newPage();
    await open(tab);
    await signIn(tab, false);
    await eventually(() => statusOf(tab)).toBe("Sign-in failed");
    expect(await tab.getByRole("alert").innerText()).toMatch(/^access_denied/);
    expect(await handled(tab)).toBe(1);
    expect(await tab.locator("#profile").count()).toBe(0);
  });

  it("signs in in a popup; the popup's redirect page is the React page, which only hands the answer over", async () => {
    const tab = await newPage();
    await open(tab);
    const popupOpened = tab.waitForEvent("popup");
    await tab.getByRole("button", { name: "Sign in with a popup" }).click();
    const popup = await popupOpened;
    await atServer(popup);
    await popup.waitForEvent("close");
    await eventually(() => statusOf(tab)).toBe("Signed in · scope profile");
    await eventually(() => profileOf(tab)).toContain(DEMO_USER.name);
    expect(tab.url()).toBe(page());
  });

  it("a second tab signs in silently (restore, no login page); a logout in one tab signs the other out", async () => {
    const context = await env.newContext();
    const tab = await newPage(context);
    await open(tab);
    await signIn(tab);
    await eventually(() => statusOf(tab)).toBe("Signed in · scope profile");
    // A second tab of the same profile: signed in silently (the server's session), no navigation.
    const other = await newPage(context);
    await open(other);
    await eventually(() => statusOf(other)).toBe("Signed in · scope profile");
    expect(other.url()).toBe(page());
    await eventually(() => profileOf(other)).toContain(DEMO_USER.name);
    await tab.getByRole("button", { name: "Log out" }).click();
    await eventually(() => statusOf(tab)).toBe("Signed out");
    // syncTabs (which restore started) carries the logout; the profile goes with the token.
    await eventually(() => statusOf(other)).toBe("Signed out");
    expect(await other.locator("#profile").count()).toBe(0);
    expect(await other.evaluate(() => (window as unknown as ReactWindow).demoClient.getToken())).toBeNull();
  });
});
