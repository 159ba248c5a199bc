import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { renew } from "../../src/session/renew";
import { FRAME_GRACE } from "../../src/session/await-response";
import type { Client, ClientOptions } from "../../src/client/types";
import { MemoryStorage, brokenStorage } from "../support/memory-storage";
import {
  CALLBACK,
  ENDPOINT,
  ORIGIN,
  SILENT,
  flush,
  frames,
  framesLeft,
  granted,
  handoff,
  makeClient,
  nextFrame,
  post,
  stateIn,
  tokensOf,
} from "../support/session";

let storage: MemoryStorage;
const make = (extra: Partial<ClientOptions> = {}) => makeClient(storage, extra);

/** Starts a renewal and returns it with its frame, the frame's window and its request. */
const started = async (client: Client, opts = {}) => {
  const promise = renew(client, opts);
  const frame = await nextFrame();
  const url = new URL(frame.src);
  return { promise, frame, win: frame.contentWindow!, url, state: stateIn(frame.src) };
};

beforeEach(() => {
  storage = new MemoryStorage();
});
afterEach(() => {
  vi.useRealTimers();
  frames().forEach((f) => f.remove());
});

/** Makes `frame` look as if it had loaded `url` (null: a page of another origin), and fires its load event. */
const loaded = (frame: HTMLIFrameElement, url: string | null) => {
  Object.defineProperty(frame, "contentDocument", {
    configurable: true,
    value: url === null ? null : { location: new URL(url) },
  });
  frame.dispatchEvent(new Event("load"));
};

