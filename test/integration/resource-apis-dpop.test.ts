// @vitest-environment node
// The demo's resource APIs with `dpop` (the resources mode with --dpop) against the demo's OpenID
// provider with resource indicators: one sign-in that names every API (`nameAtSignIn`, a repeated
// `resource`), each API's token from the refresh token (with `resource`)
// and is a DPoP-bound JWT (`cnf.jkt`), and each API takes it only as `Authorization: DPoP` with a
// valid proof of the bound key (RFC 9449 §4.3, §7): the method and URL, `iat` within the window,
// `ath`, each `jti` once. Its refusals are `WWW-Authenticate: DPoP` challenges.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACR, type OidcProvider } from "../../demo/oidc-server.mjs";
import { METADATA_PATH, type ResourceApi } from "../../demo/resource-api.mjs";
import { startResourceApis, type ResourceApis } from "./resource-apis-setup";
import { codeFlow, createOidcClient, dpop, parseBearerChallenge, resources, type Resources } from "../../src/index";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

const REDIRECT = "http://127.0.0.1:5173/callback";
const APP = "http://127.0.0.1:5173";

let op: OidcProvider;
let a: ResourceApi;
let b: ResourceApi;
let c: ResourceApi;
let servers: ResourceApis | undefined;
beforeAll(async () => {
  servers = await startResourceApis(REDIRECT, APP, true);
  ({ op, a, b, c } = servers);
  vi.stubGlobal("location", new URL(APP + "/"));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await servers?.close();
});

/** What the SDK sent to the APIs: each request's Authorization and DPoP headers. */
type Sent = { url: string; authorization: string | null; proof: string | null };

/** Signs in once (naming every API), with the code flow and, unless `bearer`, DPoP. */
async function signIn(bearer = false) {
  const sent: Sent[] = [];
  const client = createOidcClient({
    issuer: op.issuer,
    clientId: op.clientId,
    redirectUri: REDIRECT,
    scope: "profile orders payments",
    storage: new MemoryStorage(),
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({ url: String(input), authorization: headers.get("Authorization"), proof: headers.get("DPoP") });
      return fetch(input, init);
    },
    flow: codeFlow,
    ...(bearer ? {} : { dpop }),
  });
  const apis = resources(client, {
    apis: [a, b, c].map((api) => ({ url: api.origin + "/", resource: api.origin + "/", scope: [api === a ? "profile" : api === b ? "orders" : "payments"] })),
    nameAtSignIn: true,
  });
  const url = await client.authorizationUrl();
  expect(new URL(url).searchParams.getAll("resource")).toEqual([a, b, c].map((api) => api.origin + "/"));
  await client.handleRedirect(await authorizeAtProvider(url, REDIRECT));
  return { client, apis, sent };
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

/** A DPoP proof of `key` (ES256), with the claims given over the valid ones for GET `url` and `token`. */
function proofOf(key: KeyObject, url: string, token: string, claims: Record<string, unknown> = {}) {
  const { kty, crv, x, y } = key.export({ format: "jwk" });
  const header = Buffer.from(JSON.stringify({ typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } })).toString("base64url");
  const payload = { htm: "GET", htu: url, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ath: sha256(token), ...claims };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = sign("sha256", Buffer.from(header + "." + body), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return header + "." + body + "." + signature;
}

const get = (api: ResourceApi, headers: Record<string, string> = {}) => fetch(api.origin + "/", { headers });
/** The DPoP challenge of a refusal: its status and parsed auth-params. */
const refusal = async (response: Response) => ({
  status: response.status,
  scheme: response.headers.get("WWW-Authenticate")?.split(" ", 1)[0],
  challenge: parseBearerChallenge(response.headers.get("WWW-Authenticate"), "DPoP"),
});

let signedIn: { apis: Resources; sent: Sent[] };
let tokenA: string;
let proofA: string;
beforeAll(async () => {
  signedIn = await signIn();
  const answer = await signedIn.apis.fetch(a.origin + "/");
  expect(answer.status).toBe(200);
  const last = signedIn.sent.at(-1)!;
  tokenA = last.authorization!.replace(/^DPoP /, "");
  proofA = last.proof!;
});

