import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { askTabs, syncTabs } from "../../src/session/tabs";
import type { Client, Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { freshClientId, makeClient } from "../support/session";
import { signIn } from "../support/sign-in";

// Each "tab" is a client of its own; Node's BroadcastChannel connects channels of one name
// across the process, as a browser does across the tabs of one origin.
let storage: MemoryStorage;
let clientId: string;
const stops: (() => void)[] = [];
const channels: BroadcastChannel[] = [];

const tab = (id = clientId) => makeClient(storage, { clientId: id });
const sync = (client: Client, opts = {}) => {
  const stop = syncTabs(client, opts);
  stops.push(stop);
  return stop;
};
/** A tab's logout events. */
const logouts = (client: Client) => {
  const seen = vi.fn();
  client.on("logout", seen);
  return seen;
};
/** Lets messages between tabs arrive. */
const settle = () => new Promise((r) => setTimeout(r, 40));
/** A raw channel on the tabs' channel, as a same-origin page could open. */
const raw = () => {
  const channel = new BroadcastChannel("implicitly-tabs:" + clientId);
  channels.push(channel);
  return channel;
};

beforeEach(() => {
  storage = new MemoryStorage();
  clientId = freshClientId();
});
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  channels.splice(0).forEach((c) => c.close());
  vi.unstubAllGlobals();
});

