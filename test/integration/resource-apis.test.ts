// @vitest-environment node
// The demo's resource APIs (resources mode) against the demo's OpenID provider with resource
// indicators: each API takes only a JWT for its own audience, so API A's token is refused at API
// B; the third API advertises its RFC 9728 metadata in its 401 and asks a token of a weaker
// sign-in for a stronger one (RFC 9470).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACR, type OidcProvider } from "../../demo/oidc-server.mjs";
import { METADATA_PATH, type ResourceApi } from "../../demo/resource-api.mjs";
import { startResourceApis, type ResourceApis } from "./resource-apis-setup";
import { codeFlow, createClient, parseBearerChallenge, resources } from "../../src/index";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

const REDIRECT = "http://127.0.0.1:5173/callback";
const APP = "http://127.0.0.1:5173";

let op: OidcProvider;
let a: ResourceApi;
let b: ResourceApi;
let c: ResourceApi;
let servers: ResourceApis | undefined;
beforeAll(async () => {
  servers = await startResourceApis(REDIRECT, APP);
  ({ op, a, b, c } = servers);
  vi.stubGlobal("location", new URL(APP + "/"));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await servers?.close();
});

/** Signs in naming `resource`, then gets that API's token from the refresh token. */
async function tokenFor(resource: string, scope: string) {
  const client = createClient({
    authorizationEndpoint: op.authorizationEndpoint,
    tokenEndpoint: op.tokenEndpoint,
    clientId: op.clientId,
    redirectUri: REDIRECT,
    scope: `openid ${scope}`,
    storage: new MemoryStorage(),
    fetch,
    flow: codeFlow,
  });
  await client.handleRedirect(await authorizeAtProvider(await client.authorizationUrl({ extraParams: { resource } }), REDIRECT));
  const apis = resources(client, { apis: [{ url: resource, resource, scope: [scope] }] });
  return (await apis.tokenFor(resource)).accessToken;
}

/** Signs in once with nameAtSignIn (every API's `resource` in the request), then gets each API's token from the refresh token. */
async function tokensFromOneSignIn(apis: ResourceApi[], scope: string[]) {
  const client = createClient({
    authorizationEndpoint: op.authorizationEndpoint,
    tokenEndpoint: op.tokenEndpoint,
    clientId: op.clientId,
    redirectUri: REDIRECT,
    scope: ["openid", ...scope],
    storage: new MemoryStorage(),
    fetch,
    flow: codeFlow,
  });
  const list = resources(client, {
    apis: apis.map((api, at) => ({ url: api.origin + "/", resource: api.origin + "/", scope: [scope[at]!] })),
    nameAtSignIn: true,
  });
  const url = await client.authorizationUrl();
  await client.handleRedirect(await authorizeAtProvider(url, REDIRECT));
  return {
    asked: new URL(url).searchParams.getAll("resource"),
    tokens: await Promise.all(apis.map(async (api) => (await list.tokenFor(api.origin + "/")).accessToken)),
  };
}

const get = (api: ResourceApi, token?: string) => fetch(api.origin + "/", token ? { headers: { Authorization: "Bearer " + token } } : {});

describe("the demo's resource APIs", () => {
  it("take a token of their own audience, and refuse another API's", async () => {
    const tokenA = await tokenFor(a.origin + "/", "profile");
    const atA = await get(a, tokenA);
    expect(atA.status).toBe(200);
    expect(await atA.json()).toMatchObject({ api: "profile", sub: "demo", aud: a.origin + "/", scope: "profile", acr: ACR.password });
    const atB = await get(b, tokenA);
    expect(atB.status).toBe(401);
    expect(parseBearerChallenge(atB.headers.get("WWW-Authenticate")!)).toMatchObject({ error: "invalid_token" });
    // Neither a bare token nor none gets anything.
    expect((await get(b)).status).toBe(401);
    expect((await get(b, "not.a.jwt")).status).toBe(401);
  });

  it("one sign-in that names both APIs (nameAtSignIn) gives each its own token from the refresh token, as oidc-provider requires", async () => {
    const { asked, tokens } = await tokensFromOneSignIn([a, b], ["profile", "orders"]);
    expect(asked).toEqual([a.origin + "/", b.origin + "/"]);
    const [forA, forB] = tokens as [string, string];
    expect((await get(a, forA)).status).toBe(200);
    expect((await get(b, forB)).status).toBe(200);
    expect((await get(b, forA)).status).toBe(401);
    expect((await get(a, forB)).status).toBe(401);
  });

  it("the third API names its metadata in its 401, and asks a token of a weaker sign-in for a stronger one", async () => {
    const refused = await get(c);
    expect(refused.status).toBe(401);
    const challenge = parseBearerChallenge(refused.headers.get("WWW-Authenticate")!);
    expect(challenge).toMatchObject({ resourceMetadata: c.origin + METADATA_PATH });
    const metadata = await (await fetch(c.origin + METADATA_PATH)).json();
    expect(metadata).toMatchObject({ resource: c.origin + "/", authorization_servers: [op.issuer], scopes_supported: ["payments"] });
    // The other APIs say nothing of metadata.
    expect(parseBearerChallenge((await get(a)).headers.get("WWW-Authenticate")!)).not.toHaveProperty("resourceMetadata");

    const tokenC = await tokenFor(c.origin + "/", "payments");
    const weak = await get(c, tokenC);
    expect(weak.status).toBe(401);
    expect(parseBearerChallenge(weak.headers.get("WWW-Authenticate")!)).toMatchObject({ error: "insufficient_user_authentication", acrValues: ACR.fresh });
  });
});
