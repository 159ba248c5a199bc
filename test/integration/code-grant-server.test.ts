// @vitest-environment node
// The demo authorization server's code grant on its own (demo/code-grant.mjs), over HTTP: PKCE S256
// required (plain and missing challenges refused), CORS on the token endpoint for the SPA's origin
// only, refresh-token rotation with reuse detection, and no widening of scope on refresh.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo } from "../../demo/demo.mjs";
import { authorizeInteractively, Browser } from "./browser-walk";

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ flow: "code" });
});
afterAll(async () => {
  await demo?.close();
});

const verifier = () => crypto.randomBytes(32).toString("base64url");
const s256 = (v: string) => crypto.createHash("sha256").update(v).digest("base64url");
const credentials = { username: DEMO_USER.username, password: DEMO_USER.password };

const authorizeUrl = (params: Record<string, string>) =>
  demo.auth.authorizationEndpoint +
  "?" +
  new URLSearchParams({ response_type: "code", client_id: demo.auth.clientId, redirect_uri: demo.spa.pages.esm, scope: "profile", state: "s1", ...params });

const token = (form: Record<string, string>, origin?: string) =>
  fetch(demo.auth.tokenEndpoint, {
    method: "POST",
    body: new URLSearchParams({ client_id: demo.auth.clientId, ...form }),
    headers: origin ? { Origin: origin } : {},
  });

async function codeFor(v: string, scope = "profile") {
  const back = new URL(
    await authorizeInteractively(new Browser(), authorizeUrl({ code_challenge: s256(v), code_challenge_method: "S256", scope }), credentials),
  );
  return back.searchParams.get("code")!;
}

describe("the demo server's code grant", () => {
  it.each([
    ["plain PKCE", { code_challenge: "a".repeat(43), code_challenge_method: "plain" }],
    ["no PKCE", {}],
  ])("refuses %s with invalid_request in the query", async (_what, params) => {
    const back = new URL(await authorizeInteractively(new Browser(), authorizeUrl(params), credentials));
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("state")).toBe("s1");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("answers the token endpoint with CORS for the SPA's origin only, no-store, and JSON", async () => {
    const v = verifier();
    const res = await token({ grant_type: "authorization_code", code: await codeFor(v), redirect_uri: demo.spa.pages.esm, code_verifier: v }, demo.spa.origin);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(demo.spa.origin);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ token_type: "Bearer", scope: "profile", expires_in: expect.any(Number), refresh_token: expect.any(String) });
    const other = await token({ grant_type: "refresh_token", refresh_token: "x" }, "http://127.0.0.1:1");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a wrong verifier, another redirect URI, and an unknown client", async () => {
    const v = verifier();
    expect(
      await (await token({ grant_type: "authorization_code", code: await codeFor(v), redirect_uri: demo.spa.pages.esm, code_verifier: verifier() })).json(),
    ).toMatchObject({ error: "invalid_grant" });
    expect(
      await (await token({ grant_type: "authorization_code", code: await codeFor(v), redirect_uri: demo.spa.pages["script-tag"], code_verifier: v })).json(),
    ).toMatchObject({ error: "invalid_grant" });
    const unknown = await token({ grant_type: "authorization_code", code: "x", client_id: "someone" });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: "invalid_client" });
  });

  it("rotates refresh tokens; a spent one revokes the whole family", async () => {
    const v = verifier();
    const first = await (await token({ grant_type: "authorization_code", code: await codeFor(v), redirect_uri: demo.spa.pages.esm, code_verifier: v })).json();
    const second = await (await token({ grant_type: "refresh_token", refresh_token: first.refresh_token })).json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // The first one again: refused, and the family (the second one too) is gone.
    expect((await token({ grant_type: "refresh_token", refresh_token: first.refresh_token })).status).toBe(403);
    expect((await token({ grant_type: "refresh_token", refresh_token: second.refresh_token })).status).toBe(403);
  });

  it("refuses a refresh that widens the scope, and takes one that narrows it", async () => {
    const v = verifier();
    const first = await (
      await token({ grant_type: "authorization_code", code: await codeFor(v, "profile orders"), redirect_uri: demo.spa.pages.esm, code_verifier: v })
    ).json();
    const wider = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token, scope: "profile orders admin" });
    expect(await wider.json()).toMatchObject({ error: "invalid_scope" });
    const narrower = await (await token({ grant_type: "refresh_token", refresh_token: first.refresh_token, scope: "orders" })).json();
    expect(narrower.scope).toBe("orders");
  });

  it("never takes a refresh token as an access token at the API, and revokes one at /revoke", async () => {
    const v = verifier();
    const first = await (await token({ grant_type: "authorization_code", code: await codeFor(v), redirect_uri: demo.spa.pages.esm, code_verifier: v })).json();
    expect((await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + first.refresh_token } })).status).toBe(401);
    expect((await fetch(demo.api.origin + "/api/profile", { headers: { Authorization: "Bearer " + first.access_token } })).status).toBe(200);
    const revoked = await fetch(demo.auth.revocationEndpoint, {
      method: "POST",
      body: new URLSearchParams({ token: first.refresh_token, token_type_hint: "refresh_token", client_id: demo.auth.clientId }),
    });
    expect(revoked.status).toBe(200);
    expect((await token({ grant_type: "refresh_token", refresh_token: first.refresh_token })).status).toBe(403);
  });
});
