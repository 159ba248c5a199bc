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

const channelOf = (client: Client) =>
  typeof BroadcastChannel == "function" ? new BroadcastChannel("implicitly-tabs:" + internalsOf(client).options.clientId) : undefined;

// True while this page performs a logout that another tab announced, so that it is not
// announced again (which would bounce between tabs forever).
let echo = false;

/**
 * Keeps the tabs of this app (same origin, same `clientId`) in step over a `BroadcastChannel`,
 * in memory only:
 * - a {@link Client.logout} in one tab logs out every other tab;
 * - with `shareTokens`, this tab answers a new tab that asks for a current token ({@link restore}
 *   asks), so that it needs no silent renewal.
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
 * Bearer token.
 *
 * @param client - a client made by {@link createClient}
 * @returns the token now held, or `null` when no tab answered
 */
export const askTabs = (client: Client): Promise<Token | null> =>
  new Promise((resolve) => {
    const channel = channelOf(client);
    if (!channel) return resolve(null);
    const id = randomString();
    const done = (token: Token | null) => {
      clearTimeout(timer);
      channel.close();
      if (token) internalsOf(client).tokens.set(token);
      resolve(token);
    };
    const timer = setTimeout(done, ANSWER_WAIT, null);
    channel.onmessage = ({ data }: MessageEvent<Partial<TabMessage> | null>) => {
      const token = data?.tabs === "token" && data.id === id && tokenOf(data.token);
      if (token) done(token);
    };
    channel.postMessage({ tabs: "ask", id } satisfies TabMessage);
  });
