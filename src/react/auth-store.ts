import { AuthError, isAuthError } from "../protocol/errors";
import type { Client } from "../client/types";
import type { Token } from "../protocol/types";

/**
 * Where the session stands:
 * - `"loading"`: the start-up (the redirect, `restore`) has not finished, and there is no token yet;
 *   also what the server renders;
 * - `"signedIn"`: the client holds a valid token;
 * - `"signedOut"`: no token, and nothing failed;
 * - `"error"`: no token, and the start-up or the last sign-in failed (see {@link AuthSnapshot.error}).
 */
export type AuthStatus = "loading" | "signedIn" | "signedOut" | "error";

/** What {@link useAuth} reads from the client: derived from it, never kept beside it. */
export interface AuthSnapshot<T extends Token = Token> {
  /** See {@link AuthStatus}. */
  status: AuthStatus;
  /** The client's current token (`client.getToken()`), or `null`. Never log it. */
  token: T | null;
  /**
   * Why the start-up or the last sign-in, sign-out or step-up failed, until a new token arrives
   * or the user logs out; `null` when nothing failed.
   */
  error: AuthError | null;
  /** `true` while a sign-in (login, popup, step-up) runs: another one is not started then. */
  busy: boolean;
}

/** The per-client state behind the hooks. */
export interface AuthStore<T extends Token = Token> {
  /** Subscribes to changes (for `useSyncExternalStore`); returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void;
  /** The current snapshot: the same object until something changed. */
  get(): AuthSnapshot<T>;
  /** Runs the start-up once per client, whatever the number of providers or mounts. */
  start(run: (client: Client<T>) => unknown): void;
  /**
   * Runs a sign-in, unless one is running: then it returns the running one. `action` is called
   * synchronously (a popup must open within the user's click).
   * @param leaves - the action navigates away on success: the sign-in counts as running until
   *   the page is shown again from the back-forward cache
   */
  signIn<R>(action: () => Promise<R>, leaves?: boolean): Promise<R | undefined>;
  /** Runs another action, recording its failure as {@link AuthSnapshot.error}; resolves undefined then. */
  act<R>(action: () => R): Promise<Awaited<R> | undefined>;
}

/** What the server renders, and what the first render on the client hydrates with. */
export const LOADING: AuthSnapshot<never> = Object.freeze({ status: "loading", token: null, error: null, busy: false });

/**
 * An {@link AuthError} for whatever a start-up, sign-in or sign-out rejected with: the error
 * itself when it is one (all of the SDK's are), else `unexpected_error` with its message, for an
 * app's own start-up function that threw something else.
 */
const authError = (e: unknown): AuthError =>
  isAuthError(e) ? e : new AuthError("unexpected_error", e instanceof Error ? e.message : String(e), undefined, { cause: e });

// One store per client, so that a second provider, a remount or StrictMode's double effects
// find the start-up already running instead of handling the redirect again (its state is
// one-time: a second attempt would fail with state_mismatch).
const stores = new WeakMap<object, AuthStore<never>>();

/**
 * The store of `client`, made on first use. Making it touches nothing but the client's methods,
 * so that it can happen while rendering, also on a server.
 * @param client - a client made by `createClient` or `createOidcClient`
 */
export const storeOf = <T extends Token>(client: Client<T>): AuthStore<T> => {
  let store = stores.get(client) as AuthStore<T> | undefined;
  if (!store) {
    store = createStore(client);
    stores.set(client, store as unknown as AuthStore<never>);
  }
  return store;
};

const createStore = <T extends Token>(client: Client<T>): AuthStore<T> => {
  const listeners = new Set<() => void>();
  let started = false;
  let loading = true;
  let error: AuthError | null = null;
  let running: Promise<unknown> | undefined;
  let snapshot: AuthSnapshot<T> = LOADING;
  let offs: (() => void)[] = [];

  const notify = () => listeners.forEach((listener) => listener());
  const fail = (e: unknown) => {
    error = authError(e);
    notify();
    return undefined;
  };

  const store: AuthStore<T> = {
    subscribe(listener) {
      // Listens to the client only while a component listens here: a store left behind by an
      // unmounted tree holds no subscription.
      if (!listeners.size) {
        offs = [
          // A new token ends any earlier failure; a logout forgets it too (it may name the
          // user's last attempt, which is none of the next user's business).
          client.on("token", () => {
            error = null;
            notify();
          }),
          client.on("logout", () => {
            error = null;
            notify();
          }),
          client.on("expired", notify),
        ];
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (!listeners.size) offs.splice(0).forEach((off) => off());
      };
    },
    get() {
      // The token is read from the client on every call, never from a copy: a render never
      // shows a token that a logout, an expiry or a refused request has dropped.
      const token = client.getToken();
      const status: AuthStatus = token ? "signedIn" : loading ? "loading" : error ? "error" : "signedOut";
      const busy = !!running;
      const last = snapshot;
      if (last.token !== token || last.status !== status || last.error !== error || last.busy !== busy) {
        snapshot = Object.freeze({ status, token, error, busy });
      }
      return snapshot;
    },
    start(run) {
      if (started) return;
      started = true;
      new Promise((resolve) => resolve(run(client))).catch(fail).finally(() => {
        loading = false;
        notify();
      });
    },
    signIn(action, leaves = false) {
      if (running) return running as Promise<undefined>;
      error = null;
      let result: Promise<unknown>;
      try {
        result = action();
      } catch (e) {
        result = Promise.reject(e);
      }
      const done = () => {
        running = undefined;
        notify();
      };
      const settled = result.then(
        (value) => {
          // The page is on its way to the authorization server: a second click is no new
          // sign-in. Coming back to it from the back-forward cache ends this one.
          if (leaves && typeof addEventListener == "function") addEventListener("pageshow", done, { once: true });
          else done();
          return value;
        },
        (e) => {
          running = undefined;
          return fail(e);
        },
      );
      running = settled;
      notify();
      return settled as Promise<never>;
    },
    act(action) {
      // Called synchronously, like a sign-in: a throw becomes the state's error too.
      try {
        return Promise.resolve(action()).catch(fail);
      } catch (e) {
        return Promise.resolve(fail(e));
      }
    },
  };
  return store;
};
