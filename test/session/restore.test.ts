import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { internalsOf } from "../../src/client/internals";
import { restore } from "../../src/session/restore";
import { syncTabs } from "../../src/session/tabs";
import type { Client, ClientOptions } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, PAGE, flush, frames, framesLeft, freshClientId, granted, handoff, makeClient, nextFrame, post, stateIn } from "../support/session";
import { signIn } from "../support/sign-in";

let storage: MemoryStorage;
let clientId: string;
const stops: (() => void)[] = [];
const make = (extra: Partial<ClientOptions> = {}) => makeClient(storage, { clientId, ...extra });

/** Answers the renewal frame that appears next. */
const answerFrame = async (answer: (state: string) => string) => {
  const frame = await nextFrame();
  post(handoff(answer(stateIn(frame.src))), frame.contentWindow);
};
const assign = vi.fn();

beforeEach(() => {
  storage = new MemoryStorage();
  clientId = freshClientId();
  history.replaceState(null, "", "/");
  assign.mockReset();
  vi.stubGlobal("location", new Proxy(location, { get: (l, k) => (k == "assign" ? assign : Reflect.get(l, k)) }));
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  frames().forEach((f) => f.remove());
  stops.splice(0).forEach((stop) => stop());
  // Whatever tab sync a restore() started: a logout in this test's "app" closes nothing, so
  // each test uses a client id of its own (see freshClientId).
});

describe("restore: the URL carries an authorization response", () => {
  it("completes it and resolves its token, cleaning the address bar, with no frame", async () => {
    const client = make();
    const state = stateIn(await client.authorizationUrl());
    history.replaceState(null, "", CALLBACK + "?x=1#" + granted(state, "redirect-token"));
    const token = await restore(client, { tabs: false });
    expect(token?.accessToken).toBe("redirect-token");
    expect(client.getToken()).toEqual(token);
    expect(location.href).toBe(CALLBACK + "?x=1");
    expect(await framesLeft()).toEqual([]);
  });

  it("rejects with its error (e.g. access_denied), and tries no silent renewal", async () => {
    const client = make();
    const state = stateIn(await client.authorizationUrl());
    history.replaceState(null, "", CALLBACK + `#error=access_denied&state=${state}`);
    await expect(restore(client, { tabs: false })).rejects.toMatchObject({ code: "access_denied" });
    await flush();
    expect(await framesLeft()).toEqual([]);
  });

  it.each(["f", "p"])("in a frame or popup (%s. state) only hands the response over and resolves null", async (via) => {
    const client = make();
    const BC = vi.fn();
    vi.stubGlobal(
      "BroadcastChannel",
      class extends BroadcastChannel {
        constructor(name: string) {
          super(name);
          BC(name);
        }
      },
    );
    vi.stubGlobal("opener", null);
    const close = vi.fn();
    vi.stubGlobal("close", close);
    history.replaceState(null, "", CALLBACK + "#" + granted(via + ".abc"));
    await expect(restore(client, { autoRenew: true, shareTokens: true })).resolves.toBeNull();
    await flush();
    expect(await framesLeft()).toEqual([]);
    expect(client.getToken()).toBeNull();
    expect(internalsOf(client).hooks.retry).toBeUndefined();
    // No tab sync (the core's handoff may open a channel of its own: this page has no opener).
    expect(BC.mock.calls.map(([name]) => name)).not.toContain("implicitly-tabs:" + clientId);
    expect(location.href).toBe(CALLBACK);
    expect(close).toHaveBeenCalledTimes(via == "p" ? 1 : 0); // a popup closes itself
  });
});

describe("restore: an error response in the query", () => {
  it("rejects with it when its state is pending, cleaned, with no frame", async () => {
    const client = make();
    const state = stateIn(await client.authorizationUrl());
    history.replaceState(null, "", CALLBACK + `?tab=1&error=access_denied&state=${state}`);
    await expect(restore(client, { tabs: false })).rejects.toMatchObject({ code: "access_denied" });
    expect(location.href).toBe(CALLBACK + "?tab=1");
    await flush();
    expect(frames()).toEqual([]);
  });

  it("in a frame (f. state in the query) only hands it over and resolves null: no renewal of its own", async () => {
    const client = make();
    const post = vi.spyOn(window, "postMessage");
    history.replaceState(null, "", CALLBACK + "?error=login_required&state=f.abc");
    await expect(restore(client, { tabs: false })).resolves.toBeNull();
    await flush();
    expect(frames()).toEqual([]);
    expect(post).toHaveBeenCalledWith({ implicitly: CALLBACK + "?error=login_required&state=f.abc" }, location.origin);
    expect(location.href).toBe(CALLBACK);
  });
});

