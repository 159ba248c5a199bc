import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { createTokenStore } from "../../src/browser/tokens";
import type { Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { signIn } from "../support/sign-in";

const MAX_DELAY = 2 ** 31 - 1;
const DAY = 86_400_000;
const NOTICE = 60_000;

const token = (expiresAt?: number, accessToken = "tok"): Token =>
  expiresAt === undefined ? { accessToken, tokenType: "Bearer", scope: [] } : { accessToken, tokenType: "Bearer", scope: [], expiresAt };

let events: string[];
const emit = vi.fn((event: string, t: Token) => void events.push(`${event}:${t.accessToken}@${Date.now()}`));

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  events = [];
  emit.mockClear();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createTokenStore", () => {
  it("holds a token, emits token, then expiring noticeMs before expiry, then expired; get() null from expiry on", () => {
    const store = createTokenStore(emit, NOTICE);
    const t = token(600_000);
    store.set(t);
    expect(events).toEqual(["token:tok@0"]);
    expect(store.get()).toBe(t);
    vi.advanceTimersByTime(539_999);
    expect(events).toEqual(["token:tok@0"]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["token:tok@0", "expiring:tok@540000"]);
    expect(store.get()).toBe(t);
    vi.advanceTimersByTime(59_999);
    expect(store.get()).toBe(t);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["token:tok@0", "expiring:tok@540000", "expired:tok@600000"]);
    expect(store.get()).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("get() is null once the expiry time has passed, even before the timer has run", () => {
    const store = createTokenStore(emit, NOTICE);
    store.set(token(100_000));
    vi.setSystemTime(99_999);
    expect(store.get()).not.toBeNull();
    vi.setSystemTime(100_000);
    expect(store.get()).toBeNull();
  });

  it("a token without expiresAt arms no timer and stays valid", () => {
    const store = createTokenStore(emit, NOTICE);
    const t = token();
    store.set(t);
    expect(vi.getTimerCount()).toBe(0);
    vi.setSystemTime(100 * 365 * DAY);
    expect(store.get()).toBe(t);
    expect(events).toEqual(["token:tok@0"]);
  });

  it("fires expiring at once when the lifetime is shorter than the notice", () => {
    const store = createTokenStore(emit, NOTICE);
    store.set(token(30_000));
    vi.advanceTimersByTime(0);
    expect(events).toEqual(["token:tok@0", "expiring:tok@0"]);
    vi.advanceTimersByTime(30_000);
    expect(events.at(-1)).toBe("expired:tok@30000");
  });

  it("waits out lifetimes beyond 2^31−1 ms in steps instead of firing at once", () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const store = createTokenStore(emit, NOTICE);
    const end = 40 * DAY; // > 2^31−1 ms (24.8 days)
    const t = token(end);
    store.set(t);
    for (const [, delay] of setTimeoutSpy.mock.calls) expect(delay).toBeLessThanOrEqual(MAX_DELAY);
    vi.advanceTimersByTime(1000);
    expect(events).toEqual(["token:tok@0"]);
    vi.advanceTimersByTime(MAX_DELAY);
    expect(events).toEqual(["token:tok@0"]);
    expect(store.get()).toBe(t);
    vi.advanceTimersByTime(end - NOTICE - MAX_DELAY - 1000 - 1);
    expect(events).toEqual(["token:tok@0"]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["token:tok@0", `expiring:tok@${end - NOTICE}`]);
    vi.advanceTimersByTime(NOTICE);
    expect(events).toEqual(["token:tok@0", `expiring:tok@${end - NOTICE}`, `expired:tok@${end}`]);
    for (const [, delay] of setTimeoutSpy.mock.calls) expect(delay).toBeLessThanOrEqual(MAX_DELAY);
  });

  it("clear() forgets the token and cancels its timers, without an event", () => {
    const store = createTokenStore(emit, NOTICE);
    store.set(token(600_000));
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    store.clear();
    expect(store.get()).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * DAY);
    expect(events).toEqual(["token:tok@0"]);
  });

  it("a new token cancels the old one's timers", () => {
    const store = createTokenStore(emit, NOTICE);
    store.set(token(100_000, "old"));
    const next = token(1_000_000, "new");
    store.set(next);
    vi.advanceTimersByTime(200_000);
    expect(events).toEqual(["token:old@0", "token:new@0"]);
    expect(store.get()).toBe(next);
    vi.advanceTimersByTime(800_000);
    expect(events).toEqual(["token:old@0", "token:new@0", "expiring:new@940000", "expired:new@1000000"]);
  });

  it("expire() drops only the current token and emits expired for it", () => {
    const store = createTokenStore(emit, NOTICE);
    const old = token(600_000, "old");
    store.set(old);
    const current = token(600_000, "current");
    store.set(current);
    store.expire(old);
    expect(store.get()).toBe(current);
    expect(events).toEqual(["token:old@0", "token:current@0"]);
    store.expire(current);
    expect(store.get()).toBeNull();
    expect(events).toEqual(["token:old@0", "token:current@0", "expired:current@0"]);
    expect(vi.getTimerCount()).toBe(0);
    store.expire(current);
    expect(events).toHaveLength(3);
  });

  it("a token listener that clears the store cancels the timers just armed", () => {
    const store: ReturnType<typeof createTokenStore> = createTokenStore((event, t) => {
      emit(event, t);
      if (event == "token") store.clear();
    }, NOTICE);
    store.set(token(600_000));
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(DAY);
    expect(events).toEqual(["token:tok@0"]);
  });
});

describe("through the client", () => {
  it("logout() clears the timers: no expiring or expired afterwards", async () => {
    const client = createClient({
      authorizationEndpoint: "https://id.example.com/authorize",
      clientId: "spa",
      storage: new MemoryStorage(),
      clockSkew: 0,
    });
    const seen: string[] = [];
    for (const name of ["token", "expiring", "expired", "logout"] as const) client.on(name, () => seen.push(name));
    await signIn(client, "tok", "&expires_in=600");
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    client.logout();
    expect(vi.getTimerCount()).toBe(0);
    expect(client.getToken()).toBeNull();
    vi.advanceTimersByTime(DAY);
    expect(seen).toEqual(["token", "logout"]);
  });

  it("a logout from inside the token listener leaves no timer", async () => {
    const client = createClient({ authorizationEndpoint: "https://id.example.com/authorize", clientId: "spa", storage: new MemoryStorage() });
    client.on("token", () => client.logout());
    const expired = vi.fn();
    client.on("expired", expired);
    await signIn(client, "tok", "&expires_in=600");
    expect(client.getToken()).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(DAY);
    expect(expired).not.toHaveBeenCalled();
  });
});
