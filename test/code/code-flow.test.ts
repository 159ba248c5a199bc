// codeFlow through the whole client in jsdom, with a fake token endpoint behind `fetch`: the
// request (PKCE), the callback (query, state first, URL cleaned before the exchange, one exchange),
// the exchange, refresh tokens (rotation, single flight, scope, fallback to the frame), logout and
// tabs.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { autoRenew } from "../../src/session/auto-renew";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import { restore } from "../../src/session/restore";
import { askTabs, syncTabs } from "../../src/session/tabs";
import type { Client, ClientOptions, Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT, SILENT, fakePopup, flush, frames, framesLeft, freshClientId, nextFrame, post } from "../support/session";

const TOKEN = "https://id.example.com/token";
const API = "https://api.example.com";

let storage: MemoryStorage;
/** Calls to the token endpoint: the form, and the page's URL when it was sent. */
let calls: { form: URLSearchParams; href: string; init: RequestInit }[];
/** What the token endpoint answers next (a function of the form). */
let answer: (form: URLSearchParams, n: number) => Response | Promise<Response>;
let issued = 0;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
/** A rotating token endpoint: access token n, refresh token n, for the scope asked or the grant's. */
const rotating = (form: URLSearchParams) => {
  issued += 1;
  return json({
    access_token: "at-" + issued,
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: "rt-" + issued,
    ...(form.get("scope") ? { scope: form.get("scope") } : {}),
  });
};

const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  if (String(input) != TOKEN) return new Response("ok");
  const form = new URLSearchParams(String(init!.body));
  calls.push({ form, href: location.href, init: init! });
  return answer(form, calls.length);
});

const make = (extra: Partial<ClientOptions> = {}): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN,
    clientId: "spa",
    redirectUri: CALLBACK,
    silentRedirectUri: SILENT,
    scope: ["profile"],
    resourceOrigins: [API],
    storage,
    fetch: fetchFn as typeof fetch,
    flow: codeFlow,
    ...extra,
  });

/** Starts a login and returns its request parameters. */
const start = async (client: Client, opts = {}) => new URL(await client.authorizationUrl(opts)).searchParams;
/** Signs in through a code response in the query. */
const signIn = async (client: Client, opts = {}) => {
  const sent = await start(client, opts);
  const result = await client.handleRedirect(CALLBACK + "?code=code-1&state=" + encodeURIComponent(sent.get("state")!));
  return { sent, token: result!.token };
};
const sha256 = async (text: string) => Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).toString("base64url");

beforeEach(() => {
  storage = new MemoryStorage();
  calls = [];
  issued = 0;
  answer = rotating;
  fetchFn.mockClear();
  history.replaceState(null, "", "/");
});
afterEach(() => {
  vi.useRealTimers();
  frames().forEach((f) => f.remove());
});

describe("codeFlow: the authorization request", () => {
  it("asks for a code with an S256 challenge of a 43-character verifier kept with the pending login", async () => {
    const sent = await start(make());
    expect(sent.get("response_type")).toBe("code");
    expect(sent.get("code_challenge_method")).toBe("S256");
    // The code flow's own data of the login, under its own key.
    const [{ features }] = Object.values(JSON.parse(storage.data.get("implicitly:spa " + ENDPOINT)!)) as { features: { code: { verifier: string } } }[];
    const { verifier } = features.code;
    expect(verifier).toMatch(/^[\w-]{43}$/);
    expect(sent.get("code_challenge")).toBe(await sha256(verifier));
    // Never the verifier itself, never plain.
    expect([...sent.values()]).not.toContain(verifier);
  });

  it("refuses to start without a token endpoint (nothing stored), and an invalid one at once", async () => {
    const client = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage, flow: codeFlow });
    await expect(client.authorizationUrl()).rejects.toMatchObject({ code: "invalid_config", description: "tokenEndpoint" });
    expect(storage.writes).toEqual([]);
    expect(() => make({ tokenEndpoint: "http://id.example.com/token" })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "tokenEndpoint" }),
    );
    expect(() => make({ tokenTimeout: 0 })).toThrow(expect.objectContaining({ code: "invalid_config", description: "tokenTimeout" }));
  });
});