describe("restore: no response in the URL", () => {
  it("tries one silent renewal and resolves its token", async () => {
    const client = make();
    const result = restore(client, { tabs: false });
    await answerFrame((s) => granted(s, "silent-token"));
    expect((await result)?.accessToken).toBe("silent-token");
    expect(client.getToken()?.accessToken).toBe("silent-token");
    expect(await framesLeft()).toEqual([]);
    expect(assign).not.toHaveBeenCalled();
  });

  it("leaves the app's hash route alone", async () => {
    history.replaceState(null, "", "/app#/orders/7");
    const result = restore(make(), { tabs: false });
    await answerFrame((s) => `error=login_required&state=${s}`);
    await result;
    expect(location.href).toBe(PAGE + "app#/orders/7");
  });

  it.each(["login_required", "interaction_required", "consent_required", "account_selection_required"])(
    "resolves null on %s, and never navigates",
    async (code) => {
      const client = make();
      const result = restore(client, { tabs: false });
      await answerFrame((s) => `error=${code}&state=${s}`);
      await expect(result).resolves.toBeNull();
      expect(assign).not.toHaveBeenCalled();
      await flush();
      expect(await framesLeft()).toEqual([]);
    },
  );

  it("rejects page_in_frame when the server shows a page in the frame (e.g. an unregistered silentRedirectUri): not signed out, misconfigured", async () => {
    vi.useFakeTimers();
    const result = restore(make(), { tabs: false });
    result.catch(() => undefined);
    const frame = await nextFrame();
    // The server's own page, of its origin: out of this page's reach.
    Object.defineProperty(frame, "contentDocument", { configurable: true, value: null });
    frame.dispatchEvent(new Event("load"));
    vi.advanceTimersByTime(1000);
    await expect(result).rejects.toMatchObject({ name: "AuthError", code: "page_in_frame" });
    expect(assign).not.toHaveBeenCalled();
    expect(await framesLeft()).toEqual([]);
  });

  it("resolves null on timeout", async () => {
    vi.useFakeTimers();
    const result = restore(make({ silentTimeout: 3 }), { tabs: false });
    await nextFrame();
    vi.advanceTimersByTime(3000);
    await expect(result).resolves.toBeNull();
    expect(await framesLeft()).toEqual([]);
  });

  it("rejects other errors (they need attention), and still never navigates", async () => {
    const result = restore(make(), { tabs: false });
    await answerFrame((s) => `error=server_error&state=${s}`);
    await expect(result).rejects.toMatchObject({ code: "server_error" });
    expect(assign).not.toHaveBeenCalled();
  });

  it("returns a token the client already holds, without a renewal", async () => {
    const client = make();
    const token = await signIn(client);
    await expect(restore(client, { tabs: false })).resolves.toBe(token);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });
});

