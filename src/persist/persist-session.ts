import { AuthError } from "../protocol/errors";
import { VSCHARS, NQCHARS } from "../protocol/syntax";
import { wrapStage } from "../client/pipeline";
import { internalsOf } from "../client/internals";
import { openSessionStore, type StoredSession } from "./session-store";
import type { Client } from "../client/types";
import type { Token } from "../protocol/types";

/** Options of {@link persistSession}. */
export interface PersistOptions {
  /** The IndexedDB database that holds the sessions. @default "implicitly" */
  database?: string;
  /** The `IDBFactory` to store in. @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
  /**
   * The Web Locks manager that makes the tabs refresh one at a time. Without one (a browser
   * without Web Locks) the tabs are not kept apart. @default navigator.locks
   */
  locks?: Pick<LockManager, "request">;
}

// The rules a stored session must meet before it is used: a refresh token (RFC 6749 VSCHAR), a
// scope, and a non-extractable ECDSA P-256 signing key with its public JWK and thumbprint.
const B64URL = /^[\w-]+$/;
const checkStored = (value: unknown): StoredSession => {
  // Own members only: a name set on Object.prototype is not part of what was stored.
  const own = (v: unknown, name: string): unknown => (v && typeof v == "object" && Object.hasOwn(v, name) ? (v as Record<string, unknown>)[name] : undefined);
  const key = own(value, "key");
  const privateKey = own(key, "privateKey");
  const jwk = own(key, "jwk");
  const scope = own(value, "scope");
  const refreshToken = own(value, "refreshToken");
  const [kty, crv, x, y, thumbprint] = [own(jwk, "kty"), own(jwk, "crv"), own(jwk, "x"), own(jwk, "y"), own(key, "thumbprint")];
  const ok =
    typeof refreshToken == "string" &&
    VSCHARS.test(refreshToken) &&
    Array.isArray(scope) &&
    scope.every((s) => typeof s == "string" && NQCHARS.test(s)) &&
    privateKey instanceof CryptoKey &&
    privateKey.type == "private" &&
    !privateKey.extractable &&
    privateKey.algorithm.name == "ECDSA" &&
    kty == "EC" &&
    crv == "P-256" &&
    [x, y, thumbprint].every((part) => typeof part == "string" && B64URL.test(part));
  if (!ok) throw new AuthError("invalid_response", "stored session: not a DPoP-bound refresh token with its key");
  return {
    refreshToken,
    scope: [...scope],
    key: { privateKey, jwk: { kty: "EC", crv: "P-256", x: x as string, y: y as string }, thumbprint: thumbprint as string },
  };
};

/**
 * Keeps a DPoP-bound session across reloads: the refresh token and the DPoP key pair it is bound
 * to (RFC 9449 §5), in IndexedDB, the private key non-extractable (kept by structured clone, never
 * exported). A script that reads the storage gets a refresh token it cannot use anywhere else: no
 * proof can be made without the key. The access token, ID token and claims stay in memory.
 *
 * Call it once, right after {@link createClient} (with `flow: codeFlow` and `dpop`), before
 * {@link restore} or {@link Client.handleRedirect}:
 * - a new grant whose token is DPoP-bound (a code exchange, at sign-in or in a frame or popup) is
 *   stored with the key; a token that is not DPoP-bound is never stored;
 * - every refresh ({@link renew}, and so {@link restore} after a reload and {@link autoRenew}; and
 *   a token for another API that {@link resources} gets with the refresh token) reads the stored
 *   session first, inside an exclusive Web Lock that the tabs of this origin share, and writes
 *   the rotated refresh token back before the lock is released: tabs refresh
 *   one at a time, and a tab that waited uses the rotated token, never the old one (servers that
 *   detect reuse revoke the whole grant);
 * - {@link Client.logout} (and so {@link signOut}, and a logout that {@link syncTabs} brings)
 *   deletes the stored session; a tab whose refresh finds it gone signs out instead of writing it
 *   back. A refusal of the server (`invalid_grant` …) deletes it too; a network failure keeps it.
 *
 * When IndexedDB cannot be opened (or a write fails) the session simply lives in memory, as
 * without this.
 *
 * **Security:** an injected script can still *use* the session while it runs in the page (ask
 * this page to refresh, sign proofs with the key); what it cannot do is take a usable token away.
 * See the sessions guide.
 *
 * @param client - a client made by {@link createClient} with `flow: codeFlow` and `dpop`
 * @param opts - see {@link PersistOptions}
 * @returns a function that stops it (what is stored stays)
 * @throws AuthError `invalid_config` (`persistSession`) without the code flow and DPoP: a Bearer
 * refresh token is never stored
 * @example
 * ```ts
 * import { createClient, codeFlow, dpop, persistSession, restore } from "implicitly";
 * const auth = createClient({ ...options, flow: codeFlow, dpop });
 * persistSession(auth);
 * const token = await restore(auth); // after a reload: one refresh, no frame
 * ```
 * @see RFC 9449 §5, OAuth 2.0 for Browser-Based Applications §6
 */
