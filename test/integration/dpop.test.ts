// @vitest-environment node
// DPoP (dpop) with the code flow against a real OpenID provider (oidc-provider, DPoP on, started
// in-process): the exchange with a proof gives a DPoP-bound token (token_type DPoP) that the
// provider's userinfo endpoint accepts with a proof and refuses as a Bearer token; a refresh
// (proof, rotation) gives another bound token; a popup-style login sends dpop_jkt and its code
// is redeemed with that key; with nonces required, the one nonce retry at the token endpoint and
// at userinfo.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { codeFlow, createOidcClient, dpop, renew, type OidcClient } from "../../src/index";
import { internalsOf } from "../../src/client/internals";
import { decodeJws } from "../../src/oidc/jwt";
import { authorizeAtProvider, MemoryStorage } from "./browser-walk";

const REDIRECT = "http://127.0.0.1:5173/callback";

const authorize = (url: string) => authorizeAtProvider(url, REDIRECT);

/** The requests the client sent (URL, its DPoP proof's claims, the status it got). */
type Sent = { url: string; claims: Record<string, unknown> | undefined; status: number };

let op: OidcProvider;
let strict: OidcProvider;
beforeAll(async () => {
  [op, strict] = await Promise.all([
    startOidcProvider({ redirectUris: [REDIRECT], codeFlow: true }),
    startOidcProvider({ redirectUris: [REDIRECT], codeFlow: true, dpopNonce: true }),
  ]);
  vi.stubGlobal("location", new URL("http://127.0.0.1:5173/"));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await Promise.all([op?.close(), strict?.close()]);
});

const make = (server: OidcProvider, sent: Sent[] = []): OidcClient =>
  createOidcClient({
    issuer: server.issuer,
    clientId: server.clientId,
    redirectUri: REDIRECT,
    scope: "profile",
    resourceOrigins: [server.issuer],
    storage: new MemoryStorage(),
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const proof = new Headers(init?.headers).get("DPoP");
      sent.push({ url: String(input), claims: proof ? decodeJws(proof).payload : undefined, status: response.status });
      return response;
    },
    flow: codeFlow,
    dpop,
  });

describe("dpop against oidc-provider", () => {
  it("gets a DPoP-bound token that userinfo accepts with a proof and refuses as Bearer", async () => {
    const sent: Sent[] = [];
    const client = make(op, sent);
    const url = await client.authorizationUrl();
    // A full-page login: no dpop_jkt (the key would be gone with the page).
    expect(new URL(url).searchParams.has("dpop_jkt")).toBe(false);
    const { token } = (await client.handleRedirect(await authorize(url)))!;
    expect(token.tokenType).toBe("DPoP");
    expect(sent.find((s) => s.url == op.tokenEndpoint)!.claims).toMatchObject({ htm: "POST", htu: op.tokenEndpoint });
    // Bound to the key: the provider refuses the same token used as a Bearer token.
    const asBearer = await fetch(op.issuer + "/me", { headers: { Authorization: "Bearer " + token.accessToken } });
    expect(asBearer.status).toBe(401);
    const me = await client.fetch(op.issuer + "/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: "demo" });
  });

  it("refreshes with a proof and rotation; the new token is bound to the same key", async () => {
    const sent: Sent[] = [];
    const client = make(op, sent);
    await client.handleRedirect(await authorize(await client.authorizationUrl()));
    const i = internalsOf(client);
    const first = i.refreshToken!();
    const before = client.getToken()!;
    const token = await renew(client);
    expect(token.tokenType).toBe("DPoP");
    expect(token.accessToken).not.toBe(before.accessToken);
    expect(i.refreshToken!()).not.toBe(first);
    const refreshes = sent.filter((s) => s.url == op.tokenEndpoint);
    expect(refreshes).toHaveLength(2);
    expect(refreshes[1]!.claims).toMatchObject({ htm: "POST", htu: op.tokenEndpoint });
    expect((await client.fetch(op.issuer + "/me")).status).toBe(200);
    // The public client's refresh token is bound too: without a proof the provider refuses it.
    const unbound = await fetch(op.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: i.refreshToken!()!, client_id: op.clientId }),
    });
    expect(unbound.status).toBe(400);
  });

  it("sends dpop_jkt on a popup's request, and redeems that code with the same key", async () => {
    const sent: Sent[] = [];
    const client = make(op, sent);
    const i = internalsOf(client);
    const { url } = await i.start({}, "popup");
    expect(new URL(url).searchParams.get("dpop_jkt")).toMatch(/^[\w-]{43}$/);
    const [response] = i.hooks.parse(await authorize(url));
    const { token } = await i.complete(response);
    expect(token.tokenType).toBe("DPoP");
    expect((await client.fetch(op.issuer + "/me")).status).toBe(200);
  });

  it("answers the provider's nonce challenges with one retry, at the token endpoint and at userinfo", async () => {
    const sent: Sent[] = [];
    const client = make(strict, sent);
    await client.handleRedirect(await authorize(await client.authorizationUrl()));
    expect(client.getToken()!.tokenType).toBe("DPoP");
    const token = sent.filter((s) => s.url == strict.tokenEndpoint);
    expect(token.map((s) => s.status)).toEqual([400, 200]);
    expect(token[0]!.claims!.nonce).toBeUndefined();
    expect(token[1]!.claims!.nonce).toEqual(expect.any(String));
    const me = await client.fetch(strict.issuer + "/me");
    expect(me.status).toBe(200);
    const calls = sent.filter((s) => s.url == strict.issuer + "/me");
    // The provider's nonce works across its endpoints: a retry only if it asks again.
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.at(-1)!.claims!.nonce).toEqual(expect.any(String));
    expect(calls.at(-1)!.claims!.ath).toEqual(expect.any(String));
  });
});
