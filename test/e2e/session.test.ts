// Life after the redirect, in Chromium against the demo's real authorization server and the built
// SDK (dist/): restore() after a reload (a hidden frame with prompt=none, no login page), login in
// a popup, prompt=none without a session, several tabs (logout everywhere, shared tokens), and
// autoRenew (before expiry, and after a 401 invalid_token).
import type { BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

/** What the demo pages expose: their client, and (script-tag page) the SDK's global. */
type DemoWindow = Window & {
  demoClient: Client;
  Implicitly: typeof import("../../src/script-tag");
};

// With Chromium's popup blocker on (as for people), so that the popups these tests open pass only
// because they open within the click.
const env = useDemoBrowser({ launch: { ignoreDefaultArgs: ["--disable-popup-blocking"] } });
const { apiAuthorization, newContext } = env;
let demo: Demo;
beforeAll(() => void ({ demo } = env));

/** A tab of `context` (a fresh profile when none is given). */
async function newPage(context?: BrowserContext): Promise<Page> {
  return (context ?? (await newContext())).newPage();
}

/** Opens a demo page and waits until its start-up (restore()) is done. */
async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
}

/** At the authorization server's pages (in the tab or in the popup): log in if asked, then Allow. */
async function logInAndAllow(page: Page) {
  await page.waitForURL((url) => url.origin === demo.auth.origin);
  if (await page.getByLabel("Username").isVisible()) {
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.getByRole("button", { name: "Allow", exact: true }).click();
}

/** From a demo page: Sign in with a redirect, log in, Allow, and back. */
async function signIn(page: Page) {
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await logInAndAllow(page);
  await page.waitForURL((url) => url.origin === demo.spa.origin);
  await page.locator("body[data-ready]").waitFor();
}

const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);
const statusOf = async (page: Page) => ((await page.getByRole("status").innerText()) ?? "").trim();
/** The outcome of the last API button, shown next to the buttons. */
const resultOf = async (page: Page) => ((await page.locator("#result").innerText()) ?? "").trim();
/** Retries `read` until the assertion chained on it passes. */
const eventually = <T>(read: () => Promise<T>, timeout = 5000) => expect.poll(read, { timeout, interval: 50 });

/** The authorization requests `page` makes (its frames and navigations included), from now on. */
function authorizationRequests(page: Page): URL[] {
  const seen: URL[] = [];
  page.on("request", (request: Request) => {
    if (request.url().startsWith(demo.auth.authorizationEndpoint + "?")) seen.push(new URL(request.url()));
  });
  return seen;
}

/** Everything script-visible in the page that could keep a token. */
const storageOf = (page: Page) =>
  page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie, window.name]));

describe("restore() at start-up", () => {
  it.each(["script-tag", "esm"] as const)("after a sign-in, a reload gets a new token in a hidden frame, with no login page (%s page)", async (key) => {
    const url = demo.spa.pages[key];
    const page = await newPage();
    await open(page, url);
    await signIn(page);
    const first = await accessToken(page);
    expect(first).not.toBeNull();

    const requests = authorizationRequests(page);
    const topLevel: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && topLevel.push(frame.url()));
    await page.reload();
    await page.locator("body[data-ready]").waitFor();

    await eventually(() => statusOf(page)).toBe("Signed in without a login page. Granted scope: profile.");
    const second = await accessToken(page);
    expect(second).toMatch(/^[\w-]{20,}$/);
    expect(second).not.toBe(first);
    // One silent request, in a frame, never in the tab: the tab only ever showed the app.
    expect(requests).toHaveLength(1);
    expect(requests[0]!.searchParams.get("prompt")).toBe("none");
    expect(requests[0]!.searchParams.get("redirect_uri")).toBe(demo.spa.redirectUris.silent);
    expect(requests[0]!.searchParams.get("state")).toMatch(/^f\./);
    expect(topLevel).toEqual([url]);
    expect(page.url()).toBe(url);
    // The frame is gone, and the token went to no storage.
    await eventually(() => Promise.resolve(page.frames().length)).toBe(1);
    expect(await page.locator("iframe").count()).toBe(0);
    expect(await storageOf(page)).not.toContain(second!);

    // The new token works at the API.
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    expect(apiAuthorization).toContain("Bearer " + second);
  });

  it("without a session at the authorization server: prompt=none answers login_required, and the app shows Sign in, with no error", async () => {
    const page = await newPage();
    const requests = authorizationRequests(page);
    await open(page, demo.spa.pages["script-tag"]);
    await eventually(() => statusOf(page)).toBe("Signed out.");
    expect(await page.getByRole("alert").isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    expect(requests.map((u) => u.searchParams.get("prompt"))).toEqual(["none"]);
    expect(page.frames()).toHaveLength(1);

    // renew() itself rejects with the server's code.
    const outcome = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).then(
        () => "resolved",
        (e: { name: string; code: string }) => `${e.name}: ${e.code}`,
      );
    });
    expect(outcome).toBe("AuthError: login_required");
    // Removed right after the promise settled.
    await eventually(() => page.locator("iframe").count()).toBe(0);
    expect(await accessToken(page)).toBeNull();
  });
});

