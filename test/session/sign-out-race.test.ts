// After a sign-out, nothing started before it may set a token, in this tab or (through syncTabs)
// another: a code exchange, a refresh, a frame's or popup's response, an OpenID Connect check or a
// tab's answer that comes late is dropped; the renewal does not fall back to the frame.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { signOut } from "../../src/logout/sign-out";
import { createOidcClient } from "../../src/oidc/oidc-client";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import { askTabs, syncTabs } from "../../src/session/tabs";
import type { Client, ClientOptions } from "../../src/index";
import { atHash, generateKey, sign, type TestKey } from "../support/jws";
import { MemoryStorage } from "../support/memory-storage";
import {
  CALLBACK,
  SILENT,
  fakePopup,
  flush,
  frames,
  freshClientId,
  granted,
  handoff,
  makeClient,
  nextFrame,
  post,
  stateIn,
  tokensOf,
} from "../support/session";
import { signIn as implicitSignIn } from "../support/sign-in";

const TOKEN = "https://id.example.com/token";
let storage: MemoryStorage;

/** A token endpoint whose answers wait until `release()`; each call is recorded. */
const gatedEndpoint = () => {
  const calls: URLSearchParams[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  let issued = 0;
  const fetchFn = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new URLSearchParams(String(init!.body)));
    await gate;
    issued += 1;
    return new Response(JSON.stringify({ access_token: "at-" + issued, token_type: "Bearer", expires_in: 3600, refresh_token: "rt-" + issued }), {
      headers: { "Content-Type": "application/json" },
    });
  }) as typeof fetch;
  return {
    calls,
    fetchFn,
    hold: () => (gate = new Promise((r) => (open = r))),
    release: () => open(),
  };
};

const codeClient = (fetchFn: typeof fetch, extra: Partial<ClientOptions> = {}): Client =>
  makeClient(storage, { tokenEndpoint: TOKEN, flow: codeFlow, fetch: fetchFn, ...extra });

const codeSignIn = async (client: Client) => {
  const state = stateIn(await client.authorizationUrl());
  return (await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(state)))!.token;
};

beforeEach(() => {
  storage = new MemoryStorage();
  history.replaceState(null, "", "/");
});
afterEach(() => {
  vi.unstubAllGlobals();
  frames().forEach((f) => f.remove());
});

describe("a late answer never undoes a sign-out, in this tab", () => {
  it("a code exchange in flight: its token and refresh token are dropped", async () => {
    const server = gatedEndpoint();
    const client = codeClient(server.fetchFn);
    const seen = tokensOf(client);
    const state = stateIn(await client.authorizationUrl({ appState: "a" }));
    server.hold();
    const outcome = client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(state)).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.calls).toHaveLength(1));
    client.logout();
    server.release();
    expect(await outcome).toMatchObject({ name: "AuthError", code: "login_required", appState: "a" });
    expect(client.getToken()).toBeNull();
    expect(seen).toEqual([]);
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
  });

  it("a refresh in flight: dropped, and renew() does not fall back to the frame", async () => {
    const server = gatedEndpoint();
    const client = codeClient(server.fetchFn);
    await codeSignIn(client);
    const seen = tokensOf(client);
    server.hold();
    const renewal = renew(client).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    client.logout();
    server.release();
    expect(await renewal).toMatchObject({ code: "login_required" });
    await flush();
    expect(frames()).toEqual([]);
    expect(client.getToken()).toBeNull();
    expect(seen).toEqual([]);
  });

  it("through signOut(), with a revocation on its way", async () => {
    const server = gatedEndpoint();
    const client = codeClient(server.fetchFn);
    await codeSignIn(client);
    server.hold();
    const renewal = renew(client).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    const out = signOut(client, { revoke: false, endSession: false });
    server.release();
    await out;
    expect(await renewal).toMatchObject({ code: "login_required" });
    await flush();
    expect(frames()).toEqual([]);
    expect(client.getToken()).toBeNull();
  });

  it("a frame's response that arrives after a logout is not completed (no exchange either)", async () => {
    const server = gatedEndpoint();
    const client = codeClient(server.fetchFn);
    const renewal = renew(client).catch((e: unknown) => e);
    const frame = await nextFrame();
    client.logout();
    post({ implicitly: SILENT + "?code=c&state=" + encodeURIComponent(stateIn(frame.src)) }, frame.contentWindow);
    expect(await renewal).toMatchObject({ code: "login_required" });
    expect(server.calls).toEqual([]);
    expect(client.getToken()).toBeNull();
  });

  it("an implicit client's frame response after a logout", async () => {
    const client = makeClient(storage);
    const seen = tokensOf(client);
    const renewal = renew(client).catch((e: unknown) => e);
    const frame = await nextFrame();
    client.logout();
    post(handoff(granted(stateIn(frame.src))), frame.contentWindow);
    expect(await renewal).toMatchObject({ code: "login_required" });
    expect(client.getToken()).toBeNull();
    expect(seen).toEqual([]);
  });

  it("a popup's response after a logout", async () => {
    const popup = fakePopup();
    vi.stubGlobal("open", () => popup);
    const client = makeClient(storage);
    await implicitSignIn(client);
    const login = loginWithPopup(client).catch((e: unknown) => e);
    await vi.waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
    client.logout();
    post(handoff(granted(stateIn(popup.location.replace.mock.calls[0]![0])), CALLBACK), popup as unknown as Window);
    expect(await login).toMatchObject({ code: "login_required" });
    expect(client.getToken()).toBeNull();
  });

  it("a login started after the logout completes as usual", async () => {
    const client = makeClient(storage);
    client.logout();
    const renewal = renew(client);
    const frame = await nextFrame();
    post(handoff(granted(stateIn(frame.src))), frame.contentWindow);
    expect((await renewal).accessToken).toBe("renewed-token");
  });
});

