import { internalsOf } from "../client/internals";
import { randomString } from "../browser/random";
import { B64TOKEN } from "../protocol/syntax";
import type { Client } from "../client/types";
import type { Token } from "../protocol/types";

/** Options of {@link syncTabs}. */
export interface SyncTabsOptions {
  /**
   * Answer other tabs of this app that ask for the current token (see {@link restore}).
   * **Security:** the token then goes, in memory, to every page of this origin that runs a client
   * with the same `clientId` and asks for it.
   * @default false
   */
  shareTokens?: boolean;
}

/** A message between tabs: a logout, a request for the token (`id`), or the answer to one. */
type TabMessage = { tabs: "logout" } | { tabs: "ask"; id: string } | { tabs: "token"; id: string; token: Token };

/** How long {@link askTabs} waits for an answer, in ms. */
const ANSWER_WAIT = 300;

// The tabs' channel, and the Web Lock that a tab holds, shared, while it has a token to answer
// with: a new tab asks only when a holder exists, instead of waiting for answers that cannot come.
const nameOf = (client: Client) => "implicitly-tabs:" + internalsOf(client).options.clientId;
const locks = () => globalThis.navigator?.locks as LockManager | undefined;

const channelOf = (client: Client) => (typeof BroadcastChannel == "function" ? new BroadcastChannel(nameOf(client)) : undefined);

// True while this page performs a logout that another tab announced, so that it is not
// announced again (which would bounce between tabs forever).
let echo = false;

/**
 * Keeps the tabs of this app (same origin, same `clientId`) in step over a `BroadcastChannel`,
 * in memory only:
 * - a {@link Client.logout} in one tab logs out every other tab;
 * - with `shareTokens`, this tab answers a new tab that asks for a current token ({@link restore}
 *   asks), so that it needs no silent renewal. While it holds a token, it holds a shared Web Lock
 *   (`implicitly-tabs:` + `clientId`), so that new tabs ask only when some tab can answer.
 *
 * Nothing is ever written to storage. Messages not shaped as expected are ignored. Without
 * `BroadcastChannel` it does nothing.
 *
 * @param client - a client made by {@link createClient}
 * @param opts - see {@link SyncTabsOptions}
 * @returns a function that stops it
 */
export const syncTabs = (client: Client, opts?: SyncTabsOptions): (() => void) => {
  // Own options only: a `shareTokens` some other code set on Object.prototype is no option.
  const { shareTokens } = { __proto__: null, ...opts } as SyncTabsOptions;
  const channel = channelOf(client);
  if (!channel) return () => {};
  const send = (message: TabMessage) => channel.postMessage(message);
  const off = client.on("logout", () => echo || send({ tabs: "logout" }));
  // Holds the lock while there is a token (released and taken again for a new one).
  let release: (() => void) | undefined;
  const hold = () => {
    release?.();
    release = undefined;
    const held = shareTokens && client.getToken() && new Promise<void>((r) => (release = r));
    if (held) locks()?.request(nameOf(client), { mode: "shared" }, () => held);
  };
  const offs = (["token", "expired", "logout"] as const).map((event) => client.on(event, hold));
  hold();
  channel.onmessage = ({ data }: MessageEvent<Partial<TabMessage> | null>) => {
    const token = client.getToken();
    if (data?.tabs === "logout") {
      echo = true;
      client.logout();
      echo = false;
    } else if (data?.tabs === "ask" && typeof data.id == "string" && shareTokens && token) {
      // The access token only (a copy of its four members): never an ID token or its claims.
      const shared = tokenOf(token);
      if (shared) send({ tabs: "token", id: data.id, token: shared });
    }
  };
  return () => {
    off();
    offs.forEach((f) => f());
    release?.();
    channel.close();
  };
};

/**
 * A copy of `value`'s `accessToken`, `tokenType`, `scope` and `expiresAt` (nothing else) when it
 * is a well-formed, unexpired Bearer token (its access token a b64token, RFC 6750 §2.1); else undefined.
 */
const tokenOf = (value: unknown): Token | undefined => {
  const { accessToken, tokenType, scope, expiresAt } = (value || {}) as Partial<Token>;
  if (
    typeof accessToken == "string" &&
    B64TOKEN.test(accessToken) &&
    tokenType === "Bearer" &&
    Array.isArray(scope) &&
    scope.every((s) => typeof s == "string") &&
    (expiresAt === undefined || (typeof expiresAt == "number" && expiresAt > Date.now()))
  ) {
    return { accessToken, tokenType, scope: [...scope], ...(expiresAt !== undefined && { expiresAt }) };
  }
  return undefined;
};

/**
 * Asks the other tabs of this app for a current token (they answer when they run
 * {@link syncTabs} with `shareTokens`) and holds the first one that comes back within 300 ms.
 * Only an answer to this request (a random id) is taken, and only a well-formed, unexpired
 * Bearer token. With Web Locks (`navigator.locks`), it asks only when a tab holds a token (that
 * tab holds a shared lock), and otherwise resolves `null` at once.
 *
 * @param client - a client made by {@link createClient}
 * @returns the token now held, or `null` when no tab answered
 */
export const askTabs = async (client: Client): Promise<Token | null> =>
  // Where Web Locks are missing (or fail), it asks anyway.
  (
    await locks()
      ?.query()
      .catch(() => undefined)
  )?.held?.some((lock) => lock.name == nameOf(client)) === false
    ? null
    : ask(client);

// Asks, and takes the first answer within ANSWER_WAIT.
const ask = (client: Client): Promise<Token | null> =>
  new Promise((resolve) => {
    const channel = channelOf(client);
    if (!channel) return resolve(null);
    const id = randomString();
    const { tokens } = internalsOf(client);
    // A logout heard while asking (from this tab or another) ends the question: an answer sent
    // before it must not sign this tab in again.
    const era = tokens.era();
    const done = (token: Token | null) => {
      clearTimeout(timer);
      channel.close();
      const taken = token && tokens.era() == era ? token : null;
      if (taken) tokens.set(taken);
      resolve(taken);
    };
    const timer = setTimeout(done, ANSWER_WAIT, null);
    channel.onmessage = ({ data }: MessageEvent<Partial<TabMessage> | null>) => {
      const token = data?.tabs === "token" && data.id === id && tokenOf(data.token);
      if (token) done(token);
    };
    channel.postMessage({ tabs: "ask", id } satisfies TabMessage);
  });
