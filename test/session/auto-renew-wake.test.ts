// autoRenew after a wake-up: the page was asleep (its timers stood still while the clock went on),
// so the expiring notice is late or missed. It renews at once when the token is gone or expiring,
// and not otherwise.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { autoRenew } from "../../src/session/auto-renew";
import type { Client } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { flush, frames, framesLeft, granted, handoff, makeClient, nextFrame, post, stateIn } from "../support/session";
import { signIn } from "../support/sign-in";

let storage: MemoryStorage;
const stops: (() => void)[] = [];

/** A signed-in client (token valid 3600 s) with autoRenew on. */
const renewing = async (): Promise<Client> => {
  const client = makeClient(storage, { clockSkew: 0, expiringNotice: 60 });
  await signIn(client, "first-token", "&expires_in=3600&scope=profile");
  stops.push(autoRenew(client));
  return client;
};
/** Sleeps: the clock moves on by `ms`, the timers do not. */
const sleep = (ms: number) => vi.setSystemTime(Date.now() + ms);

beforeEach(() => {
  storage = new MemoryStorage();
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  vi.useRealTimers();
  frames().forEach((f) => f.remove());
});

describe("autoRenew: a wake-up", () => {
  it("renews at once when the token expired during the sleep", async () => {
    const client = await renewing();
    sleep(2 * 3_600_000);
    vi.advanceTimersByTime(15_000);
    const frame = await nextFrame();
    post(handoff(granted(stateIn(frame.src), "second-token")), frame.contentWindow);
    await flush();
    expect(client.getToken()?.accessToken).toBe("second-token");
  });

  it("renews at once when the token expires within expiringNotice after the sleep", async () => {
    await renewing();
    sleep(3_600_000 - 30_000);
    vi.advanceTimersByTime(15_000);
    expect(new URL((await nextFrame()).src).searchParams.get("prompt")).toBe("none");
  });

  it("does nothing when the token is still good for longer", async () => {
    await renewing();
    sleep(600_000);
    vi.advanceTimersByTime(15_000);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });

  it("does nothing after logout()", async () => {
    const client = await renewing();
    client.logout();
    sleep(2 * 3_600_000);
    vi.advanceTimersByTime(15_000);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });

  it("does nothing once stopped", async () => {
    await renewing();
    stops.pop()!();
    sleep(2 * 3_600_000);
    vi.advanceTimersByTime(15_000);
    await flush();
    expect(await framesLeft()).toEqual([]);
  });
});