describe("codeFlow: the callback and the exchange", () => {
  it("exchanges the code with the verifier, redirect URI and client id, and no secret; the verifier is gone after", async () => {
    const client = make();
    const { sent, token } = await signIn(client, { appState: { to: "/x" } });
    expect(token).toMatchObject({ accessToken: "at-1", tokenType: "Bearer", scope: ["profile"] });
    const { form } = calls[0]!;
    expect([...form.keys()].sort()).toEqual(["client_id", "code", "code_verifier", "grant_type", "redirect_uri"]);
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: "authorization_code", code: "code-1", redirect_uri: CALLBACK, client_id: "spa" });
    expect(await sha256(form.get("code_verifier")!)).toBe(sent.get("code_challenge"));
    expect(storage.data.has("implicitly:spa")).toBe(false);
    expect(client.getToken()).toBe(token);
    expect(internalsOf(client).refreshToken!()).toBe("rt-1");
  });

  it("checks the state first: a code for a login it did not start sends nothing to the token endpoint", async () => {
    const client = make();
    await start(client);
    await expect(client.handleRedirect(CALLBACK + "?code=stolen&state=forged")).rejects.toMatchObject({ code: "state_mismatch" });
    await expect(client.handleRedirect(CALLBACK + "?code=stolen")).rejects.toMatchObject({ code: "state_mismatch" });
    expect(calls).toEqual([]);
  });

  it("cleans the URL before the exchange, keeping the app's query and hash; the token endpoint never sees the page's code", async () => {
    const client = make();
    const sent = await start(client);
    history.replaceState({ app: 1 }, "", "/cb?tab=2&code=code-1&state=" + encodeURIComponent(sent.get("state")!) + "#/route");
    await client.handleRedirect();
    expect(calls[0]!.href).toBe("http://localhost:3000/cb?tab=2#/route");
    expect(location.href).toBe("http://localhost:3000/cb?tab=2#/route");
    expect(history.state).toEqual({ app: 1 });
  });

  it("exchanges a code at most once, also when handleRedirect() is called twice or with the cleaned URL", async () => {
    const client = make();
    const sent = await start(client);
    history.replaceState(null, "", "/cb?code=code-1&state=" + encodeURIComponent(sent.get("state")!));
    const href = location.href;
    const [a, b] = await Promise.all([client.handleRedirect(), client.handleRedirect(href)]);
    expect(a).toBe(b);
    // The cleaned URL: the same outcome (the core remembers it), no new exchange.
    expect(await client.handleRedirect()).toBe(a);
    // A new page load with the same URL: the login was used.
    await expect(make().handleRedirect(href)).rejects.toMatchObject({ code: "state_mismatch" });
    expect(calls.length).toBe(1);
  });

  it("passes an error response in the query through, without an exchange", async () => {
    const client = make();
    const sent = await start(client, { appState: "a" });
    const e = await client
      .handleRedirect(CALLBACK + "?error=access_denied&error_description=no&state=" + encodeURIComponent(sent.get("state")!))
      .catch((x) => x);
    expect(e).toMatchObject({ code: "access_denied", description: "no", appState: "a" });
    expect(calls).toEqual([]);
  });

  it.each([
    [400, { error: "invalid_grant", error_description: "code expired" }, "invalid_grant"],
    [401, { error: "invalid_client" }, "invalid_client"],
    [403, { error: "invalid_code" }, "invalid_code"],
  ])("maps a token endpoint error (HTTP %i) to its code, and holds nothing", async (status, body, code) => {
    answer = () => json(body, status);
    const client = make();
    const sent = await start(client, { appState: 7 });
    const e = await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(sent.get("state")!)).catch((x) => x);
    expect(e).toMatchObject({ code, appState: 7 });
    expect(client.getToken()).toBeNull();
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
  });

  it.each([
    ["a token type other than Bearer", () => json({ access_token: "a", token_type: "mac" }), "unsupported_token_type"],
    ["lower-case bearer is Bearer", () => json({ access_token: "a", token_type: "bearer" }), null],
    ["no access token", () => json({ token_type: "Bearer" }), "invalid_response"],
    [
      "a wrong content type",
      () => new Response('{"access_token":"a","token_type":"Bearer"}', { headers: { "Content-Type": "text/plain" } }),
      "token_content_type",
    ],
    ["no JSON", () => new Response("<html>", { headers: { "Content-Type": "application/json" } }), "token_not_json"],
    ["an empty error", () => new Response("", { status: 500 }), "token_http_error"],
  ])("takes %s", async (_what, reply, code) => {
    answer = reply;
    const client = make();
    const outcome = signIn(client);
    if (code) await expect(outcome).rejects.toMatchObject({ code });
    else expect((await outcome).token.tokenType).toBe("Bearer");
  });

  it("refuses an implicit-grant token where a code is expected (response_mode=fragment)", async () => {
    const client = make({ responseMode: "fragment" });
    const sent = await start(client);
    const state = encodeURIComponent(sent.get("state")!);
    await expect(client.handleRedirect(CALLBACK + "#access_token=x&token_type=Bearer&code=c&state=" + state)).rejects.toMatchObject({
      code: "invalid_response",
    });
    expect(calls).toEqual([]);
  });

  it("refuses a token in the query, and takes it out of the address bar", async () => {
    const client = make();
    const sent = await start(client);
    history.replaceState(null, "", "/cb?tab=1&access_token=x&token_type=Bearer&state=" + encodeURIComponent(sent.get("state")!));
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response" });
    expect(location.href).toBe("http://localhost:3000/cb?tab=1&token_type=Bearer");
    expect(calls).toEqual([]);
  });

  it("takes an implicit-grant token out of the fragment and refuses it, consuming the login its state names", async () => {
    const client = make();
    const sent = await start(client, { appState: "a" });
    const state = encodeURIComponent(sent.get("state")!);
    history.replaceState(null, "", "/cb?tab=1#access_token=leaked-token&token_type=Bearer&state=" + state);
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response", appState: "a" });
    expect(location.href).toBe("http://localhost:3000/cb?tab=1");
    expect(client.getToken()).toBeNull();
    // Its login is used up.
    expect(storage.data.has("implicitly:spa " + ENDPOINT)).toBe(false);
    // Without a state, or next to a code response in the query: refused too, and cleaned.
    history.replaceState(null, "", "/cb#access_token=leaked-token&token_type=Bearer");
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response" });
    expect(location.href).toBe("http://localhost:3000/cb");
    const next = encodeURIComponent((await start(client)).get("state")!);
    history.replaceState(null, "", "/cb?code=c&state=" + next + "#access_token=leaked-token");
    await expect(client.handleRedirect()).rejects.toMatchObject({ code: "invalid_response" });
    expect(location.href).toBe("http://localhost:3000/cb");
    expect(calls).toEqual([]);
  });

  it("leaves an app's own fragment alone", async () => {
    const client = make();
    const sent = await start(client);
    const result = await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(sent.get("state")!) + "#/orders?tab=access_token");
    expect(result!.token.accessToken).toBe("at-1");
  });

  it("reads error and code from the response only: a name planted on Object.prototype is neither", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    const client = make();
    try {
      // A planted `error` would block every sign-in.
      proto.error = "access_denied";
      expect((await signIn(client)).token.accessToken).toBe("at-1");
      delete proto.error;
      // A planted `code` would be sent with the login's verifier.
      proto.code = "attacker-code";
      const sent = await start(client);
      await expect(client.handleRedirect(CALLBACK + "?state=" + encodeURIComponent(sent.get("state")!))).rejects.toMatchObject({ code: "invalid_response" });
      expect(calls.map((c) => c.form.get("code"))).toEqual(["code-1"]);
    } finally {
      delete proto.error;
      delete proto.code;
    }
  });

  it("reads the fragment with response_mode=fragment, and leaves the query alone", async () => {
    const client = make({ responseMode: "fragment" });
    const sent = await start(client);
    expect(sent.get("response_mode")).toBe("fragment");
    expect(await client.handleRedirect(CALLBACK + "?code=no&state=no")).toBeNull();
    const result = await client.handleRedirect(CALLBACK + "?tab=1#code=c&state=" + encodeURIComponent(sent.get("state")!));
    expect(result!.token.accessToken).toBe("at-1");
    expect(calls[0]!.form.get("code")).toBe("c");
  });

  it("with issuer: checks the response's iss (RFC 9207) before the exchange, errors included; refuses a missing one", async () => {
    const ISS = "https://id.example.com";
    const client = make({ issuer: ISS });
    const go = async (extra: string) => {
      const sent = await start(client);
      return client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(sent.get("state")!) + extra);
    };
    await expect(go("&iss=" + encodeURIComponent("https://evil.example"))).rejects.toMatchObject({ code: "issuer_mismatch" });
    await expect(go("")).rejects.toMatchObject({ code: "issuer_mismatch" });
    const sent = await start(client);
    await expect(client.handleRedirect(CALLBACK + "?error=access_denied&iss=x&state=" + encodeURIComponent(sent.get("state")!))).rejects.toMatchObject({
      code: "issuer_mismatch",
    });
    expect(calls).toEqual([]);
    expect((await go("&iss=" + encodeURIComponent(ISS)))!.token.accessToken).toBe("at-1");
    expect(() => make({ issuer: "not a url" })).toThrow(expect.objectContaining({ code: "invalid_config", description: "issuer" }));
  });

  it("without issuer, leaves iss alone (servers that send none)", async () => {
    const client = make();
    const sent = await start(client);
    expect((await client.handleRedirect(CALLBACK + "?code=c&iss=whatever&state=" + encodeURIComponent(sent.get("state")!)))!.token.accessToken).toBe("at-1");
  });

  it("refuses a code for a login without a verifier (started by an implicit client of the same id)", async () => {
    const implicit = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage });
    const state = new URL(await implicit.authorizationUrl()).searchParams.get("state")!;
    await expect(make().handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(state))).rejects.toMatchObject({ code: "invalid_response" });
    expect(calls).toEqual([]);
  });
});

