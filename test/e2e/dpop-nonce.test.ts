// The demo with `--provider oidc --flow code --dpop` and a provider that asks every DPoP proof for
// a nonce of its own (`use_dpop_nonce`), in Chromium: the token endpoint's first answer is a 400
// with a DPoP-Nonce header, read through CORS; the SDK retries exactly once with the nonce in its
// proof, and the sign-in completes with a DPoP-bound token.
import type { Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { OidcClient } from "../../src/index";
import { signInAtProvider, useDemoBrowser } from "./demo-browser";

type DemoWindow = Window & { demoClient: OidcClient };

const env = useDemoBrowser({ demo: { provider: "oidc", flow: "code", dpop: true, dpopNonce: true } });
const claimsOf = (proof: string | undefined) => JSON.parse(Buffer.from(proof!.split(".")[1]!, "base64url").toString("utf8"));

describe("--dpop with server nonces", () => {
  it("answers use_dpop_nonce at the token endpoint with one retry that carries the nonce", async () => {
    const { demo } = env;
    const oidc = demo.oidc!;
    const page = await (await env.newContext()).newPage();
    const exchanges: { proof: string | undefined; status: Promise<number | undefined> }[] = [];
    page.on("request", (r: Request) => {
      if (r.method() === "POST" && r.url() === oidc.tokenEndpoint) {
        exchanges.push({ proof: r.headers()["dpop"], status: r.response().then((res) => res?.status()) });
      }
    });
    await page.goto(demo.spa.pages.esm);
    await page.locator("body[data-ready]").waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await signInAtProvider(page, oidc.issuer, demo.spa.origin);
    await expect.poll(() => page.evaluate(() => (window as unknown as DemoWindow).demoClient.getToken()?.tokenType), { timeout: 5000 }).toBe("DPoP");
    // Exactly two requests: the first without a nonce (refused), the retry with the server's.
    expect(exchanges).toHaveLength(2);
    expect(await exchanges[0]!.status).toBe(400);
    expect(claimsOf(exchanges[0]!.proof).nonce).toBeUndefined();
    expect(await exchanges[1]!.status).toBe(200);
    expect(claimsOf(exchanges[1]!.proof).nonce).toEqual(expect.any(String));
  });
});
