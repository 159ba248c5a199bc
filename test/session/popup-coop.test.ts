// loginWithPopup when the authorization server's page sends Cross-Origin-Opener-Policy: the popup
// reads as closed from its first page of the server on (the link is cut), while the user is still
// signing in there. It keeps waiting for the response over the BroadcastChannel; it reports
// popup_closed only once this page has the focus back (closing a popup focuses its opener), or
// rejects timeout at popupTimeout. A popup seen on a page of the server with the link intact and
// then closed is reported after the short grace, as before.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { channelName } from "../../src/client/handoff";
import { loginWithPopup } from "../../src/session/popup";
import { MemoryStorage } from "../support/memory-storage";
import { fakePopup, flush, freshClientId, granted, handoff, makeClient, stateIn, CALLBACK } from "../support/session";

let popup: ReturnType<typeof fakePopup>;
const channels: BroadcastChannel[] = [];

const loaded = async () => {
  for (let i = 0; i < 50 && !popup.location.replace.mock.calls.length; i++) await flush();
  return popup.location.replace.mock.lastCall![0];
};
/** The popup's link cut at the server's first page: it reads as closed before any poll saw it away. */
const cut = () => (popup.closed = true);
const send = (clientId: string, message: unknown) => {
  const channel = new BroadcastChannel(channelName(clientId));
  channels.push(channel);
  channel.postMessage(message);
};

beforeEach(() => {
  popup = fakePopup();
  vi.stubGlobal(
    "open",
    vi.fn(() => popup),
  );
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});
afterEach(() => {
  channels.splice(0).forEach((c) => c.close());
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("loginWithPopup behind Cross-Origin-Opener-Policy", () => {
  it("keeps waiting while the user signs in at a page that cut the link, and takes the response from the channel", async () => {
    const clientId = freshClientId();
    const client = makeClient(new MemoryStorage(), { clientId });
    const promise = loginWithPopup(client);
    const outcome = promise.then(
      (r) => r,
      (e: unknown) => e,
    );
    const state = stateIn(await loaded());
    cut();
    vi.advanceTimersByTime(120_000); // two minutes at the login page
    await flush();
    send(clientId, handoff(granted(state, "after-coop"), CALLBACK));
    expect(await outcome).toMatchObject({ token: { accessToken: "after-coop" } });
    expect(client.getToken()?.accessToken).toBe("after-coop");
  });

  it("a popup read on another origin for a moment before the cut reaches this page still counts as cut (the race of a busy machine)", async () => {
    const clientId = freshClientId();
    const client = makeClient(new MemoryStorage(), { clientId });
    const outcome = loginWithPopup(client).then(
      (r) => r,
      (e: unknown) => e,
    );
    const state = stateIn(await loaded());
    // One poll reads the server's first page with the link still intact, the next one reads the cut.
    vi.advanceTimersByTime(100);
    cut();
    vi.advanceTimersByTime(60_000); // a minute at the login page: no popup_closed
    await flush();
    send(clientId, handoff(granted(state, "after-race"), CALLBACK));
    expect(await outcome).toMatchObject({ token: { accessToken: "after-race" } });
  });

  it("reports popup_closed once this page has the focus back (the user closed the popup), after the short grace", async () => {
    const promise = loginWithPopup(makeClient(new MemoryStorage(), { clientId: freshClientId() }));
    const outcome = promise.catch((e: unknown) => e);
    await loaded();
    cut();
    vi.advanceTimersByTime(30_000);
    await flush();
    dispatchEvent(new Event("focus"));
    vi.advanceTimersByTime(2000);
    await flush();
    expect(popup.close).not.toHaveBeenCalled(); // still within the grace
    vi.advanceTimersByTime(1000);
    expect(await outcome).toMatchObject({ name: "AuthError", code: "popup_closed" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a focus while the link was intact does not count", async () => {
    const promise = loginWithPopup(makeClient(new MemoryStorage(), { clientId: freshClientId() }));
    const outcome = promise.then(
      () => "resolved",
      (e: unknown) => e,
    );
    await loaded();
    dispatchEvent(new Event("focus"));
    cut();
    vi.advanceTimersByTime(60_000);
    await flush();
    let settled = false;
    void outcome.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    vi.advanceTimersByTime(300_000);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it("rejects timeout at popupTimeout when nothing comes", async () => {
    const promise = loginWithPopup(makeClient(new MemoryStorage(), { clientId: freshClientId() }), { popupTimeout: 30 });
    const outcome = promise.catch((e: unknown) => e);
    await loaded();
    cut();
    vi.advanceTimersByTime(30_000);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it("a popup seen on the server's page with the link intact, then closed, is reported after the short grace", async () => {
    const promise = loginWithPopup(makeClient(new MemoryStorage(), { clientId: freshClientId() }));
    const outcome = promise.catch((e: unknown) => e);
    await loaded();
    vi.advanceTimersByTime(1000); // a poll reads the popup's location: another origin's
    popup.closed = true;
    vi.advanceTimersByTime(3000);
    expect(await outcome).toMatchObject({ code: "popup_closed" });
  });
});
