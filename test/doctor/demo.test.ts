// @vitest-environment node
// The doctor against the demo's real servers: the OAuth 2.0 server (endpoints one by one) and the
// OpenID provider (from its issuer). Where they are right, every line is green.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo } from "../../demo/demo.mjs";
import type { Demo } from "../../demo/demo.mjs";
import { runDoctor, type Finding } from "../../src/doctor/checks";

const statuses = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [f.id, f.status]));

describe("the demo's OAuth 2.0 server (oauth2orize), code flow", () => {
  let demo: Demo;
  beforeAll(async () => void (demo = await startDemo({ flow: "code" })), 30_000);
  afterAll(() => demo?.close());

  it("is all green, endpoints given one by one", async () => {
    const findings = await runDoctor({
      appOrigin: demo.spa.origin,
      redirectUri: demo.spa.redirectUris.esm,
      clientId: demo.auth.clientId,
      authorizationEndpoint: demo.auth.authorizationEndpoint,
      tokenEndpoint: demo.auth.tokenEndpoint,
      revocationEndpoint: demo.auth.revocationEndpoint,
      endSessionEndpoint: demo.auth.endSessionEndpoint,
      api: demo.api.origin + "/api/profile",
    });
    expect(findings.filter((f) => f.status == "fail" || f.status == "warn")).toEqual([
      // The demo's token endpoint serves no DPoP (the OpenID provider does): a warning, not a block.
      expect.objectContaining({ id: "token-cors-dpop", status: "warn" }),
    ]);
    expect(statuses(findings)).toMatchObject({
      "redirect-uri": "pass",
      "token-cors": "pass",
      revocation: "pass",
      "end-session": "pass",
      framing: "pass",
      coop: "pass",
      "same-site": "pass",
      clock: "pass",
      "api-cors": "pass",
      "api-challenge": "pass",
      "api-preflight": "pass",
    });
  }, 30_000);
});

describe("the demo's OpenID provider (oidc-provider), code flow with DPoP", () => {
  let demo: Demo;
  beforeAll(async () => void (demo = await startDemo({ provider: "oidc", flow: "code", dpop: true })), 30_000);
  afterAll(() => demo?.close());

  it("is all green from its issuer", async () => {
    const findings = await runDoctor({
      issuer: demo.oidc!.issuer,
      appOrigin: demo.spa.origin,
      redirectUri: demo.spa.redirectUris.esm,
      clientId: demo.oidc!.clientId,
      api: demo.api.origin + "/api/profile",
    });
    expect(findings.filter((f) => f.status == "fail" || f.status == "warn")).toEqual([]);
    expect(statuses(findings)).toMatchObject({
      discovery: "pass",
      "discovery-cors": "pass",
      jwks: "pass",
      pkce: "pass",
      "token-cors": "pass",
      "token-cors-dpop": "pass",
      iss: "pass",
      "dpop-algs": "pass",
      revocation: "pass",
      "end-session": "pass",
      framing: "pass",
      clock: "pass",
      "api-challenge": "pass",
      "api-preflight": "pass",
    });
  }, 30_000);
});
