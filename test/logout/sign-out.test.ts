import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { handleSignOut, signOut } from "../../src/logout/sign-out";
import type { Client, ClientOptions } from "../../src/client/types";
import { MemoryStorage, brokenStorage } from "../support/memory-storage";
import { PAGE, signIn } from "../support/sign-in";

const ENDPOINT = "https://id.example.com/authorize";
const REVOKE = "https://id.example.com/revoke";
const END = "https://id.example.com/session/end";
const CALLBACK = PAGE + "cb";

let storage: MemoryStorage;
let fetchFn: ReturnType<typeof vi.fn>;
let submitted: { action: string; method: string; fields: Record<string, string> }[];

/** The end-session request as a form POST, which the tests read back from the form. */
const POST = { method: "POST" } as const;

const make = (extra: Partial<ClientOptions> = {}): Client =>
  createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage, fetch: fetchFn as typeof fetch, ...extra });

/** The form fields of the revocation request `n`. */
const revocationBody = (n = 0) => Object.fromEntries(new URLSearchParams(String(fetchFn.mock.calls[n]![1].body)));

beforeEach(() => {
  storage = new MemoryStorage();
  fetchFn = vi.fn(async () => new Response(null, { status: 200 }));
  submitted = [];
  // jsdom does not navigate: record what the form would have sent.
  vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(function (this: HTMLFormElement) {
    const fields = Object.fromEntries([...new FormData(this)].map(([k, v]) => [k, String(v)]));
    submitted.push({ action: this.action, method: this.method, fields });
    this.remove();
  });
  history.replaceState(null, "", PAGE);
});
afterEach(() => {
  vi.useRealTimers();
  history.replaceState(null, "", PAGE);
});

describe("signOut: the local logout", () => {
  it("logs out first, before any request, and emits logout", async () => {
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client);
    const order: string[] = [];
    client.on("logout", () => order.push("logout"));
    fetchFn.mockImplementation(async () => {
      order.push("revoke:" + (client.getToken() === null ? "signed-out" : "still-signed-in"));
      return new Response(null, { status: 200 });
    });
    await signOut(client);
    expect(order).toEqual(["logout", "revoke:signed-out"]);
    expect(client.getToken()).toBeNull();
  });

  it("without any endpoint: only the local logout, nothing sent, nothing stored", async () => {
    const client = make();
    await signIn(client);
    expect(await signOut(client)).toEqual({ revocations: [], endingSession: false });
    expect(client.getToken()).toBeNull();
    expect(fetchFn).not.toHaveBeenCalled();
    expect(submitted).toEqual([]);
    expect(storage.data.size).toBe(0);
  });
});