describe("codeFlow: refresh tokens", () => {
  it("renew() refreshes instead of the frame; a rotated refresh token replaces the old one", async () => {
    const client = make();
    await signIn(client);
    const seen: Token[] = [];
    client.on("token", (t) => seen.push(t));
    const second = await renew(client);
    expect(second).toMatchObject({ accessToken: "at-2", scope: ["profile"] });
    expect(seen).toEqual([second]);
    expect(frames()).toEqual([]);
    expect(Object.fromEntries(calls[1]!.form)).toEqual({ grant_type: "refresh_token", refresh_token: "rt-1", client_id: "spa" });
    await renew(client);
    expect(calls[2]!.form.get("refresh_token")).toBe("rt-2");
    expect(internalsOf(client).refreshToken!()).toBe("rt-3");
  });

  it("keeps the refresh token when the server does not rotate it", async () => {
    const client = make();
    await signIn(client);
    answer = () => json({ access_token: "kept", token_type: "Bearer" });
    await renew(client);
    await renew(client);
    expect(calls.slice(1).map((c) => c.form.get("refresh_token"))).toEqual(["rt-1", "rt-1"]);
  });

  it("sends one refresh for every caller at once: renew(), autoRenew's expiry and its 401 replay", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const client = make({ expiringNotice: 60 });
    await signIn(client);
    let release!: () => void;
    answer = (form) => new Promise((r) => (release = () => r(rotating(form))));
    autoRenew(client);
    const direct = internalsOf(client).hooks.refresh!({});
    const viaRenew = renew(client);
    await vi.advanceTimersByTimeAsync((3600 - 30 - 60) * 1000); // expiring fires: autoRenew renews
    await flush();
    expect(calls.length).toBe(2);
    release();
    const [a, b] = await Promise.all([direct, viaRenew]);
    expect(a).toBe(b);
    expect(calls.length).toBe(2);
  });

  it("never asks a refresh for more scope than the grant: the frame is used for that", async () => {
    const client = make();
    await signIn(client);
    const outcome = renew(client, { scope: ["profile", "orders"] });
    const frame = await nextFrame();
    expect(new URL(frame.src).searchParams.get("scope")).toBe("profile orders");
    expect(calls.length).toBe(1);
    frame.remove();
    void outcome.catch(() => undefined);
  });

  it("sends a narrower scope when asked for less, and none when asked for the grant's", async () => {
    const client = make({ scope: ["profile", "orders"] });
    await signIn(client);
    expect((await renew(client, { scope: ["orders"] })).scope).toEqual(["orders"]);
    expect(calls[1]!.form.get("scope")).toBe("orders");
    await internalsOf(client).hooks.refresh!({ scope: ["orders", "profile"] });
    expect(calls[2]!.form.has("scope")).toBe(false);
  });

  it("falls back to the frame when the refresh is refused, and forgets the refused refresh token", async () => {
    const client = make();
    await signIn(client);
    answer = () => json({ error: "invalid_grant" }, 400);
    const outcome = renew(client);
    const frame = await nextFrame();
    expect(new URL(frame.src).searchParams.get("prompt")).toBe("none");
    expect(new URL(frame.src).searchParams.get("response_type")).toBe("code");
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
    // The frame's redirect page hands over a code; this page exchanges it.
    answer = rotating;
    const state = new URL(frame.src).searchParams.get("state")!;
    post({ implicitly: SILENT + "?code=frame-code&state=" + encodeURIComponent(state) }, frame.contentWindow);
    expect((await outcome).accessToken).toBe("at-2");
    expect(calls[2]!.form.get("code")).toBe("frame-code");
    expect(calls[2]!.form.get("redirect_uri")).toBe(SILENT);
    expect(internalsOf(client).refreshToken!()).toBe("rt-2");
    expect(await framesLeft()).toEqual([]);
  });

  it("falls back to the frame without a refresh token (after a reload, restore())", async () => {
    const client = make();
    const outcome = restore(client, { tabs: false });
    const frame = await nextFrame();
    expect(calls).toEqual([]);
    frame.remove();
    void outcome.catch(() => undefined);
  });

  it("logout() forgets the refresh token, and a refresh landing after it is dropped", async () => {
    const client = make();
    await signIn(client);
    let release!: () => void;
    answer = (form) => new Promise((r) => (release = () => r(rotating(form))));
    const late = internalsOf(client).hooks.refresh!({});
    await flush();
    client.logout();
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
    release();
    await expect(late).rejects.toMatchObject({ code: "login_required" });
    expect(client.getToken()).toBeNull();
  });

  it("after a 401 invalid_token, autoRenew refreshes and replays once with the new token", async () => {
    const client = make();
    await signIn(client);
    autoRenew(client);
    const api = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) =>
      (init!.headers as Record<string, string>).Authorization == "Bearer at-1"
        ? new Response("", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } })
        : new Response("fresh"),
    );
    fetchFn.mockImplementation(async (input, init) => {
      if (String(input) == TOKEN) {
        const form = new URLSearchParams(String(init!.body));
        calls.push({ form, href: location.href, init: init! });
        return rotating(form);
      }
      return api(input, init);
    });
    const res = await client.fetch(API + "/me");
    expect(await res.text()).toBe("fresh");
    expect(calls[1]!.form.get("grant_type")).toBe("refresh_token");
  });
});