describe("syncTabs: logout", () => {
  it("a logout in one tab logs out every other tab, once, with no echo", async () => {
    const [a, b, c] = [tab(), tab(), tab()];
    for (const t of [a, b, c]) {
      sync(t);
      await signIn(t);
    }
    const seen = [a, b, c].map(logouts);
    a.logout();
    await vi.waitFor(() => expect(c.getToken()).toBeNull());
    await vi.waitFor(() => expect(b.getToken()).toBeNull());
    await settle();
    expect(seen.map((s) => s.mock.calls.length)).toEqual([1, 1, 1]);
  });

  it("does not bounce logouts between tabs when a tab runs syncTabs twice (a framework mounting twice)", async () => {
    const [a, b] = [tab(), tab()];
    sync(a);
    sync(b);
    sync(b);
    const seen = logouts(a);
    a.logout();
    await settle();
    await settle();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it("leaves other apps (another clientId) alone", async () => {
    const a = tab();
    const other = tab(freshClientId());
    sync(a);
    sync(other);
    await signIn(other);
    a.logout();
    await settle();
    expect(other.getToken()).not.toBeNull();
  });

  it("ignores messages not shaped as expected", async () => {
    const a = tab();
    sync(a, { shareTokens: true });
    await signIn(a);
    const channel = raw();
    const answers = vi.fn();
    channel.onmessage = answers;
    for (const m of [null, "logout", { tabs: "Logout" }, { tabs: "ask" }, { tabs: "ask", id: 1 }, { tabs: ["logout"] }, { implicitly: "logout" }])
      channel.postMessage(m);
    await settle();
    expect(a.getToken()).not.toBeNull();
    expect(answers).not.toHaveBeenCalled();
  });

  it("stops when told", async () => {
    const [a, b] = [tab(), tab()];
    sync(a);
    sync(b)();
    await signIn(b);
    a.logout();
    await settle();
    expect(b.getToken()).not.toBeNull();
  });

  it("does nothing without BroadcastChannel", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const a = tab();
    const stop = syncTabs(a, { shareTokens: true });
    a.logout();
    stop();
    await expect(askTabs(a)).resolves.toBeNull();
  });
});

describe("syncTabs with shareTokens, and askTabs", () => {
  it("a new tab gets the token of an open tab, in memory", async () => {
    const open = tab();
    sync(open, { shareTokens: true });
    const token = await signIn(open, "shared-token");
    const fresh = tab();
    const seen: Token[] = [];
    fresh.on("token", (t) => seen.push(t));
    const got = await askTabs(fresh);
    expect(got).toEqual(token);
    expect(fresh.getToken()).toEqual(token);
    expect(seen).toEqual([token]);
    // Never through storage.
    expect(JSON.stringify(storage.writes)).not.toContain("shared-token");
    expect(JSON.stringify([{ ...localStorage }, { ...sessionStorage }])).not.toContain("shared-token");
  });

  it("the new tab arms the token's timers (expiring, expired)", async () => {
    const open = tab();
    sync(open, { shareTokens: true });
    await signIn(open, "shared-token", "&expires_in=31"); // 1 s after the 30 s clock skew
    const fresh = tab();
    const expired = vi.fn();
    fresh.on("expired", expired);
    await askTabs(fresh);
    await vi.waitFor(() => expect(expired).toHaveBeenCalled(), { timeout: 4000 });
    expect(fresh.getToken()).toBeNull();
  });

  it("no answer from tabs without shareTokens, or without a token: null after a short wait", async () => {
    const shy = tab();
    sync(shy);
    await signIn(shy);
    sync(tab(), { shareTokens: true }); // no token
    const fresh = tab();
    const started = Date.now();
    await expect(askTabs(fresh)).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fresh.getToken()).toBeNull();
  });

  it("takes a token only in answer to its own request", async () => {
    const fresh = tab();
    const channel = raw();
    let askId: string | undefined;
    channel.onmessage = ({ data }) => {
      askId = data.id;
      const token = { accessToken: "forged", tokenType: "Bearer", scope: [] };
      channel.postMessage({ tabs: "token", id: "someone-else", token });
      channel.postMessage({ tabs: "token", token });
      channel.postMessage({ tabs: "token", id: askId, token: { ...token, accessToken: "right" } });
    };
    const got = await askTabs(fresh);
    expect(askId).toMatch(/^[\w-]{43}$/);
    expect(got?.accessToken).toBe("right");
  });

  it("never takes an unsolicited token (a tab that did not ask)", async () => {
    const a = tab();
    sync(a, { shareTokens: true });
    raw().postMessage({ tabs: "token", id: "x", token: { accessToken: "forged", tokenType: "Bearer", scope: [] } });
    await settle();
    expect(a.getToken()).toBeNull();
  });

  const bad: [string, unknown][] = [
    ["another token type", { accessToken: "t", tokenType: "mac", scope: [] }],
    ["an expired token", { accessToken: "t", tokenType: "Bearer", scope: [], expiresAt: Date.now() - 1 }],
    ["a token of bad characters", { accessToken: "t\n", tokenType: "Bearer", scope: [] }],
    ["an empty token", { accessToken: "", tokenType: "Bearer", scope: [] }],
    // RFC 6750 §2.1: only a b64token can be sent as a Bearer credential.
    ["a token with a space", { accessToken: "a b", tokenType: "Bearer", scope: [] }],
    ["a token with a comma", { accessToken: "a,b", tokenType: "Bearer", scope: [] }],
    ["a token with a quote", { accessToken: 'a"b', tokenType: "Bearer", scope: [] }],
    ["a scope that is not a list of strings", { accessToken: "t", tokenType: "Bearer", scope: "profile" }],
    ["a token type that only loosely equals Bearer", { accessToken: "t", tokenType: ["Bearer"], scope: [] }],
    ["an expiry that is not a number", { accessToken: "t", tokenType: "Bearer", scope: [], expiresAt: "99999999999999" }],
    ["no token", undefined],
  ];
  it.each(bad)("refuses %s", async (_name, token) => {
    const fresh = tab();
    const channel = raw();
    channel.onmessage = ({ data }) => channel.postMessage({ tabs: "token", id: data.id, token });
    await expect(askTabs(fresh)).resolves.toBeNull();
    expect(fresh.getToken()).toBeNull();
  });

  it("holds a clean copy: no extra fields, its own scope list", async () => {
    const fresh = tab();
    const channel = raw();
    const scope = ["profile"];
    channel.onmessage = ({ data }) =>
      channel.postMessage({ tabs: "token", id: data.id, token: { accessToken: "t", tokenType: "Bearer", scope, extra: "x", expiresAt: Date.now() + 60_000 } });
    const got = await askTabs(fresh);
    expect(Object.keys(got!).sort()).toEqual(["accessToken", "expiresAt", "scope", "tokenType"]);
  });

  it("sends the access token only: never an ID token or its claims", async () => {
    const open = tab();
    sync(open, { shareTokens: true });
    const { internalsOf } = await import("../../src/client/internals");
    // A token as createOidcClient holds it.
    const held = {
      accessToken: "at",
      tokenType: "Bearer" as const,
      scope: ["openid"],
      expiresAt: Date.now() + 60_000,
      idToken: "id.token.jwt",
      claims: { sub: "u" },
    };
    internalsOf(open).tokens.set(held);
    const channel = raw();
    const answers: unknown[] = [];
    channel.onmessage = ({ data }) => data.tabs == "token" && answers.push(data.token);
    channel.postMessage({ tabs: "ask", id: "asker" });
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    expect(answers[0]).toEqual({ accessToken: "at", tokenType: "Bearer", scope: ["openid"], expiresAt: held.expiresAt });
    expect(JSON.stringify(answers)).not.toContain("id.token.jwt");
  });
});

