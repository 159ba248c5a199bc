import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { channelName } from "../../src/client/handoff";
import { loginWithPopup } from "../../src/session/popup";
import type { ClientOptions } from "../../src/client/types";
import { MemoryStorage, brokenStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT, fakePopup, flush, freshClientId, granted, handoff, makeClient, post, stateIn, tokensOf } from "../support/session";

let storage: MemoryStorage;
let popup: ReturnType<typeof fakePopup>;
let open: ReturnType<typeof vi.fn>;
const make = (extra: Partial<ClientOptions> = {}) => makeClient(storage, extra);
/** The popup as the page sees it (the `source` of its messages). */
const win = () => popup as unknown as Window;

/** Waits until the popup was sent to the authorization server; returns the request's URL. */
const loaded = async () => {
  for (let i = 0; i < 50 && !popup.location.replace.mock.calls.length; i++) await flush();
  const url = popup.location.replace.mock.lastCall?.[0];
  if (!url) throw new Error("the popup was not sent anywhere");
  return url;
};

beforeEach(() => {
  storage = new MemoryStorage();
  popup = fakePopup();
  open = vi.fn(() => popup);
  vi.stubGlobal("open", open);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("loginWithPopup", () => {
  it("opens the window synchronously, in the caller's click, before any await", () => {
    const promise = loginWithPopup(make());
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith("", "", expect.stringContaining("popup"));
    promise.catch(() => undefined);
  });

  it("then loads the authorization request (popup state, redirectUri, no prompt) into it", async () => {
    const promise = loginWithPopup(make(), { scope: "orders", extraParams: { ui_locales: "de" } });
    const url = new URL(await loaded());
    expect(url.origin + url.pathname).toBe(ENDPOINT);
    expect(url.searchParams.get("state")).toMatch(/^p\.[\w-]{43}$/);
    expect(url.searchParams.get("redirect_uri")).toBe(CALLBACK);
    expect(url.searchParams.get("scope")).toBe("orders");
    expect(url.searchParams.get("ui_locales")).toBe("de");
    expect(url.searchParams.has("prompt")).toBe(false);
    expect(popup.close).not.toHaveBeenCalled();
    promise.catch(() => undefined);
  });

  it("resolves the token and appState the popup hands over, holds the token, and closes the popup", async () => {
    const client = make();
    const seen = tokensOf(client);
    const promise = loginWithPopup(client, { appState: { route: "/orders" } });
    const state = stateIn(await loaded());
    post(handoff(granted(state, "popup-token"), CALLBACK), win());
    const result = await promise;
    expect(result).toEqual({ token: expect.objectContaining({ accessToken: "popup-token" }), appState: { route: "/orders" } });
    expect(client.getToken()?.accessToken).toBe("popup-token");
    expect(seen).toHaveLength(1);
    expect(popup.close).toHaveBeenCalled();
  });

  it("rejects with the server's error (access_denied), with the appState, and closes the popup", async () => {
    const promise = loginWithPopup(make(), { appState: 7 });
    const state = stateIn(await loaded());
    post(handoff(`error=access_denied&state=${state}`, CALLBACK), win());
    await expect(promise).rejects.toMatchObject({ code: "access_denied", appState: 7 });
    expect(popup.close).toHaveBeenCalled();
  });

  it("step-up: more scope in a popup replaces the held token only when one is granted", async () => {
    const client = make();
    let promise = loginWithPopup(client, { scope: ["profile"] });
    post(handoff(granted(stateIn(await loaded()), "first-token", "&scope=profile"), CALLBACK), win());
    const held = (await promise).token;
    // Denied, or closed: the client keeps the token it had.
    popup.location.replace.mockClear();
    promise = loginWithPopup(client, { scope: [...held.scope, "orders"] });
    const asked = new URL(await loaded());
    expect(asked.searchParams.get("scope")).toBe("profile orders");
    post(handoff(`error=access_denied&state=${stateIn(asked.href)}`, CALLBACK), win());
    await expect(promise).rejects.toMatchObject({ code: "access_denied" });
    expect(client.getToken()).toBe(held);
    // Granted: the new token replaces it.
    popup.location.replace.mockClear();
    promise = loginWithPopup(client, { scope: [...held.scope, "orders"] });
    post(handoff(granted(stateIn(await loaded()), "second-token", "&scope=profile%20orders"), CALLBACK), win());
    expect((await promise).token).toMatchObject({ accessToken: "second-token", scope: ["profile", "orders"] });
    expect(client.getToken()?.accessToken).toBe("second-token");
  });

  it("rejects with an error that the server sent in the query of the redirect page (handed over as its response part)", async () => {
    const promise = loginWithPopup(make(), { appState: 8 });
    const state = stateIn(await loaded());
    post({ implicitly: `#&error=access_denied&state=${state}` }, win());
    await expect(promise).rejects.toMatchObject({ code: "access_denied", appState: 8 });
    expect(popup.close).toHaveBeenCalled();
  });

  it("checks the origin of the per-call redirectUri", async () => {
    const other = "http://127.0.0.1:3000/cb";
    const promise = loginWithPopup(make(), { redirectUri: other });
    const state = stateIn(await loaded());
    post(handoff(granted(state, "forged"), CALLBACK), win()); // the page's origin, not the redirect URI's
    await flush();
    expect(popup.close).not.toHaveBeenCalled();
    post(handoff(granted(state), other), win(), "http://127.0.0.1:3000");
    expect((await promise).token.accessToken).toBe("renewed-token");
  });

  it("ignores messages from another origin, another window, or with another state", async () => {
    const client = make();
    const seen = tokensOf(client);
    const promise = loginWithPopup(client);
    const state = stateIn(await loaded());
    post(handoff(granted(state, "forged"), CALLBACK), win(), "https://evil.test");
    post(handoff(granted(state, "forged"), CALLBACK), window);
    post(handoff(granted(state, "forged"), CALLBACK), fakePopup() as unknown as Window);
    post(handoff(granted("p.other", "forged"), CALLBACK), win());
    await flush();
    expect(seen).toEqual([]);
    post(handoff(granted(state), CALLBACK), win());
    expect((await promise).token.accessToken).toBe("renewed-token");
    // …and a replay once settled.
    post(handoff(granted(state, "replayed"), CALLBACK), win());
    await flush();
    expect(seen).toHaveLength(1);
  });

  it("rejects popup_blocked when window.open returns null, leaving no pending login behind", async () => {
    open.mockReturnValue(null);
    await expect(loginWithPopup(make())).rejects.toMatchObject({ name: "AuthError", code: "popup_blocked" });
    expect(storage.writes).toEqual([]);
    expect(storage.data.size).toBe(0);
  });

  it("rejects popup_closed when the user closes the popup (after a short grace), and stops waiting", async () => {
    vi.useFakeTimers();
    const client = make();
    const seen = tokensOf(client);
    const promise = loginWithPopup(client);
    const outcome = promise.catch((e: unknown) => e);
    const state = stateIn(await loaded());
    vi.advanceTimersByTime(10_000);
    await flush();
    popup.closed = true;
    vi.advanceTimersByTime(1500);
    await flush();
    expect(popup.close).not.toHaveBeenCalled(); // still waiting
    vi.advanceTimersByTime(1500);
    expect(await outcome).toMatchObject({ name: "AuthError", code: "popup_closed" });
    expect(vi.getTimerCount()).toBe(0);
    post(handoff(granted(state), CALLBACK), win());
    await flush();
    expect(seen).toEqual([]);
  });

  it("rejects timeout after popupTimeout seconds (300 by default) and closes the popup", async () => {
    vi.useFakeTimers();
    let outcome = loginWithPopup(make()).catch((e: unknown) => e);
    await loaded();
    vi.advanceTimersByTime(299_999);
    await flush();
    expect(popup.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ code: "timeout" });
    expect(popup.close).toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);

    popup = fakePopup();
    open.mockReturnValue(popup);
    outcome = loginWithPopup(make(), { popupTimeout: 20 }).catch((e: unknown) => e);
    await loaded();
    vi.advanceTimersByTime(20_000);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e10])("rejects popupTimeout %s with invalid_config, opening nothing", async (popupTimeout) => {
    await expect(loginWithPopup(make(), { popupTimeout })).rejects.toMatchObject({ code: "invalid_config", description: "popupTimeout" });
    expect(open).not.toHaveBeenCalled();
  });

  it("closes the popup when the request cannot be started", async () => {
    await expect(loginWithPopup(make({ storage: brokenStorage() }))).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(popup.close).toHaveBeenCalled();
  });
});

