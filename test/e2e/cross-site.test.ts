// Cross-site, in Chromium with third-party cookies blocked (profile preference
// `profile.cookie_controls_mode` = 1): the demo app on 127.0.0.1, its OpenID provider
// (oidc-provider, code flow, DPoP) on localhost — two sites, as an app and its identity provider
// usually are. The provider's session cookie never reaches the hidden frame of a reload, so:
// - without persistence, a reload ends signed out, at once (the frame answers login_required);
// - with persistSession, a reload is signed in again with one refresh and no frame;
// - tabs refreshing at the same time send each refresh token once (the server would otherwise
//   see a reuse), and a sign-out in one tab leaves nothing in IndexedDB.
import type { BrowserContext, Page, Request } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../demo/demo.mjs";
import type { Client } from "../../src/index";
import { launchChromiumProfile } from "./chromium";
import { signInAtProvider, storedSessions } from "./demo-browser";

type DemoWindow = Window & { demoClient: Client; Implicitly: typeof import("../../src/index") };

const BLOCK_THIRD_PARTY_COOKIES = { profile: { cookie_controls_mode: 1 } };

let demo: Demo | undefined;
let context: BrowserContext | undefined;
const pageErrors: Error[] = [];
afterEach(async () => {
  await context?.close();
  await demo?.close();
  context = demo = undefined;
  expect(pageErrors.splice(0)).toEqual([]);
});

/** The demo, cross-site (provider on localhost), and a Chromium profile blocking third-party cookies. */
const start = async (persist: boolean) => {
  demo = await startDemo({ provider: "oidc", flow: "code", dpop: true, persist, authHost: "localhost" });
  context = await launchChromiumProfile(BLOCK_THIRD_PARTY_COOKIES);
  context.on("page", (page) => page.on("pageerror", (e) => pageErrors.push(e)));
  const oidc = demo.oidc!;
  expect(new URL(oidc.issuer).hostname).toBe("localhost");
  expect(new URL(demo.spa.origin).hostname).toBe("127.0.0.1");
  return { demo, context, oidc };
};

/** What a page asks of the provider from now on: authorization requests (frames too) and token grants. */
const watch = (page: Page, oidc: NonNullable<Demo["oidc"]>) => {
  const seen = { authorizations: [] as URL[], grants: [] as URLSearchParams[] };
  page.on("request", (r: Request) => {
    if (r.url().startsWith(oidc.authorizationEndpoint + "?")) seen.authorizations.push(new URL(r.url()));
    if (r.url() === oidc.tokenEndpoint && r.method() === "POST") seen.grants.push(new URLSearchParams(r.postData() ?? ""));
  });
  return seen;
};

const open = async (page: Page, url: string) => {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
};
const statusOf = async (page: Page) => (await page.getByRole("status").innerText()).trim();
const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);

const signIn = async (page: Page, d: Demo, issuer: string) => {
  await open(page, d.spa.pages["script-tag"]);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await signInAtProvider(page, issuer, d.spa.origin);
  await expect.poll(() => accessToken(page)).not.toBeNull();
};

describe("cross-site, third-party cookies blocked", () => {
  it("without persistence, a reload ends signed out at once: the frame has no session cookie (login_required)", async () => {
    const { demo: d, context: c, oidc } = await start(false);
    const page = await c.newPage();
    await signIn(page, d, oidc.issuer);
    const seen = watch(page, oidc);
    const silentAnswers: URL[] = [];
    page.on("request", (r) => r.url().startsWith(d.spa.redirectUris.silent!) && silentAnswers.push(new URL(r.url())));
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    expect(await statusOf(page)).toBe("Signed out.");
    expect(await accessToken(page)).toBeNull();
    // One frame, answered by the provider at once (not a timeout): no session without its cookie.
    expect(seen.authorizations.map((u) => u.searchParams.get("prompt"))).toEqual(["none"]);
    expect(silentAnswers.map((u) => u.searchParams.get("error"))).toEqual(["login_required"]);
    expect(seen.grants).toEqual([]);
    expect(await storedSessions(page)).toEqual([]);
  });

  it("with persistSession, a reload is signed in with one refresh and no frame; only the refresh token and its non-extractable key are stored", async () => {
    const { demo: d, context: c, oidc } = await start(true);
    const page = await c.newPage();
    await signIn(page, d, oidc.issuer);
    await expect.poll(() => storedSessions(page)).toEqual([{ members: ["key", "refreshToken", "scope"], extractable: false }]);
    const before = await accessToken(page);
    const seen = watch(page, oidc);
    await page.reload();
    await page.locator("body[data-ready]").waitFor();
    expect(await statusOf(page)).toMatch(/^Signed in without a login page\./);
    expect(seen.authorizations).toEqual([]);
    expect(seen.grants.map((g) => g.get("grant_type"))).toEqual(["refresh_token"]);
    const after = await accessToken(page);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    // The new token is DPoP-bound, and the API takes it.
    await page.getByRole("button", { name: "Get profile" }).click();
    await expect.poll(() => page.locator("#result").innerText()).toBe("Profile: OK.");
  });

  it("two tabs refreshing at once send each refresh token once, and both end signed in", async () => {
    const { demo: d, context: c, oidc } = await start(true);
    const first = await c.newPage();
    await signIn(first, d, oidc.issuer);
    const second = await c.newPage();
    await open(second, d.spa.pages["script-tag"]);
    // A slow token endpoint, so that the two refreshes overlap for sure.
    await c.route(oidc.tokenEndpoint, async (route) => {
      if (route.request().method() === "POST") await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    const grants: URLSearchParams[] = [];
    for (const page of [first, second]) page.on("request", (r) => r.url() === oidc.tokenEndpoint && grants.push(new URLSearchParams(r.postData() ?? "")));
    const renewIn = (page: Page) =>
      page.evaluate(() => {
        const { demoClient, Implicitly } = window as unknown as DemoWindow;
        return Implicitly.renew(demoClient).then(
          (t) => t.accessToken,
          (e: { code: string }) => "failed: " + e.code,
        );
      });
    const tokens = await Promise.all([renewIn(first), renewIn(second)]);
    expect(tokens.filter((t) => t.startsWith("failed"))).toEqual([]);
    const sent = grants.map((g) => g.get("refresh_token"));
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(2);
    // The grant is still good (a reuse would have revoked it): a reload refreshes again.
    await first.reload();
    await first.locator("body[data-ready]").waitFor();
    expect(await accessToken(first)).not.toBeNull();
  });

  it("a sign-out in one tab leaves nothing in IndexedDB, and the other tab's reload stays signed out", async () => {
    const { demo: d, context: c, oidc } = await start(true);
    const first = await c.newPage();
    await signIn(first, d, oidc.issuer);
    const second = await c.newPage();
    await open(second, d.spa.pages["script-tag"]);
    expect(await accessToken(second)).not.toBeNull();
    await expect.poll(() => storedSessions(second)).toHaveLength(1);
    await first.evaluate(() => (window as unknown as DemoWindow).demoClient.logout());
    await expect.poll(() => storedSessions(second)).toEqual([]);
    const seen = watch(second, oidc);
    await second.reload();
    await second.locator("body[data-ready]").waitFor();
    expect(await accessToken(second)).toBeNull();
    expect(seen.grants).toEqual([]);
    expect(await storedSessions(second)).toEqual([]);
  });
});
