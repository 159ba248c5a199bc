// loginWithPopup against authorization server pages that send `Cross-Origin-Opener-Policy:
// same-origin` (the demo's openerPolicy quirk, as Microsoft's and Amazon Cognito's sign-in pages
// do), in Chromium: the popup loses its link to the app at the server's first page (window.opener
// is null there, and the app reads popup.closed as true), yet the sign-in completes through the
// same-origin BroadcastChannel; a popup the user really closes is still reported.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: Client };

const env = useDemoBrowser({ demo: { quirks: { openerPolicy: true } } });
let demo: Demo;
beforeAll(() => void ({ demo } = env));

const open = async (page: Page, url: string) => {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
};
const statusOf = async (page: Page) => (await page.getByRole("status").innerText()).trim();
const eventually = <T>(read: () => Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });

/** Clicks "Sign in with a popup"; returns the popup once it shows the server's (COOP) page. */
const openPopup = async (page: Page) => {
  const opened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Sign in with a popup" }).click();
  const popup = await opened;
  await popup.waitForURL((url) => url.origin === demo.auth.origin);
  await popup.getByLabel("Username").waitFor();
  return popup;
};

describe("loginWithPopup, the server's pages sending Cross-Origin-Opener-Policy: same-origin", () => {
  it("completes although the link is cut, however long the user takes", async () => {
    const page = await (await env.newContext()).newPage();
    await open(page, demo.spa.pages["script-tag"]);
    const popup = await openPopup(page);
    // The policy is in force: the page in the popup has no opener.
    expect(await popup.evaluate(() => window.opener === null)).toBe(true);
    // A user reading the page (longer than the 2.5 s after which a closed-looking popup used to be given up).
    await popup.waitForTimeout(4000);
    expect(await page.locator("#error").isHidden()).toBe(true);
    await popup.getByLabel("Username").fill(DEMO_USER.username);
    await popup.getByLabel("Password").fill(DEMO_USER.password);
    await popup.getByRole("button", { name: "Sign in", exact: true }).click();
    await popup.getByRole("button", { name: "Allow", exact: true }).click();
    await popup.waitForEvent("close");
    await eventually(() => statusOf(page)).toBe("Signed in with a popup. Granted scope: profile.");
    expect(await page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken)).toMatch(/^[\w-]{20,}$/);
  });

  it("reports popup_closed when the user closes the popup and the app's window has the focus again", async () => {
    const page = await (await env.newContext()).newPage();
    await open(page, demo.spa.pages["script-tag"]);
    const popup = await openPopup(page);
    await popup.close();
    // What the browser does when a popup closes: the window that opened it is focused again.
    // (Headless Chromium keeps every page focused and sends no focus event of its own.)
    await page.evaluate(() => dispatchEvent(new FocusEvent("focus")));
    await eventually(() => page.locator("#error-code").innerText(), 5000).toBe("popup_closed");
    expect(await statusOf(page)).toBe("The sign-in did not complete.");
  });
});