export const persistSession = (client: Client, opts: PersistOptions = {}): (() => void) => {
  const i = internalsOf(client);
  const { hooks, grant, bindingKey, options: o } = i;
  if (!hooks.refresh || !grant || !bindingKey || hooks.tokenType != "DPoP") throw new AuthError("invalid_config", "persistSession");
  // Own options only: a name some other code set on Object.prototype is no option.
  const {
    database = "implicitly",
    indexedDB: factory = globalThis.indexedDB,
    locks = globalThis.navigator?.locks,
  } = { __proto__: null, ...opts } as PersistOptions;
  const store = openSessionStore(factory, database);
  // Per client and server, as the pending logins.
  const id = o.clientId + " " + o.authorizationEndpoint;
  const lock = <T>(task: () => Promise<T>): Promise<T> =>
    locks ? (locks.request("implicitly-refresh:" + id, { mode: "exclusive" }, task) as Promise<T>) : task();
  // Every use of the refresh token (this token's refresh, or a token for another API), one at a
  // time in this tab too: each reads the store after the one before wrote to it, also without Web Locks.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = turn.then(
      () => lock(task),
      () => lock(task),
    );
    turn = run.catch(() => undefined);
    return run;
  };

  // The refresh token this tab last read from or wrote to the store: when the store no longer
  // has it, the session was signed out (or replaced) elsewhere.
  let known: string | undefined;
  // True while a refresh of this tab runs: its token event is not a new grant.
  let refreshing = false;
  // Writes in the order they were asked for, so that a logout's delete is never overtaken by
  // the save of the grant it ends.
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = (task: () => Promise<unknown>) => (queue = queue.then(task).catch(() => undefined));

  const offToken = client.on("token", (token: Token) => {
    const held = grant.get();
    // A new grant (a code exchange), DPoP-bound: stored with the key that it is bound to.
    if (refreshing || !held || held.refreshToken === known || token.tokenType != "DPoP") return;
    known = held.refreshToken;
    inOrder(async () => {
      const key = await bindingKey.get();
      // Signed out (or replaced) meanwhile: not brought back.
      if (grant.get()?.refreshToken === held.refreshToken) await store.put(id, { ...held, key });
    });
  });
  // quiet: a logout this feature itself causes, after the store lost the session.
  let quiet = false;
  const offLogout = client.on("logout", () => {
    known = undefined;
    if (!quiet) inOrder(() => store.put(id, undefined));
  });

  const signedOut = (why: string) => {
    known = undefined;
    quiet = true;
    try {
      client.logout();
    } finally {
      quiet = false;
    }
    return new AuthError("login_required", why);
  };

  // `use` is one use of the refresh token: the grant's own refresh stage, or a token for another
  // API (`refreshFor`, RFC 8707), which rotates the refresh token just the same.
  const refresh = async (use: () => Promise<Token>): Promise<Token> => {
    let stored: StoredSession | undefined;
    let raw: unknown;
    try {
      raw = await store.read(id);
    } catch {
      // No IndexedDB: the session in memory, as without persistence.
      return use();
    }
    if (raw !== undefined) {
      try {
        stored = checkStored(raw);
      } catch (e) {
        await store.swap(id, (raw as { refreshToken?: string }).refreshToken, undefined).catch(() => undefined);
        throw e;
      }
      // The stored session is the current one: another tab may have rotated its token.
      grant.set(stored);
      bindingKey.set(stored.key);
      known = stored.refreshToken;
    } else if (known !== undefined) {
      throw signedOut("stored session gone: signed out in another tab");
    }
    refreshing = true;
    let token: Token;
    try {
      token = await use();
    } catch (e) {
      // Refused: the code flow forgot the token, and so does the store (unless replaced meanwhile).
      if (stored && !grant.get()) {
        known = undefined;
        await store.swap(id, stored.refreshToken, undefined).catch(() => undefined);
      }
      throw e;
    } finally {
      refreshing = false;
    }
    const next = grant.get();
    if (next && token.tokenType == "DPoP") {
      const key = stored?.key ?? (await bindingKey.get());
      let written = true;
      try {
        written = await store.swap(id, stored?.refreshToken, { ...next, key });
      } catch {
        // A write that failed: the session lives on in memory.
      }
      if (written) known = next.refreshToken;
      // Deleted meanwhile (a sign-out in another tab): the new token is dropped, not written back.
      // Replaced (a sign-in in another tab): this token stays until it expires, and the next
      // refresh takes the stored session.
      else if (stored && (await store.read(id).catch(() => undefined)) === undefined) {
        throw signedOut("stored session gone: signed out in another tab");
      }
    }
    return token;
  };
  // One refresh at a time in this tab (callers share it), and one at a time among the tabs.
  let flight: Promise<Token> | undefined;
  // Around the grant's own refresh stage (the pipeline's refresh), which `refresh` above calls.
  const leave = wrapStage(hooks, "persistSession", "refresh", (inner) => (opts) => {
    if (!flight) {
      flight = exclusive(() => refresh(() => inner(opts)));
      const land = () => (flight = undefined);
      flight.then(land, land);
    }
    return flight;
  });
  // Tokens for other APIs (resources) come from the same refresh token: the same lock, the same
  // stored session read first and the rotated one written back; else the store would keep a
  // refresh token that was used already, and the next refresh would send it again (reuse).
  const refreshFor = i.refreshFor;
  const persistedFor =
    refreshFor && ((params: Parameters<typeof refreshFor>[0], scope: readonly string[]) => exclusive(() => refresh(() => refreshFor(params, scope))));
  if (persistedFor) i.refreshFor = persistedFor;
  return () => {
    offToken();
    offLogout();
    leave();
    if (refreshFor && i.refreshFor === persistedFor) i.refreshFor = refreshFor;
  };
};