describe("loginWithPopup when Cross-Origin-Opener-Policy cut the popup's opener link", () => {
  const channels: BroadcastChannel[] = [];
  afterEach(() => channels.splice(0).forEach((c) => c.close()));
  /** A channel of the popup's redirect page. */
  const popupChannel = (clientId: string) => {
    const channel = new BroadcastChannel(channelName(clientId));
    channels.push(channel);
    return channel;
  };

  it("takes the response from the redirect page's handleRedirect over the BroadcastChannel", async () => {
    const clientId = freshClientId();
    const client = make({ clientId });
    const promise = loginWithPopup(client);
    const state = stateIn(await loaded());
    // The redirect page in the popup: same app, same client id, no opener (jsdom's is null).
    vi.stubGlobal("opener", null);
    const close = vi.fn();
    vi.stubGlobal("close", close); // the popup closes itself: nobody else can when the link is cut
    const redirectPage = createClient({ authorizationEndpoint: ENDPOINT, clientId, redirectUri: CALLBACK, storage: new MemoryStorage() });
    const closeChannel = vi.spyOn(BroadcastChannel.prototype, "close");
    await expect(redirectPage.handleRedirect(CALLBACK + "#" + granted(state, "via-channel"))).resolves.toBeNull();
    // The redirect page's channel is closed at once (the message is already on its way).
    expect(closeChannel).toHaveBeenCalledOnce();
    expect(close).toHaveBeenCalledOnce();
    expect(redirectPage.getToken()).toBeNull();
    expect((await promise).token.accessToken).toBe("via-channel");
    expect(client.getToken()?.accessToken).toBe("via-channel");
  });

  it("still takes it shortly after the popup looks closed (the cut link reads as closed)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const clientId = freshClientId();
    const promise = loginWithPopup(make({ clientId }));
    const state = stateIn(await loaded());
    popup.closed = true;
    vi.advanceTimersByTime(1500);
    popupChannel(clientId).postMessage(handoff(granted(state, "late"), CALLBACK));
    expect((await promise).token.accessToken).toBe("late");
  });

  it("checks the state of a channel message, and closes the channel when settled", async () => {
    const clientId = freshClientId();
    const client = make({ clientId });
    const seen = tokensOf(client);
    const promise = loginWithPopup(client);
    const state = stateIn(await loaded());
    const channel = popupChannel(clientId);
    channel.postMessage(handoff(granted("p.forged", "forged"), CALLBACK));
    channel.postMessage({ implicitly: 42 });
    channel.postMessage(null);
    channel.postMessage(handoff(granted(state), CALLBACK));
    expect((await promise).token.accessToken).toBe("renewed-token");
    channel.postMessage(handoff(granted(state, "replayed"), CALLBACK));
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.map((t) => t.accessToken)).toEqual(["renewed-token"]);
  });

  it("ignores the channel of another client id", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const clientId = freshClientId();
    const outcome = loginWithPopup(make({ clientId }), { popupTimeout: 1 }).catch((e: unknown) => e);
    const state = stateIn(await loaded());
    popupChannel(freshClientId()).postMessage(handoff(granted(state), CALLBACK));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    vi.advanceTimersByTime(1000);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it("works without BroadcastChannel (older browsers): through the opener only", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const promise = loginWithPopup(make());
    const state = stateIn(await loaded());
    post(handoff(granted(state), CALLBACK), win());
    expect((await promise).token.accessToken).toBe("renewed-token");
  });
});