describe("codeFlow: tabs", () => {
  it("shareTokens hands another tab the access token only; that tab renews through the frame, never with a copied refresh token", async () => {
    const clientId = freshClientId();
    const a = make({ clientId });
    const stop = syncTabs(a, { shareTokens: true });
    await signIn(a);
    const b = make({ clientId });
    const spy = vi.spyOn(BroadcastChannel.prototype, "postMessage");
    const shared = await askTabs(b);
    expect(shared?.accessToken).toBe("at-1");
    expect(JSON.stringify(spy.mock.calls)).not.toContain("rt-1");
    expect(internalsOf(b).refreshToken!()).toBeUndefined();
    const outcome = renew(b);
    await nextFrame();
    expect(calls.length).toBe(1);
    void outcome.catch(() => undefined);
    stop();
  });
});

describe("codeFlow: popup and frame pages", () => {
  it("loginWithPopup(): the popup hands over the code response; this page exchanges it", async () => {
    const popup = fakePopup();
    vi.stubGlobal(
      "open",
      vi.fn(() => popup),
    );
    try {
      const client = make();
      const outcome = loginWithPopup(client, { appState: "p" });
      await vi.waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
      const sent = new URL(popup.location.replace.mock.lastCall![0]).searchParams;
      expect(sent.get("response_type")).toBe("code");
      // A forged message with another state is ignored; the popup's own is taken.
      post({ implicitly: CALLBACK + "?code=forged&state=p.other" }, popup as unknown as Window);
      post({ implicitly: CALLBACK + "?code=c&state=" + encodeURIComponent(sent.get("state")!) }, popup as unknown as Window);
      expect(await outcome).toMatchObject({ token: { accessToken: "at-1" }, appState: "p" });
      expect(calls.map((c) => c.form.get("code"))).toEqual(["c"]);
      expect(popup.close).toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a frame's redirect page hands the raw code response to its parent and exchanges nothing itself", async () => {
    const client = make();
    const postMessage = vi.spyOn(window.parent, "postMessage");
    history.replaceState(null, "", "/silent?code=c&state=f.abc");
    expect(await client.handleRedirect()).toBeNull();
    expect(postMessage).toHaveBeenCalledWith({ implicitly: "http://localhost:3000/silent?code=c&state=f.abc" }, "http://localhost:3000");
    expect(location.href).toBe("http://localhost:3000/silent");
    expect(calls).toEqual([]);
  });

  it("restore() in such a frame only hands over (the state is read from the query)", async () => {
    const client = make();
    vi.spyOn(window.parent, "postMessage");
    history.replaceState(null, "", "/silent?code=c&state=f.abc");
    expect(await restore(client)).toBeNull();
    expect(frames()).toEqual([]);
    expect(calls).toEqual([]);
  });
});
