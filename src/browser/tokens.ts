import type { Token } from "../protocol/types";

/** The in-memory token holder: never writes a token anywhere. */
export interface TokenStore {
  /** The token, or `null` when there is none or it has expired. */
  get(): Token | null;
  /** Holds `token`, arms its `expiring` and `expired` timers and emits `token`. */
  set(token: Token): void;
  /** Drops `token` (if it is still the current one) and emits `expired`. */
  expire(token: Token): void;
  /** Drops the token and its timers without an event: a logout, which starts a new era. */
  clear(): void;
  /**
   * The era: how many times {@link TokenStore.clear} ran (one per logout). Work that started in an
   * earlier era (a renewal, a code exchange, a frame's or popup's login, a question to other tabs)
   * must not set a token: a sign-out is never undone by an answer that comes late.
   */
  era(): number;
}

// setTimeout runs at once for delays above 2^31-1 ms (24.8 days): wait in steps of at most 2e9 ms.
const MAX_DELAY = 2e9;

/**
 * Creates the token store.
 * @param emit - where `token`, `expiring` and `expired` go
 * @param noticeMs - how long before expiry `expiring` fires
 */
export const createTokenStore = (emit: (event: "token" | "expiring" | "expired", token: Token) => void, noticeMs: number): TokenStore => {
  let current: Token | null = null;
  let timers: ReturnType<typeof setTimeout>[] = [];
  let era = 0;
  const clear = () => {
    timers.forEach(clearTimeout);
    timers = [];
    current = null;
  };
  const at = (time: number, fn: () => void) => {
    const wait = time - Date.now();
    timers.push(setTimeout(wait > MAX_DELAY ? () => at(time, fn) : fn, Math.min(wait, MAX_DELAY)));
  };
  const expire = (token: Token) => {
    if (current === token) {
      clear();
      emit("expired", token);
    }
  };
  return {
    // `now >= undefined` is false: a token without expiresAt stays valid.
    get: () => (current && !(Date.now() >= current.expiresAt!) ? current : null),
    set(token) {
      clear();
      current = token;
      const end = token.expiresAt;
      // Timers first: a `token` listener may log out, and that must cancel them.
      if (end !== undefined) {
        at(end - noticeMs, () => current === token && emit("expiring", token));
        at(end, () => expire(token));
      }
      emit("token", token);
    },
    expire,
    clear() {
      era++;
      clear();
    },
    era: () => era,
  };
};