describe("signOut: revocation (RFC 7009)", () => {
  it("revokes the access token as a public client: client_id, token, token_type_hint; no Authorization header", async () => {
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client, "2YotnFZFEjr1zMsicMWpAA");
    const result = await signOut(client);
    expect(result).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: true, status: 200 }], endingSession: false });
    expect(fetchFn).toHaveBeenCalledTimes(1);
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe(REVOKE);
    expect(init.method).toBe("POST");
    expect(init.headers).toBeUndefined();
    expect(init.credentials).toBe("omit");
    expect(revocationBody()).toEqual({ token: "2YotnFZFEjr1zMsicMWpAA", token_type_hint: "access_token", client_id: "spa" });
  });

  it("also revokes the refresh token when the client holds one", async () => {
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client, "access-1");
    internalsOf(client).refreshToken = () => "refresh-1";
    const { revocations } = await signOut(client);
    expect(revocations.map((r) => r.tokenTypeHint)).toEqual(["refresh_token", "access_token"]);
    expect(revocationBody(0)).toEqual({ token: "refresh-1", token_type_hint: "refresh_token", client_id: "spa" });
  });

  it("sends the two revocations one after the other, the refresh token first (a server that fails one of two at once)", async () => {
    // Django OAuth Toolkit on sqlite: a second request while the first is in progress gets 500.
    let busy = false;
    const seen: string[] = [];
    fetchFn.mockImplementation(async (_url: string, init: RequestInit) => {
      seen.push(new URLSearchParams(String(init.body)).get("token_type_hint")!);
      if (busy) return new Response("database is locked", { status: 500 });
      busy = true;
      await new Promise((r) => setTimeout(r, 5));
      busy = false;
      return new Response(null, { status: 200 });
    });
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client, "access-1");
    internalsOf(client).refreshToken = () => "refresh-1";
    const { revocations } = await signOut(client);
    expect(seen).toEqual(["refresh_token", "access_token"]);
    expect(revocations).toEqual([
      { tokenTypeHint: "refresh_token", revoked: true, status: 200 },
      { tokenTypeHint: "access_token", revoked: true, status: 200 },
    ]);
  });

  it("never follows a redirect from the revocation endpoint: the tokens go nowhere else, and are reported not revoked", async () => {
    // A server that answers 307 to another origin; a fetch that follows re-posts the body there.
    const posted: string[] = [];
    fetchFn.mockImplementation(async (url: string, init: RequestInit) => {
      posted.push(url);
      if (init.redirect == "manual" || init.redirect == "error")
        return new Response(null, { status: 307, headers: { Location: "https://evil.example/steal" } });
      posted.push("https://evil.example/steal");
      return new Response(null, { status: 200 });
    });
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client, "access-1");
    internalsOf(client).refreshToken = () => "refresh-1";
    const { revocations } = await signOut(client);
    expect(posted).toEqual([REVOKE, REVOKE]);
    expect(revocations).toEqual([
      { tokenTypeHint: "refresh_token", revoked: false, status: 307, redirected: true },
      { tokenTypeHint: "access_token", revoked: false, status: 307, redirected: true },
    ]);
  });

  it("reports a browser's opaque redirect (status 0) as redirected, not revoked", async () => {
    const opaque = Object.assign(new Response(null, { status: 200 }), {});
    Object.defineProperties(opaque, { type: { value: "opaqueredirect" }, status: { value: 0 }, ok: { value: false } });
    fetchFn.mockResolvedValue(opaque);
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client);
    expect((await signOut(client)).revocations).toEqual([{ tokenTypeHint: "access_token", revoked: false, redirected: true }]);
  });

  it("reads its own options only: a revoke, endSession or postLogoutRedirectUri planted on Object.prototype changes nothing", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    Object.assign(proto, { revoke: false, endSession: false, postLogoutRedirectUri: "https://evil.example/", method: "POST" });
    const assign = vi.fn();
    try {
      const client = make({ revocationEndpoint: REVOKE, endSessionEndpoint: END });
      await signIn(client);
      vi.stubGlobal("location", { href: PAGE, origin: new URL(PAGE).origin, pathname: "/", assign });
      const result = await signOut(client);
      expect(result.revocations).toEqual([{ tokenTypeHint: "access_token", revoked: true, status: 200 }]);
      expect(result.endingSession).toBe(true);
      expect(submitted).toEqual([]);
      expect(new URL(assign.mock.calls[0]![0] as string).searchParams.get("post_logout_redirect_uri")).toBe(CALLBACK);
    } finally {
      vi.unstubAllGlobals();
      for (const name of ["revoke", "endSession", "postLogoutRedirectUri", "method"]) delete proto[name];
    }
  });

  it("reports a refused revocation (401 from a server that wants client authentication), and the logout stands", async () => {
    fetchFn.mockResolvedValue(new Response('{"error":"invalid_client"}', { status: 401 }));
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client);
    expect(await signOut(client)).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false, status: 401 }], endingSession: false });
    expect(client.getToken()).toBeNull();
  });

  it("reports an unreachable server without a status, and never rejects", async () => {
    fetchFn.mockRejectedValue(new TypeError("Failed to fetch"));
    const client = make({ revocationEndpoint: REVOKE });
    await signIn(client);
    expect(await signOut(client)).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false }], endingSession: false });
  });

  it("gives up on a server that does not answer (after 10 s), then goes on to end the session", async () => {
    const timeout = new AbortController();
    const spy = vi.spyOn(AbortSignal, "timeout").mockReturnValue(timeout.signal);
    fetchFn.mockImplementation(
      (_url, init: RequestInit) =>
        new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(new DOMException("late", "TimeoutError")))),
    );
    const client = make({ revocationEndpoint: REVOKE, endSessionEndpoint: END });
    await signIn(client);
    const result = signOut(client, POST);
    await new Promise((r) => setTimeout(r, 10));
    expect(spy).toHaveBeenCalledWith(10_000);
    expect(submitted).toEqual([]);
    timeout.abort();
    expect(await result).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false }], endingSession: true });
    expect(submitted).toHaveLength(1);
  });

  it("takes revocation_endpoint from the provider metadata when there is no option", async () => {
    const client = make();
    internalsOf(client).metadata = async () => ({ revocation_endpoint: REVOKE });
    await signIn(client);
    await signOut(client);
    expect(fetchFn.mock.calls[0]![0]).toBe(REVOKE);
  });

  it("with nothing held, sends nothing; with revoke: false, sends nothing either", async () => {
    const client = make({ revocationEndpoint: REVOKE });
    expect(await signOut(client)).toEqual({ revocations: [], endingSession: false });
    await signIn(client);
    expect(await signOut(client, { revoke: false })).toEqual({ revocations: [], endingSession: false });
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it("refuses an insecure revocation endpoint (invalid_config), after the local logout, sending nothing", async () => {
    const client = make({ revocationEndpoint: "http://id.example.com/revoke" });
    await signIn(client);
    await expect(signOut(client)).rejects.toMatchObject({ code: "invalid_config", description: "revocationEndpoint" });
    expect(client.getToken()).toBeNull();
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

describe("signOut: RP-Initiated Logout", () => {
  it("posts id_token_hint, client_id, post_logout_redirect_uri and a one-time state to the end-session endpoint", async () => {
    const client = make({ endSessionEndpoint: END });
    await signIn(client);
    // An OpenID client's token carries the ID token.
    const token = internalsOf(client).tokens.get()!;
    internalsOf(client).tokens.set({ ...token, idToken: "eyJ.id.token" } as typeof token);
    const result = await signOut(client, { ...POST, appState: { back: "/orders" } });
    expect(result).toEqual({ revocations: [], endingSession: true });
    expect(submitted).toHaveLength(1);
    const [{ action, method, fields }] = submitted as [(typeof submitted)[0]];
    expect(action).toBe(END);
    expect(method).toBe("post");
    expect(fields).toEqual({
      id_token_hint: "eyJ.id.token",
      client_id: "spa",
      post_logout_redirect_uri: CALLBACK,
      state: expect.stringMatching(/^out\.[\w-]{43}$/),
    });
    // The storage holds the pending sign-out only: no token of any kind.
    expect(storage.writes.join()).not.toContain("eyJ.id.token");
    expect(storage.writes.join()).not.toContain("2YotnFZFEjr1zMsicMWpAA");
    expect(document.forms).toHaveLength(0);
  });

  it("posts own parameters only: a name some other code set on Object.prototype is no form field", async () => {
    const client = make({ endSessionEndpoint: END });
    await signIn(client);
    const proto = Object.prototype as Record<string, unknown>;
    proto.ui_locales = "planted";
    try {
      await signOut(client, POST);
    } finally {
      delete proto.ui_locales;
    }
    expect(Object.keys(submitted[0]!.fields).sort()).toEqual(["client_id", "post_logout_redirect_uri", "state"]);
  });

  it("navigates (GET) by default, with the same parameters in the query", async () => {
    const assign = vi.fn();
    const client = make({ endSessionEndpoint: END + "?tenant=a" });
    await signIn(client);
    vi.stubGlobal("location", { href: PAGE, origin: new URL(PAGE).origin, pathname: "/", assign });
    try {
      expect(await signOut(client)).toEqual({ revocations: [], endingSession: true });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(submitted).toEqual([]);
    const url = new URL(assign.mock.calls[0]![0]);
    expect(url.origin + url.pathname).toBe(END);
    expect([...url.searchParams.keys()]).toEqual(["tenant", "client_id", "post_logout_redirect_uri", "state"]);
    expect(url.searchParams.get("state")).toMatch(/^out\./);
    expect(storage.writes.join()).not.toContain("2YotnFZFEjr1zMsicMWpAA");
  });

  it("leaves id_token_hint out when no ID token is held, and uses postLogoutRedirectUri", async () => {
    const client = make({ endSessionEndpoint: END });
    await signOut(client, { ...POST, postLogoutRedirectUri: PAGE + "bye" });
    expect(submitted[0]!.fields).toEqual({ client_id: "spa", post_logout_redirect_uri: PAGE + "bye", state: expect.any(String) });
  });

  it("takes end_session_endpoint from the provider metadata; endSession: false skips it", async () => {
    const client = make();
    internalsOf(client).metadata = async () => ({ end_session_endpoint: END });
    expect((await signOut(client, { ...POST, endSession: false })).endingSession).toBe(false);
    expect(submitted).toEqual([]);
    expect((await signOut(client, POST)).endingSession).toBe(true);
    expect(submitted[0]!.action).toBe(END);
  });

  it("rejects discovery_failed when the metadata cannot be read, after the local logout, without navigating", async () => {
    const client = make();
    internalsOf(client).metadata = () => Promise.reject(Object.assign(new Error("x"), { name: "AuthError", code: "discovery_failed" }));
    await signIn(client);
    await expect(signOut(client)).rejects.toMatchObject({ code: "discovery_failed" });
    expect(client.getToken()).toBeNull();
    expect(submitted).toEqual([]);
  });

  it("rejects storage_unavailable when the pending sign-out cannot be stored, and does not navigate", async () => {
    storage = brokenStorage() as MemoryStorage;
    const client = make({ endSessionEndpoint: END });
    await expect(signOut(client)).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(submitted).toEqual([]);
  });

  it("refuses an insecure end-session endpoint or post-logout redirect URI", async () => {
    await expect(signOut(make({ endSessionEndpoint: "http://id.example.com/end" }))).rejects.toMatchObject({
      code: "invalid_config",
      description: "endSessionEndpoint",
    });
    await expect(signOut(make({ endSessionEndpoint: END }), { postLogoutRedirectUri: "http://app.example.com/" })).rejects.toMatchObject({
      code: "invalid_config",
      description: "postLogoutRedirectUri",
    });
    expect(submitted).toEqual([]);
  });
});

describe("handleSignOut on the return page", () => {
  /** Signs out and returns the state the end-session request carried. */
  const startSignOut = async (client: Client, appState?: unknown) => {
    await signOut(client, appState === undefined ? POST : { ...POST, appState });
    return submitted.at(-1)!.fields.state!;
  };

  it("completes a sign-out once: appState back, state out of the address bar, other query parameters kept", async () => {
    const client = make({ endSessionEndpoint: END });
    const state = await startSignOut(client, { back: "/orders" });
    history.replaceState({ kept: 1 }, "", CALLBACK + "?tab=2&state=" + encodeURIComponent(state));
    expect(handleSignOut(client)).toEqual({ revocations: [], appState: { back: "/orders" } });
    expect(location.href).toBe(CALLBACK + "?tab=2");
    expect(history.state).toEqual({ kept: 1 });
    // One-time: the same URL again is a replay.
    expect(() => handleSignOut(client, CALLBACK + "?state=" + state)).toThrow(expect.objectContaining({ code: "state_mismatch" }));
    expect(storage.data.size).toBe(0);
  });

  it("returns no appState when none was given, and the revocations the sign-out made", async () => {
    const client = make({ endSessionEndpoint: END });
    const state = await startSignOut(client);
    expect(handleSignOut(client, CALLBACK + "?state=" + state)).toEqual({ revocations: [] });
  });

  it("hands the revocation outcomes of the page that signed out to the return page (statuses, never the token)", async () => {
    fetchFn.mockResolvedValue(new Response(null, { status: 401 }));
    const client = make({ revocationEndpoint: REVOKE, endSessionEndpoint: END });
    await signIn(client, "2YotnFZFEjr1zMsicMWpAA");
    const state = await startSignOut(client);
    expect(storage.writes.join()).not.toContain("2YotnFZFEjr1zMsicMWpAA");
    expect(handleSignOut(client, CALLBACK + "?state=" + state)).toEqual({ revocations: [{ tokenTypeHint: "access_token", revoked: false, status: 401 }] });
  });

  it("returns null, touching nothing, for a URL without a sign-out state (an app's own ?state= included)", () => {
    const client = make();
    history.replaceState(null, "", PAGE + "?state=shipped#access");
    expect(handleSignOut(client)).toBeNull();
    expect(handleSignOut(client, PAGE)).toBeNull();
    expect(location.href).toBe(PAGE + "?state=shipped#access");
  });

  it("refuses a forged or unknown sign-out state (state_mismatch), and removes it from the address bar", () => {
    const client = make();
    history.replaceState(null, "", CALLBACK + "?state=out.forged");
    expect(() => handleSignOut(client)).toThrow(expect.objectContaining({ code: "state_mismatch", description: "state unknown or used" }));
    expect(location.href).toBe(CALLBACK);
  });

  it("refuses an expired sign-out (stateTtl)", async () => {
    const client = make({ endSessionEndpoint: END, stateTtl: 60 });
    const state = await startSignOut(client);
    vi.useFakeTimers({ now: Date.now() + 61_000 });
    expect(() => handleSignOut(client, CALLBACK + "?state=" + state)).toThrow(expect.objectContaining({ code: "state_mismatch" }));
  });

  it("refuses a state given twice (invalid_response), and the sign-out cannot be completed after", async () => {
    const client = make({ endSessionEndpoint: END });
    const state = await startSignOut(client);
    expect(() => handleSignOut(client, CALLBACK + "?state=" + state + "&state=" + state)).toThrow(expect.objectContaining({ code: "invalid_response" }));
  });

  it("a login's state never completes a sign-out, and a sign-out's never completes a login", async () => {
    const client = make({ endSessionEndpoint: END });
    const loginState = new URL(await client.authorizationUrl()).searchParams.get("state")!;
    expect(() => handleSignOut(client, CALLBACK + "?state=out." + loginState)).toThrow(expect.objectContaining({ code: "state_mismatch" }));
    const state = await startSignOut(client);
    await expect(client.handleRedirect(CALLBACK + "#access_token=x&token_type=Bearer&state=" + state)).rejects.toMatchObject({ code: "state_mismatch" });
    expect(client.getToken()).toBeNull();
    expect(handleSignOut(client, CALLBACK + "?state=" + state)).toEqual({ revocations: [] });
  });
});
