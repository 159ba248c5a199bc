// The demo with `--provider oidc --flow code`, in Chromium against the built SDK (dist/): both pages
// sign in at the real OpenID provider (oidc-provider) with the code flow and PKCE, the code is
// exchanged at its token endpoint (CORS for the SPA's origin), the ID token of the token response
// is verified (the user's name shows), the API takes the token, and a refresh rotates the token.
import type { Page, Request } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "../../demo/demo.mjs";
import { OIDC_ACCOUNTS } from "../../demo/oidc-server.mjs";
import type { OidcClient } from "../../src/index";
import { signInAtProvider, useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: OidcClient; Implicitly: typeof import("../../src/index") };

const env = useDemoBrowser({ demo: { provider: "oidc", flow: "code" } });
const { apiAuthorization } = env;
let demo: Demo;
let oidc: NonNullable<Demo["oidc"]>;
beforeAll(() => {
  ({ demo } = env);
  oidc = demo.oidc!;
});

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000, interval: 50 });
const resultOf = async (page: Page) => (await page.locator("#result").innerText()).trim();
const accessToken = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.accessToken ?? null);

describe.each(["script-tag", "esm"] as const)("--provider oidc --flow code, %s page", (key) => {
  it("signs in with a code, verifies the ID token from the token endpoint, calls the API (and, on the script-tag page, refreshes with rotation)", async () => {
    const page = await (await env.newContext()).newPage();
    const grants: URLSearchParams[] = [];
    page.on("request", (r: Request) => r.url() === oidc.tokenEndpoint && r.method() === "POST" && grants.push(new URLSearchParams(r.postData() ?? "")));
    await page.goto(demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    const request = page.waitForRequest((r) => r.url().startsWith(oidc.authorizationEndpoint + "?"));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const sent = new URL((await request).url()).searchParams;
    expect(sent.get("response_type")).toBe("code");
    expect(sent.get("code_challenge_method")).toBe("S256");
    await signInAtProvider(page, oidc.issuer, demo.spa.origin);
    await eventually(() => page.locator("#user").innerText()).toContain(OIDC_ACCOUNTS.demo!.name);
    expect(page.url()).toBe(demo.spa.pages[key]);
    expect(grants.map((g) => g.get("grant_type"))).toEqual(["authorization_code"]);
    const first = await accessToken(page);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    expect(apiAuthorization).toContain("Bearer " + first);

    // A refresh (the script-tag page has the SDK's global to call renew() with).
    if (key !== "script-tag") return;
    const renewed = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).then(
        (t) => t.accessToken,
        (e: { code: string }) => "failed: " + e.code,
      );
    });
    expect(grants.at(-1)!.get("grant_type")).toBe("refresh_token");
    expect(renewed).not.toBe(first);
    expect(renewed).not.toMatch(/^failed/);
    await eventually(() => page.locator("#user").innerText()).toContain(OIDC_ACCOUNTS.demo!.name);
  });
});

describe("--provider oidc --flow code: a sign-out is never undone by a renewal in flight", () => {
  it("logout() while the refresh is on its way: the answer is dropped, no frame asks the provider (whose session would sign the user in again)", async () => {
    const page = await (await env.newContext()).newPage();
    await page.goto(demo.spa.pages["script-tag"]);
    await page.locator("body[data-ready]").waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await signInAtProvider(page, oidc.issuer, demo.spa.origin);
    await eventually(() => page.locator("#user").innerText()).toContain(OIDC_ACCOUNTS.demo!.name);
    const authorizeRequests: string[] = [];
    page.on("request", (r: Request) => r.url().startsWith(oidc.authorizationEndpoint + "?") && authorizeRequests.push(r.url()));
    const outcome = await page.evaluate(async () => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      const renewal = Implicitly.renew(demoClient).then(
        () => "renewed",
        (e: { code: string; description?: string }) => e.code + ": " + e.description,
      );
      // The refresh request is on its way (the token endpoint answers in its own time).
      await new Promise((r) => setTimeout(r));
      demoClient.logout();
      const result = await renewal;
      // Time for a frame the renewal might still have added to bring a token.
      await new Promise((r) => setTimeout(r, 1500));
      return { result, token: demoClient.getToken(), frames: document.querySelectorAll("iframe").length };
    });
    expect(outcome).toEqual({ result: "login_required: signed out", token: null, frames: 0 });
    expect(authorizeRequests).toEqual([]);
  });
});
