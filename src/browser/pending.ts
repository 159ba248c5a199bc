import { AuthError } from "../protocol/errors";

/**
 * The part of the Web Storage API that implicitly uses. `sessionStorage` (the default) keeps a
 * pending login per tab across the redirect; pass your own for tests or special hosts.
 */
export interface StorageLike {
  /** The value stored under `key`, or `null` when there is none. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`; may throw (quota, storage disabled). */
  setItem(key: string, value: string): void;
  /** Removes what is stored under `key`, if anything. */
  removeItem(key: string): void;
}

/** A login that was started and waits for its callback. Never holds a token. */
export interface PendingLogin {
  /** When it was created (ms since epoch). */
  created: number;
  redirectUri: string;
  /** The requested scope. */
  scope: string[];
  appState?: unknown;
  /**
   * Each opt-in feature's own data for this login, under the feature's name (JSON values, never a
   * token): what the feature needs back when the response comes. One-time, removed with the login.
   */
  features?: Record<string, Record<string, unknown>>;
}

/** Pending logins of one client, keyed by `state`. */
export interface PendingStore {
  /** Stores a pending login under `state`. */
  add(state: string, login: PendingLogin): void;
  /** Removes and returns the login for `state`: `"expired"` when it is too old, `undefined` when unknown. */
  take(state: string): PendingLogin | "expired" | undefined | null;
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
  // Reads the logins, lets `fn` change them, writes back the live ones; returns what `fn` does.
  const update = <T>(fn: (logins: Logins, now: number) => T): T => {
    try {
      const now = Date.now();
      const s = storage();
      const json = s.getItem(key);
      const logins: Logins = Object.create(null); // so no state can name a prototype property
      try {
        Object.assign(logins, JSON.parse(json!));
      } catch {
        // corrupt: start afresh
      }
      const result = fn(logins, now);
      // Drop the stale logins, and anything not shaped like one.
      // (A login without a number `created` gives NaN, and `NaN < ttlMs` is false: it goes too.)
      for (const state of Object.keys(logins)) if (!(now - (logins[state]?.created as number) < ttlMs)) delete logins[state];
      let out: string;
      try {
        out = JSON.stringify(logins);
      } catch (e) {
        throw new AuthError("invalid_config", "appState", undefined, { message: "appState: is not a JSON value (it waits in storage)", cause: e });
      }
      if (out == "{}") s.removeItem(key);
      else s.setItem(key, out);
      return result;
    } catch (e) {
      throw e instanceof AuthError ? e : new AuthError("storage_unavailable", e + "", undefined, { cause: e });
    }
  };
  return {
    add: (state, login) => update((logins) => void (logins[state] = login)),
    take: (state) =>
      update((logins, now) => {
        const login = logins[state]; // no prototype: "__proto__" is just an unknown state
        delete logins[state];
        return login && (now - login.created < ttlMs ? login : "expired");
      }),
  };
};