describe("loginWithPopup()", () => {
  it("signs in in a popup; the page itself never navigates, and the popup closes", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    const topLevel: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && topLevel.push(frame.url()));

    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Sign in with a popup" }).click();
    const popup = await popupOpened;
    await logInAndAllow(popup);
    // The popup comes back to the app's redirect URI, hands the answer over, and is closed.
    await popup.waitForEvent("close");

    await eventually(() => statusOf(page)).toBe("Signed in with a popup. Granted scope: profile.");
    const token = await accessToken(page);
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect(topLevel).toEqual([]);
    expect(page.url()).toBe(demo.spa.pages.esm);
    expect(await storageOf(page)).not.toContain(token!);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
  });

  it("rejects popup_closed when the user closes the popup", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages["script-tag"]);
    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Sign in with a popup" }).click();
    const popup = await popupOpened;
    await popup.waitForURL((url) => url.origin === demo.auth.origin);
    // As a person does: once the page shows (the app has seen the popup on the server's page,
    // which tells a closed popup from one whose link Cross-Origin-Opener-Policy cut).
    await popup.getByLabel("Username").waitFor();
    await popup.waitForTimeout(1000);
    await popup.close();
    await eventually(() => page.locator("#error-code").innerText()).toBe("popup_closed");
    expect(await statusOf(page)).toBe("The sign-in did not complete.");
    expect(await accessToken(page)).toBeNull();
  });

  it("rejects popup_blocked when the page asks outside a click, leaving no pending login", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages["script-tag"]);
    const before = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    // Without a click to allow it, Chromium blocks the popup. (Playwright evaluates with a user
    // gesture, so a first window.open uses that up.)
    const outcome = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      window.open("about:blank", "", "popup")?.close();
      return Implicitly.loginWithPopup(demoClient).then(
        () => "resolved",
        (e: { code: string }) => e.code,
      );
    });
    expect(outcome).toBe("popup_blocked");
    expect(await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)))).toBe(before);
  });
});

describe("several tabs", () => {
  it("a new tab takes the open tab's token (shareTokens); a logout in either tab logs out the other", async () => {
    const context = await newContext();
    const first = await newPage(context);
    await open(first, demo.spa.pages["script-tag"]);
    await signIn(first);
    const token = await accessToken(first);

    const second = await newPage(context);
    const requests = authorizationRequests(second);
    await open(second, demo.spa.pages.esm);
    await eventually(() => statusOf(second)).toBe("Signed in without a login page. Granted scope: profile.");
    // From the other tab, in memory: the same token, and no authorization request at all.
    expect(await accessToken(second)).toBe(token);
    expect(requests).toEqual([]);
    expect(await storageOf(second)).not.toContain(token!);

    // Something of the user on the first tab's screen, to be cleared by the sign-out.
    await first.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(first)).toBe("Profile: OK.");
    expect(await first.locator("#user").innerText()).toBe(`${DEMO_USER.name} (from the API's profile)`);

    await second.getByRole("button", { name: "Sign out" }).click();
    await eventually(() => accessToken(first)).toBeNull();
    await eventually(() => statusOf(first)).toBe("Signed out.");
    // No stale message, result or profile of the previous user.
    expect(await first.locator("#result").innerText()).toBe("");
    expect(await first.locator("#output").isHidden()).toBe(true);
    expect(await first.locator("#user").innerText()).toBe("");
    await eventually(() => first.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    // The second tab went to end the session at the authorization server, and is back.
    await eventually(() => statusOf(second)).toMatch(/^Signed out, here and at the authorization server\./);
    expect(await accessToken(second)).toBeNull();

    // Signed in again in the second tab (a popup this time), out in the first: both out.
    const popupOpened = second.waitForEvent("popup");
    await second.getByRole("button", { name: "Sign in with a popup" }).click();
    await logInAndAllow(await popupOpened);
    await eventually(() => accessToken(second)).not.toBeNull();
    await first.evaluate(() => (window as unknown as DemoWindow).demoClient.logout());
    await eventually(() => accessToken(second)).toBeNull();
    await eventually(() => statusOf(second)).toBe("Signed out.");
  });
});

