// The demo with `--provider oidc --flow code --dpop`, in Chromium against the built SDK (dist/):
// both pages sign in at oidc-provider with the code flow, the exchange carries a DPoP proof (CORS
// preflight for the DPoP header) and brings a DPoP-bound token, the API checks the proof and the
// binding and answers, the token used as a Bearer token is refused, and a refresh (with a proof)
// rotates the token and the refresh token.
import type { Page, Request } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Demo } from "../../demo/demo.mjs";
import { OIDC_ACCOUNTS } from "../../demo/oidc-server.mjs";
import type { OidcClient } from "../../src/index";
import { signInAtProvider, useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: OidcClient; Implicitly: typeof import("../../src/index") };

const env = useDemoBrowser({ demo: { provider: "oidc", flow: "code", dpop: true } });
const { apiAuthorization } = env;
let demo: Demo;
let oidc: NonNullable<Demo["oidc"]>;
beforeAll(() => {
  ({ demo } = env);
  oidc = demo.oidc!;
});

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000, interval: 50 });
// The outcome of the last API button.
const resultOf = async (page: Page) => (await page.locator("#result").innerText()).trim();
const tokenOf = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken());
const claimsOf = (proof: string | undefined) => JSON.parse(Buffer.from(proof!.split(".")[1]!, "base64url").toString("utf8"));

describe.each(["script-tag", "esm"] as const)("--provider oidc --flow code --dpop, %s page", (key) => {
  it("signs in with a DPoP-bound token, calls the API with proofs, and refreshes with one", async () => {
    const page = await (await env.newContext()).newPage();
    const proofs: { url: string; proof: string | undefined }[] = [];
    page.on("request", (r: Request) => {
      if (r.method() !== "OPTIONS" && (r.url() === oidc.tokenEndpoint || r.url().startsWith(demo.api.origin)))
        proofs.push({ url: r.url(), proof: r.headers()["dpop"] });
    });
    await page.goto(demo.spa.pages[key]);
    await page.locator("body[data-ready]").waitFor();
    const request = page.waitForRequest((r) => r.url().startsWith(oidc.authorizationEndpoint + "?"));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // A full-page login: no dpop_jkt (the key is made on the callback page).
    expect(new URL((await request).url()).searchParams.has("dpop_jkt")).toBe(false);
    await signInAtProvider(page, oidc.issuer, demo.spa.origin);
    await eventually(() => page.locator("#user").innerText()).toContain(OIDC_ACCOUNTS.demo!.name);
    const first = (await tokenOf(page))!;
    expect(first.tokenType).toBe("DPoP");
    expect(claimsOf(proofs.find((p) => p.url === oidc.tokenEndpoint)?.proof)).toMatchObject({ htm: "POST", htu: oidc.tokenEndpoint });

    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    expect(apiAuthorization).toContain("DPoP " + first.accessToken);
    const api = proofs.find((p) => p.url.startsWith(demo.api.origin))!;
    expect(claimsOf(api.proof)).toMatchObject({ htm: "GET", htu: demo.api.origin + "/api/profile" });
    // Bound: the same token as a Bearer token is refused by the API.
    const asBearer = await page.evaluate(
      ([url, token]) => fetch(url!, { headers: { Authorization: "Bearer " + token } }).then((r) => r.status),
      [demo.api.origin + "/api/profile", first.accessToken],
    );
    expect(asBearer).toBe(401);

    if (key !== "script-tag") return;
    const renewed = await page.evaluate(() => {
      const { demoClient, Implicitly } = window as unknown as DemoWindow;
      return Implicitly.renew(demoClient).then(
        (t) => t.tokenType + " " + t.accessToken,
        (e: { code: string }) => "failed: " + e.code,
      );
    });
    expect(renewed).toMatch(/^DPoP /);
    expect(renewed).not.toBe("DPoP " + first.accessToken);
    const refreshes = proofs.filter((p) => p.url === oidc.tokenEndpoint);
    expect(refreshes).toHaveLength(2);
    expect(claimsOf(refreshes[1]!.proof).jti).not.toBe(claimsOf(refreshes[0]!.proof).jti);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    expect(apiAuthorization).toContain(renewed);
  });
});

describe("--dpop: WWW-Authenticate: DPoP challenges (RFC 9449 §7.1)", () => {
  /** A page of the script-tag demo signed in with a DPoP-bound token (profile only). */
  const signedIn = async () => {
    const page = await (await env.newContext()).newPage();
    await page.goto(demo.spa.pages["script-tag"]);
    await page.locator("body[data-ready]").waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await signInAtProvider(page, oidc.issuer, demo.spa.origin);
    await eventually(() => page.locator("#user").innerText()).toContain(OIDC_ACCOUNTS.demo!.name);
    return page;
  };
  /** Records the `unauthorized` and `expired` events of the page's client. */
  const watch = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as DemoWindow & { seen: unknown[] };
      w.seen = [];
      w.demoClient.on("unauthorized", ({ response, challenge }) => w.seen.push({ status: response.status, challenge }));
      w.demoClient.on("expired", () => w.seen.push("expired"));
    });
  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);
  /** Revokes the page's access token at the provider, as an administrator would. */
  const revoke = async (page: Page) => {
    const token = (await tokenOf(page))!;
    const form = new URLSearchParams({ token: token.accessToken, token_type_hint: "access_token", client_id: oidc.clientId });
    expect((await fetch(oidc.revocationEndpoint, { method: "POST", body: form })).status).toBe(200);
    return token;
  };

  it("403 insufficient_scope: unauthorized with the scope, the token kept, and the demo offers the step-up", async () => {
    const page = await signedIn();
    await watch(page);
    const token = await tokenOf(page);
    await page.getByRole("button", { name: "Get orders" }).click();
    await expect.poll(() => page.locator("#step-up").isVisible(), { timeout: 5000 }).toBe(true);
    expect(await resultOf(page)).toContain("insufficient_scope");
    expect(await seen(page)).toEqual([{ status: 403, challenge: { error: "insufficient_scope", scope: ["orders"] } }]);
    expect(await tokenOf(page)).toEqual(token);
  });

  it("401 invalid_token (a revoked token): dropped, expired emitted, the app no longer shows a signed-in token", async () => {
    const page = await signedIn();
    await watch(page);
    await revoke(page);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toContain("invalid_token");
    expect(await tokenOf(page)).toBeNull();
    expect(await seen(page)).toEqual(["expired", { status: 401, challenge: expect.objectContaining({ error: "invalid_token", algs: "ES256" }) }]);
  });

  it("with autoRenew: one renewal (a refresh with a proof) and one replay with the new token", async () => {
    const page = await signedIn();
    await page.locator("#auto-renew").check();
    const revoked = await revoke(page);
    await page.getByRole("button", { name: "Get profile" }).click();
    await eventually(() => resultOf(page)).toBe("Profile: OK.");
    const now = (await tokenOf(page))!;
    expect(now.tokenType).toBe("DPoP");
    expect(now.accessToken).not.toBe(revoked.accessToken);
    expect(apiAuthorization).toContain("DPoP " + now.accessToken);
  });
});