describe("the demo's resource APIs with dpop", () => {
  it("take a DPoP-bound JWT of their own audience from the refresh token with resource, with a proof of its key", async () => {
    const { apis, sent } = signedIn;
    expect(claimsOf(tokenA)).toMatchObject({ aud: a.origin + "/", scope: "profile", cnf: { jkt: expect.stringMatching(/^[\w-]{43}$/) } });
    const answer = await apis.fetch(b.origin + "/");
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ api: "orders", aud: b.origin + "/", scope: "orders" });
    const tokenB = sent.at(-1)!.authorization!.replace(/^DPoP /, "");
    expect(claimsOf(tokenB).cnf.jkt).toBe(claimsOf(tokenA).cnf.jkt);
    // Both from the refresh token, each with its own resource; never a frame.
    const grants = sent.filter((s) => s.url == op.tokenEndpoint);
    expect(grants).toHaveLength(3); // the code, then a refresh for each API
    expect(grants.every((g) => g.proof)).toBe(true);
  });

  it("refuse a proof sent twice (each jti once)", async () => {
    const replay = await get(a, { Authorization: "DPoP " + tokenA, DPoP: proofA });
    expect(await refusal(replay)).toMatchObject({ status: 401, scheme: "DPoP", challenge: { error: "invalid_dpop_proof" } });
  });

  it("refuse a token whose cnf.jkt is not the proof's key, and a token bound to no key", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const stolen = await get(a, { Authorization: "DPoP " + tokenA, DPoP: proofOf(other, a.origin + "/", tokenA) });
    expect(await refusal(stolen)).toMatchObject({ status: 401, scheme: "DPoP", challenge: { error: "invalid_token" } });
    // A Bearer client's token (no cnf) for the same API, with a valid proof of some key.
    const bearer = await signIn(true);
    expect((await bearer.apis.fetch(a.origin + "/")).status).toBe(401);
    const unbound = bearer.sent.at(-1)!.authorization!.replace(/^Bearer /, "");
    expect(claimsOf(unbound)).toMatchObject({ aud: a.origin + "/" });
    expect(claimsOf(unbound).cnf).toBeUndefined();
    const asDpop = await get(a, { Authorization: "DPoP " + unbound, DPoP: proofOf(other, a.origin + "/", unbound) });
    expect(await refusal(asDpop)).toMatchObject({ status: 401, challenge: { error: "invalid_token" } });
  });

  it("refuse the bound token as Bearer, without a proof, or with a proof of another request, time or token", async () => {
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    expect(await refusal(await get(a, { Authorization: "Bearer " + tokenA }))).toMatchObject({
      status: 401,
      scheme: "DPoP",
      challenge: { error: "invalid_token" },
    });
    expect(await refusal(await get(a, { Authorization: "DPoP " + tokenA }))).toMatchObject({ status: 401, challenge: { error: "invalid_dpop_proof" } });
    // Each with a proof of the unbound key: a proof that passes gets invalid_token (the binding), one that fails invalid_dpop_proof.
    const bad = { htu: b.origin + "/", htm: "POST", iat: Math.floor(Date.now() / 1000) - 120, ath: sha256("another token") };
    for (const [claim, value] of Object.entries(bad)) {
      const refused = await get(a, { Authorization: "DPoP " + tokenA, DPoP: proofOf(key, a.origin + "/", tokenA, { [claim]: value }) });
      expect({ claim, ...(await refusal(refused)) }).toMatchObject({ claim, status: 401, challenge: { error: "invalid_dpop_proof" } });
    }
    expect(await refusal(await get(a, { Authorization: "DPoP " + tokenA, DPoP: proofOf(key, a.origin + "/", tokenA) }))).toMatchObject({
      challenge: { error: "invalid_token" },
    });
    // A's token (with a valid proof for B) at B: not of its audience.
    expect(await refusal(await get(b, { Authorization: "DPoP " + tokenA, DPoP: proofOf(key, b.origin + "/", tokenA) }))).toMatchObject({
      challenge: { error: "invalid_token" },
    });
  });

  it("challenge as DPoP: the third API names its metadata (which asks for DPoP) and asks a weaker sign-in for a stronger one", async () => {
    const bare = await refusal(await get(c));
    expect(bare).toMatchObject({ status: 401, scheme: "DPoP", challenge: { algs: "ES256", resourceMetadata: c.origin + METADATA_PATH } });
    expect(bare.challenge).not.toHaveProperty("error");
    expect(await (await fetch(c.origin + METADATA_PATH)).json()).toMatchObject({ resource: c.origin + "/", dpop_bound_access_tokens_required: true });
    const { apis } = signedIn;
    const weak = await apis.fetch(c.origin + "/");
    expect(await refusal(weak)).toMatchObject({
      status: 401,
      scheme: "DPoP",
      challenge: { error: "insufficient_user_authentication", acrValues: ACR.fresh, resourceMetadata: c.origin + METADATA_PATH },
    });
  });
});