describe("several tabs, with Web Locks", () => {
  /** The `implicitly-tabs:` locks held on the page's origin, as the page sees them. */
  const tokenLocks = (page: Page) =>
    page.evaluate(async () =>
      ((await navigator.locks.query()).held ?? []).filter((l) => l.name?.startsWith("implicitly-tabs:")).map((l) => `${l.name} ${l.mode}`),
    );
  /** Starts recording, in `page`, the requests for a token that other tabs send. */
  const recordAsks = (page: Page, clientId: string) =>
    page.evaluate((name) => {
      const asks: unknown[] = ((window as unknown as { asks: unknown[] }).asks = []);
      new BroadcastChannel(name).onmessage = ({ data }) => data?.tabs === "ask" && asks.push(data.id);
    }, "implicitly-tabs:" + clientId);
  const asksSeen = (page: Page) => page.evaluate(() => (window as unknown as { asks: unknown[] }).asks.length);

  it("a new tab asks the others only when one holds a token (and the shared lock that says so)", async () => {
    const context = await newContext();
    const first = await newPage(context);
    await open(first, demo.spa.pages["script-tag"]);
    await eventually(() => statusOf(first)).toBe("Signed out.");
    expect(await tokenLocks(first)).toEqual([]);
    await recordAsks(first, demo.auth.clientId);

    // No tab holds a token: the new tab asks nobody and goes straight to prompt=none.
    const second = await newPage(context);
    await open(second, demo.spa.pages.esm);
    await eventually(() => statusOf(second)).toBe("Signed out.");
    expect(await asksSeen(first)).toBe(0);
    await second.close();

    // Signed in: the tab holds the lock, shared; a new tab asks, and takes its token.
    await signIn(first);
    await recordAsks(first, demo.auth.clientId);
    const token = await accessToken(first);
    await eventually(() => tokenLocks(first)).toEqual([`implicitly-tabs:${demo.auth.clientId} shared`]);
    const third = await newPage(context);
    const requests = authorizationRequests(third);
    await open(third, demo.spa.pages.esm);
    await eventually(() => accessToken(third)).toBe(token);
    expect(requests).toEqual([]);
    expect(await asksSeen(first)).toBe(1);
    // Both hold it now; a logout (in every tab) releases it.
    await eventually(() => tokenLocks(first)).toHaveLength(2);
    await third.getByRole("button", { name: "Sign out" }).click();
    await eventually(() => tokenLocks(first)).toEqual([]);
  });
});

describe("autoRenew()", () => {
  it("after a 401 invalid_token (token revoked), renews once and replays the call", async () => {
    const page = await newPage();
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    await page.getByLabel("Renew the token silently before it expires").check();
    const first = await accessToken(page);
    expect(demo.auth.revoke(first!)).toBe(true);

    const before = apiAuthorization.length;
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    const second = await accessToken(page);
    expect(second).not.toBe(first);
    expect(apiAuthorization.slice(before)).toEqual(["Bearer " + first, "Bearer " + second]);
  });

  describe("with short-lived tokens", () => {
    let shortLived: Demo;
    beforeAll(async () => {
      // 6 s lifetime: the pages take 1 s off for clock skew and warn 3 s before the end.
      shortLived = await startDemo({ tokenLifetime: 6 });
    });
    afterAll(async () => {
      await shortLived?.close();
    });

    it("renews before expiry, so the app stays signed in", async () => {
      const page = await newPage();
      await open(page, shortLived.spa.pages.esm);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((url) => url.origin === shortLived.auth.origin);
      await page.getByLabel("Username").fill(DEMO_USER.username);
      await page.getByLabel("Password").fill(DEMO_USER.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("button", { name: "Allow", exact: true }).click();
      await page.waitForURL((url) => url.origin === shortLived.spa.origin);
      await page.locator("body[data-ready]").waitFor();
      await page.getByLabel("Renew the token silently before it expires").check();
      const seen = new Set([await accessToken(page)]);
      const expired = page.evaluate(
        () =>
          new Promise<boolean>((resolve) => {
            (window as unknown as DemoWindow).demoClient.on("expired", () => resolve(true));
            setTimeout(() => resolve(false), 9000);
          }),
      );
      // Three lifetimes' worth of renewals, and never expired.
      await expect.poll(async () => seen.add(await accessToken(page)).size, { timeout: 9000, interval: 200 }).toBeGreaterThanOrEqual(3);
      expect(await expired).toBe(false);
      expect(seen.has(null)).toBe(false);
      // The warning does not outlive the renewal that answered it.
      await eventually(() => statusOf(page)).toBe("Your token was renewed.");
    }, 20_000);
  });
});