describe("restore: options", () => {
  it("autoRenew: starts autoRenew (the retry hook)", async () => {
    const client = make();
    const result = restore(client, { tabs: false, autoRenew: true });
    expect(internalsOf(client).hooks.retry).toBeTypeOf("function");
    await answerFrame((s) => `error=login_required&state=${s}`);
    await result;
  });

  it("without autoRenew: no retry hook", async () => {
    const client = make();
    const result = restore(client, { tabs: false });
    await answerFrame((s) => `error=login_required&state=${s}`);
    await result;
    expect(internalsOf(client).hooks.retry).toBeUndefined();
  });

  /** An open tab of the same app, signed in. */
  const openTab = async (opts = {}) => {
    const other = make();
    stops.push(syncTabs(other, opts));
    await signIn(other, "other-tab-token");
    return other;
  };

  it("tabs (the default): a logout in another tab logs this one out", async () => {
    const other = await openTab();
    const client = make();
    const result = restore(client);
    await answerFrame((s) => granted(s));
    await result;
    other.logout();
    await vi.waitFor(() => expect(client.getToken()).toBeNull());
  });

  it("tabs: false: no tab sync", async () => {
    const other = await openTab();
    const client = make();
    const result = restore(client, { tabs: false });
    await answerFrame((s) => granted(s));
    await result;
    other.logout();
    await new Promise((r) => setTimeout(r, 40));
    expect(client.getToken()).not.toBeNull();
  });

  it("shareTokens: takes a current token from another tab, with no renewal", async () => {
    await openTab({ shareTokens: true });
    const client = make();
    const token = await restore(client, { shareTokens: true });
    expect(token?.accessToken).toBe("other-tab-token");
    expect(await framesLeft()).toEqual([]);
  });

  it("shareTokens: renews silently when no tab answers", async () => {
    await openTab(); // without shareTokens: does not answer
    const client = make();
    const result = restore(client, { shareTokens: true });
    await answerFrame((s) => granted(s, "silent-token"));
    expect((await result)?.accessToken).toBe("silent-token");
  });

  it("shareTokens: answers the tabs that ask later", async () => {
    const client = make();
    const result = restore(client, { shareTokens: true });
    await answerFrame((s) => granted(s, "first-tab-token"));
    await result;
    const later = make();
    const token = await restore(later, { shareTokens: true });
    expect(token?.accessToken).toBe("first-tab-token");
    later.logout(); // and a logout reaches the first tab
    await vi.waitFor(() => expect(client.getToken()).toBeNull());
  });

  it("without shareTokens: never asks, never answers", async () => {
    await openTab({ shareTokens: true });
    const client = make();
    const result = restore(client);
    await answerFrame((s) => granted(s, "silent-token"));
    expect((await result)?.accessToken).toBe("silent-token");
  });
});

describe("restore never loops", () => {
  it("one renewal per call, whatever the outcome", async () => {
    const client: Client = make();
    const created = vi.spyOn(document, "createElement");
    const result = restore(client, { tabs: false, autoRenew: true });
    await answerFrame((s) => `error=login_required&state=${s}`);
    await result;
    await flush();
    expect(created.mock.calls.filter(([tag]) => tag == "iframe")).toHaveLength(1);
    expect(assign).not.toHaveBeenCalled();
  });
});

describe("restore: reports what the client holds, never a stale outcome", () => {
  it("after logout(), a second restore() does not hand the logged-out token back: it renews", async () => {
    const client = make();
    const state = stateIn(await client.authorizationUrl());
    history.replaceState(null, "", CALLBACK + "#" + granted(state, "redirect-token"));
    expect((await restore(client, { tabs: false }))?.accessToken).toBe("redirect-token");
    client.logout();
    const again = restore(client, { tabs: false });
    await answerFrame((s) => `error=login_required&state=${s}`);
    await expect(again).resolves.toBeNull();
    expect(client.getToken()).toBeNull();
  });

  it("a token that is already expired when it arrives is not reported as held", async () => {
    const client = make();
    const state = stateIn(await client.authorizationUrl());
    // expires_in within the 30 s clock skew: over on arrival.
    history.replaceState(null, "", CALLBACK + "#" + granted(state, "short-token", "&expires_in=10"));
    const result = restore(client, { tabs: false });
    await answerFrame((s) => `error=login_required&state=${s}`);
    await expect(result).resolves.toBeNull();
  });

  it("options are its own: shareTokens or autoRenew set on Object.prototype are no options", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    Object.assign(proto, { shareTokens: true, autoRenew: true, tabs: false });
    try {
      const client = make();
      const token = await signIn(client);
      await expect(restore(client)).resolves.toBe(token);
      expect(internalsOf(client).hooks.retry).toBeUndefined();
      // tabs (the default) is on, shareTokens off: another tab that asks gets no answer.
      const channel = new BroadcastChannel("implicitly-tabs:" + clientId);
      const answers: unknown[] = [];
      channel.onmessage = ({ data }) => data?.tabs == "token" && answers.push(data);
      channel.postMessage({ tabs: "ask", id: "asker" });
      await new Promise((r) => setTimeout(r, 50));
      channel.close();
      expect(answers).toEqual([]);
    } finally {
      for (const name of ["shareTokens", "autoRenew", "tabs"]) delete proto[name];
    }
  });
});
