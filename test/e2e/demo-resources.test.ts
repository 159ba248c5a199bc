// The demo's resources mode in Chromium, as a person uses it (resources.html): one sign-in at
// oidc-provider with resource indicators, then two APIs on their own origins, each called with a
// token of its own audience (the second from the hidden frame); a third API found from its 401
// (RFC 9728 metadata) that asks for a stronger sign-in (RFC 9470), which the page gets in a popup.
// What reached each API is recorded at the servers: API A's token never reaches API B.
import type { IncomingMessage } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../demo/demo.mjs";
import { ACR } from "../../demo/oidc-server.mjs";
import { launchChromium } from "./chromium";
import { signInAgainInPopup, signInAtProvider } from "./demo-browser";

let demo: Demo;
let browser: Browser;
/** Requests that reached the three APIs: which API (by origin), the path, and the Authorization header. */
const arrived: { at: string; path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  [demo, browser] = await Promise.all([
    startDemo({
      provider: "oidc",
      flow: "code",
      resources: true,
      onApiRequest: (req: IncomingMessage) =>
        void (req.method != "OPTIONS" && arrived.push({ at: "http://" + req.headers.host, path: req.url ?? "", authorization: req.headers.authorization })),
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** The claims of a JWT access token (read here to check the servers' work, never on the page). */
const claimsOf = (authorization: string | undefined) =>
  JSON.parse(Buffer.from(authorization!.replace(/^Bearer /, "").split(".")[1], "base64url").toString("utf8"));

/** The cells of the page's token table: API → [hash, audience, scope, acr]. */
const table = async (page: Page) =>
  Object.fromEntries(
    await page
      .locator("#tokens tr")
      .evaluateAll((rows) => rows.map((row) => [(row as HTMLElement).dataset.api, [...row.children].slice(1).map((cell) => cell.textContent)])),
  );

describe("the resources page in Chromium", () => {
  it("signs in once, calls two APIs with a token each, discovers the third and steps up for it", { timeout: 20_000 }, async () => {
    const { profile, orders, payments } = demo.resourceApis!;
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    // A step that does not come fails the test with what it waited for, within the test's time.
    context.setDefaultTimeout(8000);
    const errors: Error[] = [];
    context.on("page", (p) => p.on("pageerror", (e) => errors.push(e)));
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(e));
      await page.goto(demo.spa.resourcesPage);
      await page.locator("body[data-ready]").waitFor();
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await signInAtProvider(page, demo.oidc!.issuer, demo.spa.origin);
      expect(await page.locator("#status").textContent()).toMatch(/^Signed in/);

      // Two APIs, two tokens: each of its own audience, and the page shows which went where.
      await page.getByRole("button", { name: "Call the profile API" }).click();
      await page.locator('#tokens tr[data-api="profile"]').waitFor();
      await page.getByRole("button", { name: "Call the orders API" }).click();
      await page.locator('#tokens tr[data-api="orders"]').waitFor();
      const shown = await table(page);
      expect(shown.profile.slice(1)).toEqual([profile.origin + "/", "profile", ACR.password]);
      expect(shown.orders.slice(1)).toEqual([orders.origin + "/", "orders", ACR.password]);
      expect(shown.profile[0]).toMatch(/^[0-9a-f]{8}$/);
      expect(shown.profile[0]).not.toBe(shown.orders[0]);

      // What each API's one endpoint (`/`) received; the metadata is read without a token.
      const at = (origin: string) => arrived.filter((r) => r.at == origin && r.path == "/").map((r) => r.authorization);
      expect(at(profile.origin)).toHaveLength(1);
      expect(at(orders.origin)).toHaveLength(1);
      expect(claimsOf(at(profile.origin)[0])).toMatchObject({ aud: profile.origin + "/", scope: "profile" });
      expect(claimsOf(at(orders.origin)[0])).toMatchObject({ aud: orders.origin + "/", scope: "orders" });
      // A's token never at B.
      expect(at(orders.origin)).not.toContain(at(profile.origin)[0]);

      // The third API: refused without a token, discovered, then a token of its own, which is of
      // too weak a sign-in.
      await page.getByRole("button", { name: "Call the payments API" }).click();
      await page.locator("#status", { hasText: "asks for a stronger sign-in" }).waitFor();
      const log = await page.locator("#log").textContent();
      expect(log).toContain("apis.discover(): resource " + payments.origin + "/, authorization server " + demo.oidc!.issuer);
      expect(log).toContain("insufficient_user_authentication (acr_values=" + ACR.fresh + ")");
      expect(arrived.filter((r) => r.path != "/")).toEqual([{ at: payments.origin, path: "/.well-known/oauth-protected-resource", authorization: undefined }]);
      const toPayments = at(payments.origin);
      expect(toPayments[0]).toBeUndefined();
      expect(claimsOf(toPayments[1])).toMatchObject({ aud: payments.origin + "/", scope: "payments", acr: ACR.password });
      expect([...at(profile.origin), ...at(orders.origin)]).not.toContain(toPayments[1]);

      // Step-up: a popup at the same provider, asking for the stronger level; then the API answers.
      const [popup] = await Promise.all([context.waitForEvent("page"), page.getByRole("button", { name: "Sign in again, stronger" }).click()]);
      await popup.waitForURL((url) => url.origin === demo.oidc!.issuer);
      expect(new URL(popup.url()).pathname).not.toBe("/auth"); // at the login page: prompt=login
      await signInAgainInPopup(popup, demo.oidc!.issuer);
      await page.locator("#log li", { hasText: "loginWithPopup" }).waitFor();
      await page.getByRole("button", { name: "Call the payments API" }).click();
      await page.locator('#tokens tr[data-api="payments"]').waitFor();
      expect((await table(page)).payments.slice(1)).toEqual([payments.origin + "/", "payments", ACR.fresh]);
      const last = at(payments.origin).at(-1);
      expect(claimsOf(last)).toMatchObject({ aud: payments.origin + "/", acr: ACR.fresh });
      expect([...at(profile.origin), ...at(orders.origin)]).not.toContain(last);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