describe("renew: a frame that does not reach the redirect page", () => {
  it("rejects page_in_frame, naming the redirect URI, soon after the frame loads a page of another origin (the server's error page, a refused frame, a login page)", async () => {
    vi.useFakeTimers();
    const client = make();
    const { promise, frame } = await started(client);
    const outcome = promise.catch((e: unknown) => e);
    loaded(frame, null);
    vi.advanceTimersByTime(FRAME_GRACE - 1);
    await flush();
    expect(frame.isConnected).toBe(true);
    vi.advanceTimersByTime(1);
    // Not the server's interaction_required: a server that honours prompt=none shows no page.
    expect(await outcome).toMatchObject({ name: "AuthError", code: "page_in_frame", description: SILENT });
    expect(await framesLeft()).toEqual([]);
    expect(frame.isConnected).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(FRAME_GRACE).toBe(1000);
  });

  it("also for a page of this origin that is not the redirect page (or about:blank)", async () => {
    vi.useFakeTimers();
    for (const url of [ORIGIN + "/404", "about:blank", SILENT + "/x"]) {
      const { promise, frame } = await started(make());
      const outcome = promise.catch((e: unknown) => e);
      loaded(frame, url);
      vi.advanceTimersByTime(FRAME_GRACE);
      expect(await outcome, url).toMatchObject({ code: "page_in_frame" });
      expect(await framesLeft()).toEqual([]);
    }
  });

  it("waits on when the frame reaches the redirect page, whatever its query and fragment (cleaned or not)", async () => {
    vi.useFakeTimers();
    const client = make({ silentTimeout: 5 });
    const { promise, frame, win, state } = await started(client);
    loaded(frame, SILENT + "?x=1#" + granted(state));
    loaded(frame, SILENT);
    vi.advanceTimersByTime(4000);
    await flush();
    expect(frame.isConnected).toBe(true);
    post(handoff(granted(state)), win);
    expect((await promise).accessToken).toBe("renewed-token");
  });

  it("gives a page that redirects by script its grace: a later load of the redirect page cancels the rejection", async () => {
    vi.useFakeTimers();
    const client = make();
    const { promise, frame, win, state } = await started(client);
    loaded(frame, null);
    vi.advanceTimersByTime(FRAME_GRACE / 2);
    loaded(frame, SILENT + "#" + granted(state));
    vi.advanceTimersByTime(FRAME_GRACE * 2);
    await flush();
    expect(frame.isConnected).toBe(true);
    post(handoff(granted(state)), win);
    expect((await promise).accessToken).toBe("renewed-token");
  });

  it("takes a response that comes during the grace", async () => {
    vi.useFakeTimers();
    const client = make();
    const { promise, frame, win, state } = await started(client);
    loaded(frame, null);
    post(handoff(`error=login_required&state=${state}`), win);
    await expect(promise).rejects.toMatchObject({ code: "login_required" });
    expect(await framesLeft()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps timeout for a server that never answers (no load at all)", async () => {
    vi.useFakeTimers();
    const { promise } = await started(make({ silentTimeout: 3 }));
    const outcome = promise.catch((e: unknown) => e);
    vi.advanceTimersByTime(3000);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it("takes an error response that the server sent in the query of the redirect page", async () => {
    const client = make();
    const { promise, win, state } = await started(client);
    post({ implicitly: `#&error=login_required&state=${state}` }, win);
    await expect(promise).rejects.toMatchObject({ code: "login_required" });
  });
});

describe("renew", () => {
  it("loads a prompt=none request for silentRedirectUri in a hidden iframe, with a frame state", async () => {
    const { frame, url, state } = await started(make({ extraParams: { prompt: "login" } }));
    expect(url.origin + url.pathname).toBe(ENDPOINT);
    expect(url.searchParams.getAll("prompt")).toEqual(["none"]);
    expect(url.searchParams.get("redirect_uri")).toBe(SILENT);
    expect(url.searchParams.get("response_type")).toBe("token");
    expect(url.searchParams.get("scope")).toBe("profile");
    expect(state).toMatch(/^f\.[\w-]{43}$/);
    expect(frame.style.display).toBe("none");
    expect(frame.isConnected).toBe(true);
  });

  it("defaults the frame's redirect URI to redirectUri; takes a per-call redirectUri and scope", async () => {
    let run = await started(createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage }));
    expect(run.url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/cb");
    run.frame.remove();
    run = await started(make(), { redirectUri: "http://localhost:3000/other", scope: "orders" });
    expect(run.url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/other");
    expect(run.url.searchParams.get("scope")).toBe("orders");
  });

  it("resolves the token the frame hands over, holds it, emits token, and removes the frame", async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ["Date"] });
    const client = make();
    const seen = tokensOf(client);
    const { promise, frame, win, state } = await started(client);
    post(handoff(granted(state, "renewed-token", "&expires_in=600&scope=profile")), win);
    const token = await promise;
    expect(token).toEqual({ accessToken: "renewed-token", tokenType: "Bearer", scope: ["profile"], expiresAt: 1_000_000 + 570_000 });
    expect(client.getToken()).toEqual(token);
    expect(seen).toEqual([token]);
    expect((await framesLeft(), frame.isConnected)).toBe(false);
    expect(await framesLeft()).toEqual([]);
  });

  it("removes the frame right after the promise settles, not before: the caller has its outcome first", async () => {
    const client = make();
    let run = await started(client);
    post(handoff(granted(run.state)), run.win);
    await run.promise;
    expect(run.frame.isConnected).toBe(true);
    expect(await framesLeft()).toEqual([]);
    run = await started(client);
    post(handoff(`error=login_required&state=${run.state}`), run.win);
    await expect(run.promise).rejects.toMatchObject({ code: "login_required" });
    expect(run.frame.isConnected).toBe(true);
    expect(await framesLeft()).toEqual([]);
  });

  it("validates the response exactly as handleRedirect: token type", async () => {
    const client = make();
    const { promise, win, state } = await started(client);
    post(handoff(`access_token=a&token_type=mac&state=${state}`), win);
    await expect(promise).rejects.toMatchObject({ code: "unsupported_token_type" });
    expect(client.getToken()).toBeNull();
    expect(await framesLeft()).toEqual([]);
  });

  it.each(["login_required", "interaction_required", "consent_required", "account_selection_required"])(
    "rejects with the server's %s, and removes the frame",
    async (code) => {
      const client = make();
      const { promise, win, state } = await started(client);
      post(handoff(`error=${code}&error_description=No+session&state=${state}`), win);
      await expect(promise).rejects.toMatchObject({ name: "AuthError", code, description: "No session" });
      expect(client.getToken()).toBeNull();
      expect(await framesLeft()).toEqual([]);
    },
  );

  describe("accepts only the response of its own frame, origin and request", () => {
    const forgeries: [string, (run: Awaited<ReturnType<typeof started>>) => void][] = [
      ["another origin", ({ win, state }) => post(handoff(granted(state, "forged")), win, "https://evil.test")],
      ["the page's origin with another port", ({ win, state }) => post(handoff(granted(state, "forged")), win, "http://localhost:3001")],
      ["another window (this page)", ({ state }) => post(handoff(granted(state, "forged")), window)],
      [
        "another frame",
        ({ state }) => {
          const other = document.createElement("iframe");
          document.body.append(other);
          post(handoff(granted(state, "forged")), other.contentWindow);
        },
      ],
      ["no source", ({ state }) => post(handoff(granted(state, "forged")), null)],
      ["another state", ({ win }) => post(handoff(granted("f.other", "forged")), win)],
      ["no state", ({ win }) => post(handoff("access_token=forged&token_type=Bearer"), win)],
      ["the state of a normal login (no frame mark)", ({ win, state }) => post(handoff(granted(state.slice(2), "forged")), win)],
      ["a malformed response", ({ win, state }) => post(handoff(granted(state, "forged", "&state=" + state)), win)],
      ["data that is not a handoff", ({ win, state }) => post(granted(state, "forged"), win)],
      ["a handoff that is not a string", ({ win, state }) => post({ implicitly: [SILENT + "#" + granted(state, "forged")] }, win)],
      ["null", ({ win }) => post(null, win)],
    ];

    it.each(forgeries)("ignores a message from %s, then takes the real one", async (_name, forge) => {
      const client = make();
      const seen = tokensOf(client);
      const run = await started(client);
      forge(run);
      await flush();
      expect(seen).toEqual([]);
      expect(run.frame.isConnected).toBe(true);
      post(handoff(granted(run.state)), run.win);
      expect((await run.promise).accessToken).toBe("renewed-token");
      expect(seen).toHaveLength(1);
    });
  });

  it("ignores a replayed response once settled, and an old response in a later renewal", async () => {
    const client = make();
    const seen = tokensOf(client);
    const first = await started(client);
    const message = handoff(granted(first.state));
    post(message, first.win);
    await first.promise;
    post(message, first.win);
    await flush();
    expect(seen).toHaveLength(1);
    expect(await framesLeft()).toEqual([]);

    const second = await started(client);
    post(message, second.win); // the first request's state, from the new frame
    await flush();
    expect(second.frame.isConnected).toBe(true);
    expect(seen).toHaveLength(1);
    post(handoff(granted(second.state, "second-token")), second.win);
    expect((await second.promise).accessToken).toBe("second-token");
  });

  it("shares one frame between concurrent calls (single flight), and starts a new one afterwards", async () => {
    const client = make();
    const a = renew(client);
    const b = renew(client, { scope: "ignored" });
    expect(b).toBe(a);
    const frame = await nextFrame();
    await flush();
    expect(frames()).toHaveLength(1);
    expect(renew(client)).toBe(a);
    post(handoff(granted(stateIn(frame.src))), frame.contentWindow);
    expect(await a).toBe(await b);
    expect(await framesLeft()).toHaveLength(0);

    const c = renew(client);
    expect(c).not.toBe(a);
    const next = await nextFrame();
    expect(next).not.toBe(frame);
    post(handoff(`error=login_required&state=${stateIn(next.src)}`), next.contentWindow);
    await expect(c).rejects.toMatchObject({ code: "login_required" });
    // A failed flight is over too.
    const d = renew(client);
    expect(d).not.toBe(c);
    d.catch(() => undefined);
  });

  it("never joins a renewal begun before a logout: a call after it starts its own frame, which gives the token", async () => {
    const client = make();
    const before = renew(client);
    before.catch(() => undefined);
    const first = await nextFrame();
    client.logout();
    const after = renew(client);
    expect(after).not.toBe(before);
    // The older frame is still there (its answer is awaited, and refused): the new one is next to it.
    const second = await vi.waitFor(() => frames()[1] ?? Promise.reject(new Error("no second frame")), { timeout: 2000, interval: 5 });
    expect(second).not.toBe(first);
    expect(renew(client)).toBe(after);
    post(handoff(granted(stateIn(second.src))), second.contentWindow);
    expect((await after).accessToken).toBe(client.getToken()!.accessToken);
    // The older one's answer sets nothing after the logout.
    post(handoff(granted(stateIn(first.src))), first.contentWindow);
    await expect(before).rejects.toMatchObject({ code: "login_required" });
  });

  it("keeps flights of different clients apart", async () => {
    const one = make();
    const two = make({ clientId: "other" });
    const a = renew(one);
    const b = renew(two);
    expect(b).not.toBe(a);
    await flush();
    await flush();
    expect(frames()).toHaveLength(2);
    a.catch(() => undefined);
    b.catch(() => undefined);
  });

  it("rejects timeout after silentTimeout seconds, removes the frame and every listener and timer", async () => {
    vi.useFakeTimers();
    const client = make({ silentTimeout: 5 });
    const seen = tokensOf(client);
    const remove = vi.spyOn(window, "removeEventListener");
    const { promise, frame, win, state } = await started(client);
    const outcome = promise.catch((e: unknown) => e);
    vi.advanceTimersByTime(4999);
    await flush();
    expect(frame.isConnected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ name: "AuthError", code: "timeout" });
    expect((await framesLeft(), frame.isConnected)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(remove).toHaveBeenCalledWith("message", expect.any(Function));
    // A late answer is ignored.
    post(handoff(granted(state)), win);
    await flush();
    expect(seen).toEqual([]);
    expect(client.getToken()).toBeNull();
  });

  it("waits 10 s by default", async () => {
    vi.useFakeTimers();
    const { promise } = await started(make());
    const outcome = promise.catch((e: unknown) => e);
    vi.advanceTimersByTime(9999);
    await flush();
    expect(frames()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ code: "timeout" });
  });

  it("leaves no listener or timer behind on success", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const add = vi.spyOn(window, "addEventListener");
    const remove = vi.spyOn(window, "removeEventListener");
    const client = make({ expiringNotice: 0 });
    const { promise, win, state } = await started(client);
    post(handoff(granted(state, "t", "")), win); // no expires_in: the token arms no timers
    await promise;
    await framesLeft(); // runs the frame's removal
    expect(vi.getTimerCount()).toBe(0);
    const listener = add.mock.calls.find(([type]) => type == "message")![1];
    expect(remove).toHaveBeenCalledWith("message", listener);
  });

  it("adds no frame when the request cannot be started (storage_unavailable)", async () => {
    await expect(renew(make({ storage: brokenStorage() }))).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(await framesLeft()).toEqual([]);
  });

  it("rejects an invalid silentRedirectUri with invalid_config, adding no frame", async () => {
    for (const silentRedirectUri of ["http://evil.test/silent", "https://localhost:3000/silent#x", "silent"]) {
      await expect(renew(make({ silentRedirectUri }))).rejects.toMatchObject({ code: "invalid_config", description: "silentRedirectUri" });
    }
    expect(await framesLeft()).toEqual([]);
  });

  it("rejects invalid_config for an object that is not a client", async () => {
    await expect(renew({} as Client)).rejects.toMatchObject({ code: "invalid_config" });
  });

  it("never navigates the page and leaves the address bar alone", async () => {
    const before = location.href;
    const { promise, win, state } = await started(make());
    post(handoff(granted(state)), win);
    await promise;
    expect(location.href).toBe(before);
    expect(ORIGIN).toBe(location.origin);
  });
});
