// The demo with `--flow code`, driven in Chromium against the built SDK (dist/) and the demo's real
// authorization server (oauth2orize's code grant with oauth2orize-pkce): sign-in with a code in the
// query exchanged at the token endpoint (CORS), the API call, a reload (restore(): a code in a
// hidden frame), autoRenew through refreshes with rotation, a refused refresh falling back to the
// frame, and sign-out.
import type { Page, Request } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: Client; Implicitly: typeof import("../../src/index") };

// Short tokens so that autoRenew's refreshes come within the test: 12 s, less 3 s of clock skew,
// "expiring" 6 s before the end.
const env = useDemoBrowser({ demo: { flow: "code", tokenLifetime: 12 } });
const { apiAuthorization } = env;
let demo: Demo;
beforeAll(() => void ({ demo } = env));

const eventually = <T>(read: () => Promise<T>, timeout = 5000) => expect.poll(read, { timeout, interval: 50 });
const statusOf = async (page: Page) => (await page.getByRole("status").innerText()).trim();
const resultOf = async (page: Page) => (await page.locator("#result").innerText()).trim();
const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);

/** The token endpoint requests of `page`, their forms, and the authorization requests (frames included). */
function watch(page: Page) {
  const token: URLSearchParams[] = [];
  const authorize: URL[] = [];
  page.on("request", (request: Request) => {
    if (request.url() === demo.auth.tokenEndpoint && request.method() === "POST") token.push(new URLSearchParams(request.postData() ?? ""));
    if (request.url().startsWith(demo.auth.authorizationEndpoint + "?")) authorize.push(new URL(request.url()));
  });
  return { token, authorize, grants: () => token.map((f) => f.get("grant_type")) };
}

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
}

async function signIn(page: Page) {
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.origin === demo.auth.origin);
  if (await page.getByLabel("Username").isVisible()) {
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.getByRole("button", { name: "Allow", exact: true }).click();
  await page.waitForURL((url) => url.origin === demo.spa.origin);
  await page.locator("body[data-ready]").waitFor();
}

describe.each(["script-tag", "esm"] as const)("--flow code, %s page", (key) => {
  it("signs in with a code exchanged at the token endpoint, cleans the URL, calls the API, and restores after a reload", async () => {
    const page = await (await env.newContext()).newPage();
    const seen = watch(page);
    await open(page, demo.spa.pages[key]);
    await signIn(page);
    await eventually(() => statusOf(page)).toBe("Signed in. Granted scope: profile.");
    const sent = seen.authorize.find((u) => u.searchParams.get("prompt") !== "none")!;
    expect(sent.searchParams.get("response_type")).toBe("code");
    expect(sent.searchParams.get("code_challenge_method")).toBe("S256");
    expect(seen.grants()).toContain("authorization_code");
    // The code and state are gone from the address bar and the history entry.
    expect(page.url()).toBe(demo.spa.pages[key]);
    const first = await accessToken(page);
    expect(first).toMatch(/^[\w-]{20,}$/);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    expect(apiAuthorization).toContain("Bearer " + first);
    // Nothing script-visible keeps a token.
    const kept = await page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie]));
    expect(kept).not.toContain(first!);

    // A reload: the refresh token was in memory only, so restore() gets a code in the hidden frame.
    const before = seen.token.length;
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    await eventually(() => statusOf(page)).toBe("Signed in without a login page. Granted scope: profile.");
    const silent = seen.authorize.at(-1)!;
    expect(silent.searchParams.get("prompt")).toBe("none");
    expect(silent.searchParams.get("redirect_uri")).toBe(demo.spa.redirectUris.silent);
    expect(seen.token.slice(before).map((f) => [f.get("grant_type"), f.get("redirect_uri")])).toEqual([["authorization_code", demo.spa.redirectUris.silent]]);
    expect(await page.locator("iframe").count()).toBe(0);
    const second = await accessToken(page);
    expect(second).not.toBe(first);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
  });
});

describe("--flow code: refresh tokens", () => {
  it("autoRenew refreshes before expiry, twice, each time with the rotated refresh token and no frame", async () => {
    const page = await (await env.newContext()).newPage();
    const seen = watch(page);
    await open(page, demo.spa.pages.esm);
    await signIn(page);
    const first = await accessToken(page);
    const frames = seen.authorize.length;
    await page.getByLabel("Renew the token silently before it expires").check();
    await eventually(() => Promise.resolve(seen.grants().filter((g) => g === "refresh_token").length), 20_000).toBeGreaterThanOrEqual(2);
    const refreshes = seen.token.filter((f) => f.get("grant_type") === "refresh_token").map((f) => f.get("refresh_token"));
    expect(new Set(refreshes).size).toBe(refreshes.length);
    expect(seen.authorize.length).toBe(frames);
    await eventually(() => accessToken(page)).not.toBe(first);
    expect(demo.auth.codeStats().reused).toBe(0);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
  }, 40_000);

  it("a refused refresh falls back to the hidden frame, which brings a new code and a new grant", async () => {
    const page = await (await env.newContext()).newPage();
    const seen = watch(page);
    await open(page, demo.spa.pages["script-tag"]);
    await signIn(page);
    const first = await accessToken(page);
    demo.auth.revokeRefreshTokens();
    const before = seen.token.length;
    const outcome = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).then(
        (t) => t.accessToken,
        (e: { code: string }) => "failed: " + e.code,
      );
    });
    expect(outcome).toMatch(/^[\w-]{20,}$/);
    expect(outcome).not.toBe(first);
    expect(seen.grants().slice(before)).toEqual(["refresh_token", "authorization_code"]);
    expect(seen.authorize.at(-1)!.searchParams.get("prompt")).toBe("none");
    expect(await page.locator("iframe").count()).toBe(0);
    // The new grant's refresh token works.
    const again = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).then((t) => t.accessToken);
    });
    expect(seen.grants().at(-1)).toBe("refresh_token");
    expect(again).not.toBe(outcome);
  });

  it("sign-out forgets the token and the refresh token: the next renewal uses the frame, not a refresh", async () => {
    const page = await (await env.newContext()).newPage();
    const seen = watch(page);
    await open(page, demo.spa.pages["script-tag"]);
    await signIn(page);
    expect(seen.grants()).toEqual(["authorization_code"]);
    await page.getByRole("button", { name: "Sign out" }).click();
    // The page goes to the server's end-session endpoint and comes back: the renewal below runs in
    // the page that came back (one that runs before that navigation is cut off with its page).
    await eventually(() => statusOf(page).catch(() => "")).toMatch(/^Signed out, here and at the authorization server/);
    expect(await accessToken(page)).toBeNull();
    const before = seen.token.length;
    const frames = seen.authorize.length;
    await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).catch(() => undefined);
    });
    expect(seen.grants().slice(before)).not.toContain("refresh_token");
    expect(seen.authorize.length).toBe(frames + 1);
  });
});
