// One sign-in, many tokens, across a reload (issue 25), in Chromium with third-party cookies
// blocked: the resources page (`--resources --dpop --persist`) on 127.0.0.1, its OpenID provider
// (oidc-provider: code flow, DPoP, resource indicators, refresh tokens rotated on every use, the
// grant revoked when a spent one comes back) on localhost. A token for another API after a reload
// comes from the stored session: one refresh with `resource`, no frame (which would have no
// session cookie here), each API only its own audience, and no refresh token ever sent twice.
// What is asserted is what the servers saw: the APIs' requests and the provider's grants.
import type { IncomingMessage } from "node:http";
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../demo/demo.mjs";
import { ACR } from "../../demo/oidc-server.mjs";
import { launchChromiumProfile } from "./chromium";
import { signInAgainInPopup, signInAtProvider, storedSessions } from "./demo-browser";

const BLOCK_THIRD_PARTY_COOKIES = { profile: { cookie_controls_mode: 1 } };

/** A request that reached one of the resource APIs' endpoint `/`. */
interface ApiRequest {
  at: string;
  authorization: string | undefined;
  proof: boolean;
}
/** A token request the provider answered, or refused (`error`). */
interface Grant {
  grantType: string;
  resource: string | undefined;
  refreshToken: string | undefined;
  error?: string;
}

let demo: Demo | undefined;
let context: BrowserContext | undefined;
const pageErrors: Error[] = [];
afterEach(async () => {
  await context?.close();
  await demo?.close();
  context = demo = undefined;
  expect(pageErrors.splice(0)).toEqual([]);
});

/** The demo (cross-site unless told) in its resources mode with DPoP and persistSession, and what its servers see. */
const start = async ({ crossSite = true } = {}) => {
  const arrived: ApiRequest[] = [];
  const onApiRequest = (req: IncomingMessage) => {
    if (req.method != "OPTIONS" && req.url == "/") {
      arrived.push({ at: "http://" + req.headers.host, authorization: req.headers.authorization, proof: typeof req.headers.dpop == "string" });
    }
  };
  demo = await startDemo({
    provider: "oidc",
    flow: "code",
    resources: true,
    dpop: true,
    persist: true,
    ...(crossSite && { authHost: "localhost" }),
    onApiRequest,
  });
  const d = demo;
  const oidc = d.oidc!;
  expect(new URL(oidc.issuer).hostname).toBe(crossSite ? "localhost" : "127.0.0.1");
  expect(new URL(d.spa.origin).hostname).toBe("127.0.0.1");
  // The provider's own record of each token request: what it was asked, and what it refused.
  const grants: Grant[] = [];
  type GrantContext = { oidc: { params: Record<string, string | undefined> } };
  const record = (ctx: GrantContext, error?: Error) => {
    const { grant_type, resource, refresh_token } = ctx.oidc.params;
    grants.push({ grantType: grant_type!, resource, refreshToken: refresh_token, ...(error && { error: error.message }) });
  };
  // (The package ships no types: its event emitter, as its docs describe it.)
  const provider = oidc.provider as unknown as { on(event: string, listener: (ctx: GrantContext, error?: Error) => void): void };
  provider.on("grant.success", (ctx) => record(ctx));
  provider.on("grant.error", (ctx, error) => record(ctx, error));
  context = await launchChromiumProfile(BLOCK_THIRD_PARTY_COOKIES);
  // A step that does not come fails the test with what it waited for, within the test's time.
  context.setDefaultTimeout(8000);
  context.on("page", (page) => page.on("pageerror", (e) => pageErrors.push(e)));
  // Every authorization request of every page and frame: a frame would show up here.
  const authorizations: URL[] = [];
  context.on("request", (r) => r.url().startsWith(oidc.authorizationEndpoint + "?") && authorizations.push(new URL(r.url())));
  return { d, c: context, oidc, arrived, grants, authorizations };
};

const ready = (page: Page) => page.locator("body[data-ready]").waitFor();
const status = async (page: Page) => (await page.getByRole("status").innerText()).trim();

/** The claims of a JWT access token from an Authorization header (read here, never on the page). */
const claimsOf = (authorization: string | undefined) => {
  const [scheme, token] = authorization!.split(" ");
  expect(scheme).toBe("DPoP");
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
};

