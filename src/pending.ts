import { AuthError } from "./errors";
import type { StorageLike } from "./types";

/** A login that was started and waits for its callback. Never holds a token. */
export interface PendingLogin {
  /** When it was created (ms since epoch). */
  created: number;
  redirectUri: string;
  /** The requested scope. */
  scope: string[];
  appState?: unknown;
  /** The OpenID Connect nonce sent with the request. */
  nonce?: string;
}

/** Pending logins of one client, keyed by `state`. */
export interface PendingStore {
  /** Stores a pending login under `state`. */
  add(state: string, login: PendingLogin): void;
  /** Removes and returns the login for `state`: `"expired"` when it is too old, `undefined` when unknown. */
  take(state: string): PendingLogin | "expired" | undefined;
}

type Logins = Record<string, PendingLogin>;

/**
 * Keeps pending logins in one JSON entry of `storage`, so that several logins (two tabs, two
 * buttons) coexist. Every access purges the logins older than `ttlMs`.
 * @param storage - returns the Storage (a getter: merely reading `sessionStorage` can throw)
 * @param key - the per-client storage key
 * @param ttlMs - how long a pending login lives
 * @throws AuthError `storage_unavailable` when the storage throws
 */
export const createPendingStore = (storage: () => StorageLike, key: string, ttlMs: number): PendingStore => {
  const io = <T>(fn: (s: StorageLike) => T): T => {
    try {
      return fn(storage());
    } catch (e) {
      throw new AuthError("storage_unavailable", String(e));
    }
  };
  const live = (login: PendingLogin | undefined, now: number) => !!login && now - login.created < ttlMs && now >= login.created;
  // Reads every login, dropping the stale ones (and anything not shaped like a login).
  const read = (): Logins => {
    const logins: Logins = Object.create(null); // so no state can name a prototype property
    let stored: unknown;
    try {
      stored = JSON.parse(io((s) => s.getItem(key)) || "{}");
    } catch (e) {
      if (e instanceof AuthError) throw e; // else: corrupt JSON, start afresh
    }
    if (stored && typeof stored == "object") Object.assign(logins, stored);
    return logins;
  };
  const write = (logins: Logins) => {
    const now = Date.now();
    for (const state in logins) if (!live(logins[state], now)) delete logins[state];
    let json: string;
    try {
      json = JSON.stringify(logins);
    } catch {
      throw new AuthError("invalid_config", "appState");
    }
    io((s) => (json == "{}" ? s.removeItem(key) : s.setItem(key, json)));
  };
  return {
    add(state, login) {
      const logins = read();
      logins[state] = login;
      write(logins);
    },
    take(state) {
      const logins = read();
      const login = logins[state]; // no prototype: "__proto__" is just an unknown state
      delete logins[state];
      write(logins);
      return login && (live(login, Date.now()) ? login : "expired");
    },
  };
};