describe("a late answer never undoes a sign-out: OpenID Connect", () => {
  const ISSUER = "https://op.example.com";
  let key: TestKey;
  beforeAll(async () => {
    key = await generateKey("ES256", "k1");
  });

  it("a logout while the ID token is being checked (keys on their way): no token, no user", async () => {
    let keysGate = () => {};
    const keysHeld = new Promise<void>((r) => (keysGate = r));
    const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
    const fetchFn = (async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.endsWith("/.well-known/openid-configuration")) {
        return json({
          issuer: ISSUER,
          authorization_endpoint: ISSUER + "/authorize",
          jwks_uri: ISSUER + "/jwks",
          id_token_signing_alg_values_supported: ["ES256"],
        });
      }
      await keysHeld;
      return json({ keys: [key.jwk] });
    }) as typeof fetch;
    const client = createOidcClient({ issuer: ISSUER, clientId: "spa", redirectUri: CALLBACK, silentRedirectUri: SILENT, storage, fetch: fetchFn });
    const seen = tokensOf(client);
    const renewal = renew(client).catch((e: unknown) => e);
    const frame = await Promise.race([nextFrame(), renewal.then((e) => Promise.reject(e))]);
    const params = new URL(frame.src).searchParams;
    const now = Math.floor(Date.now() / 1000);
    const idToken = await sign(
      key,
      { alg: "ES256", kid: "k1" },
      {
        iss: ISSUER,
        sub: "u1",
        aud: "spa",
        exp: now + 600,
        iat: now,
        nonce: params.get("nonce"),
        at_hash: await atHash("renewed-token"),
      },
    );
    post(handoff(granted(params.get("state")!) + "&id_token=" + idToken), frame.contentWindow);
    await flush();
    client.logout();
    keysGate();
    expect(await renewal).toMatchObject({ code: "login_required" });
    expect(client.getToken()).toBeNull();
    expect(client.getUser()).toBeNull();
    expect(seen).toEqual([]);
    // Nobody is remembered as signed in: the next silent renewal sends no id_token_hint.
    expect(new URL(await client.authorizationUrl({ extraParams: { prompt: "none" } })).searchParams.has("id_token_hint")).toBe(false);
  });
});

describe("a late answer never undoes a sign-out: other tabs (syncTabs)", () => {
  let clientId: string;
  const stops: (() => void)[] = [];
  beforeEach(() => {
    clientId = freshClientId();
  });
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
  });
  const tab = (extra: Partial<ClientOptions> = {}) => {
    const client = makeClient(storage, { clientId, ...extra });
    stops.push(syncTabs(client, { shareTokens: true }));
    return client;
  };

  it("a tab whose refresh is in flight when another tab signs out keeps no token", async () => {
    const server = gatedEndpoint();
    const [a, b] = [tab(), tab({ tokenEndpoint: TOKEN, flow: codeFlow, fetch: server.fetchFn })];
    await implicitSignIn(a);
    await codeSignIn(b);
    server.hold();
    const renewal = renew(b).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    a.logout();
    await vi.waitFor(() => expect(b.getToken()).toBeNull());
    server.release();
    expect(await renewal).toMatchObject({ code: "login_required" });
    await flush();
    expect(frames()).toEqual([]);
    expect(b.getToken()).toBeNull();
  });

  it("a tab that heard a logout while asking the tabs does not take the answer sent before it", async () => {
    const asking = makeClient(storage, { clientId });
    stops.push(syncTabs(asking));
    const channel = new BroadcastChannel("implicitly-tabs:" + clientId);
    const loggedOut = vi.fn();
    asking.on("logout", loggedOut);
    // Another tab signs out while the answer of a tab that still held a token is on its way.
    channel.onmessage = async ({ data }) => {
      if (data?.tabs != "ask") return;
      channel.postMessage({ tabs: "logout" });
      await vi.waitFor(() => expect(loggedOut).toHaveBeenCalled());
      channel.postMessage({ tabs: "token", id: data.id, token: { accessToken: "from-before", tokenType: "Bearer", scope: [] } });
    };
    try {
      expect(await askTabs(asking)).toBeNull();
      expect(asking.getToken()).toBeNull();
    } finally {
      channel.close();
    }
  });
});