/** Signs in on the resources page and calls the profile API (API A). */
const signInAndCallProfile = async (page: Page, d: Demo) => {
  await page.goto(d.spa.resourcesPage);
  await ready(page);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await signInAtProvider(page, d.oidc!.issuer, d.spa.origin);
  expect(await status(page)).toMatch(/^Signed in/);
  await page.getByRole("button", { name: "Call the profile API" }).click();
  await page.locator('#tokens tr[data-api="profile"]').waitFor();
  await expect.poll(() => storedSessions(page)).toEqual([{ members: ["key", "refreshToken", "scope"], extractable: false }]);
};

/** Every refresh token the provider was sent: none twice (a reuse revokes the grant). */
const sentOnce = (grants: Grant[]) => {
  const sent = grants.filter((g) => g.grantType == "refresh_token").map((g) => g.refreshToken);
  expect(sent.every((t) => typeof t == "string" && t.length > 0)).toBe(true);
  expect(new Set(sent).size).toBe(sent.length);
};

describe("resources with persistSession, cross-site, third-party cookies blocked", () => {
  it("after a reload, API B's token comes from the stored session: one refresh with its resource, no frame, its own audience", async () => {
    const { d, c, arrived, grants, authorizations } = await start();
    const { profile, orders } = d.resourceApis!;
    const page = await c.newPage();
    await signInAndCallProfile(page, d);
    // The first load's restore() found no stored session and tried the frame, which the provider
    // answered login_required (no cookie). Both name every API (nameAtSignIn: one grant for all),
    // and API A's token came from the refresh token with its resource.
    const both = [profile.origin + "/", orders.origin + "/"];
    expect(authorizations.map((u) => [u.searchParams.get("prompt"), u.searchParams.getAll("resource")])).toEqual([
      ["none", both],
      [null, both],
    ]);
    expect(grants.map((g) => [g.grantType, g.resource])).toEqual([
      ["authorization_code", undefined],
      ["refresh_token", profile.origin + "/"],
    ]);

    authorizations.length = 0;
    const before = grants.length;
    await page.reload();
    await ready(page);
    expect(await status(page)).toMatch(/^Signed in/);
    await page.getByRole("button", { name: "Call the orders API" }).click();
    await page.locator('#tokens tr[data-api="orders"]').waitFor();

    // After the reload: no frame (no authorization request at all, no frame on the page), the
    // client's own token refreshed (restore), then exactly one refresh with resource=orders.
    expect(authorizations).toEqual([]);
    expect(page.frames()).toHaveLength(1);
    const after = grants.slice(before);
    expect(after.map((g) => [g.grantType, g.resource])).toEqual([
      ["refresh_token", undefined],
      ["refresh_token", orders.origin + "/"],
    ]);
    expect(grants.filter((g) => g.error)).toEqual([]);
    sentOnce(grants);

    // Each API got only its own token, DPoP-bound (a proof with each request, cnf.jkt in the
    // token), both bound to the one stored key.
    const at = (origin: string) => arrived.filter((r) => r.at == origin);
    expect(at(profile.origin)).toHaveLength(1);
    expect(at(orders.origin)).toHaveLength(1);
    expect(arrived.every((r) => r.proof)).toBe(true);
    const [a, b] = [claimsOf(at(profile.origin)[0].authorization), claimsOf(at(orders.origin)[0].authorization)];
    expect(a).toMatchObject({ aud: profile.origin + "/", scope: "profile" });
    expect(b).toMatchObject({ aud: orders.origin + "/", scope: "orders" });
    expect(a.cnf.jkt).toMatch(/^[\w-]{43}$/);
    expect(b.cnf.jkt).toBe(a.cnf.jkt);
    expect(at(orders.origin)[0].authorization).not.toBe(at(profile.origin)[0].authorization);
    // And the page shows both, each of its own audience.
    const log = await page.locator("#log").innerText();
    expect(log).toContain("restore(client): signed in without a login page");
    expect(log).toMatch(new RegExp(`apis\\.fetch\\("${orders.origin}/"\\): 200, aud ${orders.origin}/, scope orders`));
  });

  it("a second tab restoring while the first gets API B's token: the refreshes take turns, each refresh token sent once, both tabs signed in", async () => {
    const { d, c, oidc, arrived, grants, authorizations } = await start();
    const { orders } = d.resourceApis!;
    const first = await c.newPage();
    await signInAndCallProfile(first, d);
    await first.reload();
    await ready(first);
    // A slow token endpoint, so that the second tab's refresh (its restore) and the first tab's
    // refresh for the orders API overlap for sure.
    await c.route(oidc.tokenEndpoint, async (route) => {
      if (route.request().method() === "POST") await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    authorizations.length = 0;
    const before = grants.length;
    const second = await c.newPage();
    await Promise.all([second.goto(d.spa.resourcesPage).then(() => ready(second)), first.getByRole("button", { name: "Call the orders API" }).click()]);
    await first.locator('#tokens tr[data-api="orders"]').waitFor();
    expect(await status(second)).toMatch(/^Signed in/);

    expect(authorizations).toEqual([]);
    const after = grants.slice(before);
    expect(after.map((g) => g.grantType)).toEqual(["refresh_token", "refresh_token"]);
    expect(after.filter((g) => g.resource == orders.origin + "/")).toHaveLength(1);
    expect(grants.filter((g) => g.error)).toEqual([]);
    sentOnce(grants);
    expect(claimsOf(arrived.filter((r) => r.at == orders.origin)[0].authorization)).toMatchObject({ aud: orders.origin + "/" });

    // The grant is still good (a reuse would have revoked it): the second tab gets the profile API's token.
    await second.getByRole("button", { name: "Call the profile API" }).click();
    await second.locator('#tokens tr[data-api="profile"]').waitFor();
    expect(grants.filter((g) => g.error)).toEqual([]);
    sentOnce(grants);
  });

  it("same site: the discovered API's token from the frame, its DPoP challenge asks for a stronger sign-in, and the step-up grants every API", async () => {
    const { d, c, arrived, grants, authorizations } = await start({ crossSite: false });
    const { profile, orders, payments } = d.resourceApis!;
    const page = await c.newPage();
    await signInAndCallProfile(page, d);
    // Unknown to the sign-in: discovered from its 401 (a DPoP challenge naming resource_metadata),
    // its refresh refused (its scope is not in the grant: invalid_scope, which keeps the grant),
    // its token from the frame with its resource.
    await page.getByRole("button", { name: "Call the payments API" }).click();
    await page.locator("#status", { hasText: "asks for a stronger sign-in" }).waitFor();
    const log = await page.locator("#log").innerText();
    expect(log).toContain("apis.discover(): resource " + payments.origin + "/");
    expect(log).toContain("insufficient_user_authentication (acr_values=" + ACR.fresh + ")");
    const toPayments = arrived.filter((r) => r.at == payments.origin);
    expect(toPayments[0]!.authorization).toBeUndefined();
    expect(claimsOf(toPayments[1]!.authorization)).toMatchObject({ aud: payments.origin + "/", acr: ACR.password, cnf: { jkt: expect.any(String) } });
    expect(authorizations.at(-1)!.searchParams.get("resource")).toBe(payments.origin + "/");
    expect(grants.filter((g) => g.error).map((g) => [g.resource, g.error])).toEqual([[payments.origin + "/", "invalid_scope"]]);

    // Step-up in a popup, naming every API, the discovered one too: its grant holds all three, so
    // the payments API's token (of the stronger sign-in) comes from the refresh token.
    const [popup] = await Promise.all([c.waitForEvent("page"), page.getByRole("button", { name: "Sign in again, stronger" }).click()]);
    await signInAgainInPopup(popup, d.oidc!.issuer);
    await page.locator("#log li", { hasText: "loginWithPopup" }).waitFor();
    expect(authorizations.at(-1)!.searchParams.getAll("resource")).toEqual([profile.origin + "/", orders.origin + "/", payments.origin + "/"]);
    const before = grants.length;
    await page.getByRole("button", { name: "Call the payments API" }).click();
    await page.locator('#tokens tr[data-api="payments"]').waitFor();
    expect(grants.slice(before).map((g) => [g.grantType, g.resource, g.error])).toEqual([["refresh_token", payments.origin + "/", undefined]]);
    const last = arrived.filter((r) => r.at == payments.origin).at(-1)!;
    expect(claimsOf(last.authorization)).toMatchObject({ aud: payments.origin + "/", acr: ACR.fresh });
    expect(arrived.filter((r) => r.at != payments.origin).map((r) => r.authorization)).not.toContain(last.authorization);
    expect(arrived.filter((r) => r.at == profile.origin || r.at == orders.origin)).toHaveLength(1);
    sentOnce(grants);
  });
});
