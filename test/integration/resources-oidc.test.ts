// @vitest-environment node
// resources() against a real authorization server with resource indicators (oidc-provider,
// started in-process with `resourceIndicators`): the sign-in names an API, and its token comes
// from the refresh token with `resource` (RFC 8707 §2.2), a JWT for that audience only; a resource
// the sign-in did not name is refused (invalid_scope here) and the client keeps its grant.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { codeFlow, createClient, resources, type Client } from "../../src/index";
import { internalsOf } from "../../src/client/internals";
import { decodeJws } from "../../src/oidc/jwt";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

const REDIRECT = "http://127.0.0.1:5173/callback";
const PROFILE_API = "http://127.0.0.1:5174/";
const BILLING_API = "http://127.0.0.1:5175/";

let op: OidcProvider;
beforeAll(async () => {
  op = await startOidcProvider({
    redirectUris: [REDIRECT],
    codeFlow: true,
    resourceIndicators: { [PROFILE_API]: ["profile:read"], [BILLING_API]: ["invoices"] },
  });
  vi.stubGlobal("location", new URL("http://127.0.0.1:5173/"));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await op?.close();
});

const makeClient = (): Client =>
  createClient({
    authorizationEndpoint: op.authorizationEndpoint,
    tokenEndpoint: op.tokenEndpoint,
    clientId: op.clientId,
    redirectUri: REDIRECT,
    scope: "openid profile:read invoices",
    storage: new MemoryStorage(),
    fetch,
    flow: codeFlow,
  });

describe("resources() against oidc-provider with resource indicators", () => {
  it("gets the API named at sign-in a token for its audience only, from the refresh token with resource", async () => {
    const client = makeClient();
    const back = await authorizeAtProvider(await client.authorizationUrl({ extraParams: { resource: PROFILE_API } }), REDIRECT);
    const own = (await client.handleRedirect(back))!.token;
    const apis = resources(client, {
      apis: [
        { url: PROFILE_API, resource: PROFILE_API, scope: ["profile:read"] },
        { url: BILLING_API, resource: BILLING_API, scope: ["invoices"] },
      ],
    });
    const token = await apis.tokenFor(PROFILE_API);
    expect(token).toMatchObject({ resource: PROFILE_API, tokenType: "Bearer", scope: ["profile:read"] });
    expect(token.accessToken).not.toBe(own.accessToken);
    expect(decodeJws(token.accessToken).payload).toMatchObject({ aud: PROFILE_API, scope: "profile:read", iss: op.issuer });
    expect(client.getToken()).toBe(own);

    // Not named at sign-in: this server refuses it (its scope is not in the grant for that
    // resource), and the client keeps its grant.
    await expect(apis.tokenFor(BILLING_API)).rejects.toMatchObject({ code: "invalid_scope" });
    expect(internalsOf(client).refreshToken!()).toBeTruthy();
    // The client's own refresh still works after it.
    await expect(internalsOf(client).hooks.refresh!({})).resolves.toMatchObject({ tokenType: "Bearer" });
  });
});
