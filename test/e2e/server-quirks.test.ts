// The demo in Chromium with its servers behaving like servers people run (see docs/servers.md):
// a login page instead of a prompt=none answer, which refuses to be framed (silent renewal fails
// fast instead of waiting for silentTimeout); errors in the query; a WWW-Authenticate that CORS
// does not expose. The built SDK (dist/) on the demo pages.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: Client; Implicitly: typeof import("../../src/script-tag") };

// This file's demo: prompt=none that needs the user gets the login or consent page.
const env = useDemoBrowser({ demo: { quirks: { interactivePromptNone: true } } });
const { newContext } = env;
let demo: Demo;
beforeAll(() => void ({ demo } = env));

const statusOf = async (page: Page) => ((await page.getByRole("status").innerText()) ?? "").trim();
const eventually = <T>(read: () => Promise<T>, timeout = 5000) => expect.poll(read, { timeout, interval: 50 });
const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);

/** Opens a demo page and waits until its start-up (restore()) is done. */
async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor({ timeout: 20_000 });
}

/** From a demo page: Sign in with a redirect, log in, Allow or Deny, and back. */
async function signIn(page: Page, d: Demo, allow = true) {
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === d.auth.origin);
  await page.getByLabel("Username").fill(DEMO_USER.username);
  await page.getByLabel("Password").fill(DEMO_USER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: allow ? "Allow" : "Deny", exact: true }).click();
  await page.waitForURL((url) => url.origin === d.spa.origin);
  await page.locator("body[data-ready]").waitFor();
}

/** `renew(demoClient)` in the page: "resolved", or the AuthError's code. */
const renewIn = (page: Page) =>
  page.evaluate(() => {
    const { demoClient, Implicitly } = window as unknown as DemoWindow;
    return Implicitly.renew(demoClient).then(
      () => "resolved",
      (e: { code: string }) => e.code,
    );
  });

describe("a login page instead of a prompt=none answer (interactivePromptNone)", () => {
  it("restore() rejects page_in_frame without waiting for silentTimeout: the frame loaded a page that refused framing", async () => {
    const page = await (await newContext()).newPage();
    const answers: number[] = [];
    page.on("response", (r) => r.url().startsWith(demo.auth.authorizationEndpoint + "?") && answers.push(r.status()));
    await open(page, demo.spa.pages["script-tag"]);
    // Not "signed out": a server that shows a page to prompt=none needs the developer's attention.
    await eventually(() => statusOf(page)).toBe("The sign-in did not complete.");
    expect(await page.locator("#error-code").innerText()).toBe("page_in_frame:");
    expect(await page.locator("#error-description").innerText()).toBe(demo.spa.redirectUris.silent);
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
    // The server answered prompt=none with its login page, not with a redirect.
    expect(answers).toEqual([200]);
    expect(await page.locator("iframe").count()).toBe(0);

    // renew() itself says why: page_in_frame, not timeout (which would take 10 s).
    expect(await renewIn(page)).toBe("page_in_frame");
    expect(await page.locator("iframe").count()).toBe(0);
    expect(await accessToken(page)).toBeNull();
  });

  it("with a session and the scope allowed, silent renewal still gets a token in the frame", async () => {
    const page = await (await newContext()).newPage();
    await open(page, demo.spa.pages["script-tag"]);
    await signIn(page, demo);
    const first = await accessToken(page);
    expect(await renewIn(page)).toBe("resolved");
    const second = await accessToken(page);
    expect(second).toMatch(/^[\w-]{20,}$/);
    expect(second).not.toBe(first);
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => statusOf(page)).toBe("Signed in without a login page. Granted scope: profile.");
  });
});

describe("errors in the query (queryErrors)", () => {
  let queried: Demo;
  beforeAll(async () => {
    queried = await startDemo({ quirks: { queryErrors: true } });
  });
  afterAll(async () => {
    await queried?.close();
  });

  it("Deny shows access_denied, and the error leaves the address bar", async () => {
    const page = await (await newContext()).newPage();
    await open(page, queried.spa.pages["script-tag"]);
    const landed: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && landed.push(frame.url()));
    await signIn(page, queried, false);
    expect(landed.some((url) => /\?error=access_denied&state=/.test(url))).toBe(true);
    await eventually(() => page.locator("#error-code").innerText()).toBe("access_denied");
    expect(page.url()).toBe(queried.spa.pages["script-tag"]);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("prompt=none without a session: the frame's ?error=login_required is handed over, renew() rejects login_required", async () => {
    const page = await (await newContext()).newPage();
    await open(page, queried.spa.pages["script-tag"]);
    await eventually(() => statusOf(page)).toBe("Signed out.");
    expect(await page.getByRole("alert").isHidden()).toBe(true);
    expect(await renewIn(page)).toBe("login_required");
    expect(await page.locator("iframe").count()).toBe(0);
  });
});

describe("a WWW-Authenticate that CORS hides (hiddenChallenges)", () => {
  let hidden: Demo;
  beforeAll(async () => {
    hidden = await startDemo({ quirks: { hiddenChallenges: true } });
  });
  afterAll(async () => {
    await hidden?.close();
  });

  it("a 401 to a request with the token drops it, and unauthorized comes with challenge null", async () => {
    const page = await (await newContext()).newPage();
    await open(page, hidden.spa.pages.esm);
    await signIn(page, hidden);
    const token = await accessToken(page);
    expect(hidden.auth.revoke(token!)).toBe(true);
    const outcome = await page.evaluate(async (url) => {
      const { demoClient } = window as unknown as DemoWindow;
      const events: string[] = [];
      demoClient.on("expired", () => events.push("expired"));
      demoClient.on("unauthorized", ({ challenge }) => events.push("unauthorized " + JSON.stringify(challenge)));
      const response = await demoClient.fetch(url);
      // The page cannot read the header the API sent.
      return { status: response.status, header: response.headers.get("WWW-Authenticate"), events, token: demoClient.getToken() };
    }, hidden.api.origin + "/api/profile");
    expect(outcome).toEqual({ status: 401, header: null, events: ["expired", "unauthorized null"], token: null });
  });
});
