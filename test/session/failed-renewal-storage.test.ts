// A silent renewal or popup login that ends without a response (timeout, a page shown in the
// frame, a closed popup) removes its pending login, with the code flow's PKCE verifier, at once:
// nothing of it waits in sessionStorage for `stateTtl`.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { codeFlow } from "../../src/code/code-flow";
import { FRAME_GRACE } from "../../src/session/await-response";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import type { ClientOptions } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { ENDPOINT, fakePopup, flush, frames, makeClient, nextFrame } from "../support/session";

const KEY = "implicitly:spa " + ENDPOINT;
let storage: MemoryStorage;
const make = (extra: Partial<ClientOptions> = {}) => makeClient(storage, extra);
// A code-flow client whose token endpoint is never needed here (no refresh token: the frame).
const code = (extra: Partial<ClientOptions> = {}) => make({ flow: codeFlow, tokenEndpoint: "https://id.example.com/token", ...extra });

beforeEach(() => {
  storage = new MemoryStorage();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  frames().forEach((f) => f.remove());
});

/** The pending logins stored now. */
const pending = () => JSON.parse(storage.data.get(KEY) ?? "{}") as Record<string, { features?: { code?: { verifier?: string } } }>;

describe("a renewal that ends without a response leaves no pending login", () => {
  it("timeout", async () => {
    vi.useFakeTimers();
    const outcome = renew(make()).catch((e: unknown) => e);
    await nextFrame();
    expect(Object.keys(pending())).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(await outcome).toMatchObject({ code: "timeout" });
    expect(storage.data.has(KEY)).toBe(false);
  });

  it("a frame that shows a page (page_in_frame)", async () => {
    vi.useFakeTimers();
    const outcome = renew(make()).catch((e: unknown) => e);
    const frame = await nextFrame();
    Object.defineProperty(frame, "contentDocument", { configurable: true, value: null });
    frame.dispatchEvent(new Event("load"));
    vi.advanceTimersByTime(FRAME_GRACE);
    expect(await outcome).toMatchObject({ code: "page_in_frame" });
    expect(storage.data.has(KEY)).toBe(false);
  });

  it("a popup the user closed (popup_closed), and one that timed out", async () => {
    vi.useFakeTimers();
    for (const end of ["popup_closed", "timeout"]) {
      const popup = fakePopup();
      vi.stubGlobal("open", () => popup);
      const outcome = loginWithPopup(make(), { popupTimeout: 5 }).catch((e: unknown) => e);
      await flush();
      expect(Object.keys(pending())).toHaveLength(1);
      // Seen on the server's page first, then closed: the user closed it (no COOP cut).
      vi.advanceTimersByTime(700);
      if (end == "popup_closed") popup.closed = true;
      vi.advanceTimersByTime(5000);
      expect(await outcome).toMatchObject({ code: end });
      expect(storage.data.has(KEY)).toBe(false);
    }
  });

  it("code flow: the PKCE verifier is gone after a renewal or popup that timed out", async () => {
    // Real timers: the PKCE challenge is a WebCrypto digest, which fake timers do not move.
    const outcome = renew(code({ silentTimeout: 0.05 })).catch((e: unknown) => e);
    await nextFrame();
    expect(Object.values(pending())[0]!.features!.code!.verifier).toMatch(/^[\w-]{43}$/);
    expect(await outcome).toMatchObject({ code: "timeout" });
    expect(storage.data.has(KEY)).toBe(false);
    vi.stubGlobal("open", () => fakePopup());
    expect(await loginWithPopup(code(), { popupTimeout: 0.05 }).catch((e: unknown) => e)).toMatchObject({ code: "timeout" });
    expect(storage.data.has(KEY)).toBe(false);
  });

  it("another login's pending entry stays", async () => {
    vi.useFakeTimers();
    const client = make();
    const other = new URL(await client.authorizationUrl()).searchParams.get("state")!;
    const outcome = renew(client).catch((e: unknown) => e);
    await nextFrame();
    vi.advanceTimersByTime(10_000);
    await outcome;
    expect(Object.keys(pending())).toEqual([other]);
  });
});