/**
 * A stand-in for `navigator.locks` (jsdom has none), shared by every "tab" of the test as a
 * browser shares one lock manager between the tabs of an origin.
 */
const fakeLocks = () => {
  const held: { name: string; mode: LockMode }[] = [];
  const manager = {
    held,
    async request(name: string, options: LockOptions, callback: (lock: Lock | null) => Promise<unknown>) {
      const lock = { name, mode: options.mode ?? "exclusive" };
      held.push(lock);
      try {
        return await callback(lock);
      } finally {
        held.splice(held.indexOf(lock), 1);
      }
    },
    query: async () => ({ held: held.map((lock) => ({ ...lock, clientId: "tab" })), pending: [] }),
  };
  Object.defineProperty(navigator, "locks", { value: manager, configurable: true });
  return manager;
};

describe("shareTokens with Web Locks", () => {
  let locks: ReturnType<typeof fakeLocks>;
  beforeEach(() => {
    locks = fakeLocks();
  });
  afterEach(() => {
    delete (navigator as { locks?: unknown }).locks;
  });
  const holders = () => locks.held.filter((lock) => lock.name == "implicitly-tabs:" + clientId);

  it("a tab holds the shared lock exactly while it has a token to answer with", async () => {
    const open = tab();
    const stop = sync(open, { shareTokens: true });
    expect(holders()).toEqual([]); // no token yet
    await signIn(open);
    await settle();
    expect(holders()).toEqual([{ name: "implicitly-tabs:" + clientId, mode: "shared" }]);
    await signIn(open, "another"); // a new token: still one lock
    await settle();
    expect(holders()).toHaveLength(1);
    open.logout();
    await settle();
    expect(holders()).toEqual([]);
    await signIn(open);
    await settle();
    expect(holders()).toHaveLength(1);
    stop();
    await settle();
    expect(holders()).toEqual([]);
  });

  it("a tab that already has a token when it starts holds it; the lock goes when the token expires", async () => {
    const open = tab();
    await signIn(open, "t", "&expires_in=31"); // 1 s after the 30 s clock skew
    sync(open, { shareTokens: true });
    await settle();
    expect(holders()).toHaveLength(1);
    await vi.waitFor(() => expect(holders()).toEqual([]), { timeout: 4000 });
  });

  it("without shareTokens a tab holds no lock (it would not answer)", async () => {
    const open = tab();
    sync(open);
    await signIn(open);
    await settle();
    expect(locks.held).toEqual([]);
  });

  it("a new tab does not ask when no tab holds the lock: null at once, no message sent", async () => {
    const asks: unknown[] = [];
    raw().onmessage = ({ data }) => asks.push(data);
    const other = tab(freshClientId()); // another app's holder does not count
    sync(other, { shareTokens: true });
    await signIn(other);
    await expect(askTabs(tab())).resolves.toBeNull();
    await settle();
    expect(asks).toEqual([]);
  });

  it("a new tab asks anyway when the lock manager fails (e.g. a SecurityError)", async () => {
    const open = tab();
    sync(open, { shareTokens: true });
    const token = await signIn(open, "shared-token");
    locks.query = () => Promise.reject(new DOMException("no locks here", "SecurityError"));
    await expect(askTabs(tab())).resolves.toEqual(token);
  });

  it("a new tab asks when a tab holds the lock, and gets its token", async () => {
    const open = tab();
    sync(open, { shareTokens: true });
    const token = await signIn(open, "shared-token");
    await settle();
    const fresh = tab();
    await expect(askTabs(fresh)).resolves.toEqual(token);
    expect(fresh.getToken()).toEqual(token);
  });
});
