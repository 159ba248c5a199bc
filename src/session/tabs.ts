import { internalsOf } from "../client/internals";
import { randomString } from "../browser/random";
import { VSCHARS } from "../protocol/syntax";
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

// A tab that holds a token (and answers, with shareTokens) holds this Web Lock, shared: a new tab
// asks only when a holder exists, instead of waiting for answers that cannot come.
const lockName = (client: Client) => "implicitly-token:" + internalsOf(client).options.clientId;
const locks = () => (typeof navigator == "object" ? (navigator.locks as LockManager | undefined) : undefined);

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
export const syncTabs = (client: Client, opts: SyncTabsOptions = {}): (() => void) => {
  const channel = channelOf(client);
  if (!channel) return () => {};
  const send = (message: TabMessage) => channel.postMessage(message);
  const off = client.on("logout", () => echo || send({ tabs: "logout" }));
  let release: (() => void) | undefined;
  const hold = () => {
    if (!opts.shareTokens || release || !locks()) return;
    const held = new Promise<void>((r) => (release = r));
    locks()!.request(lockName(client), { mode: "shared" }, () => held).catch(drop);
  };
  const drop = () => {
    release?.();
    release = undefined;
  };
  const offs = [client.on("token", hold), client.on("expired", drop), client.on("logout", drop)];
  if (client.getToken()) hold();
  channel.onmessage = ({ data }: MessageEvent<Partial<TabMessage> | null>) => {
    const token = client.getToken();
    if (data?.tabs === "logout") {
      echo = true;
      client.logout();
      echo = false;
    } else if (data?.tabs === "ask" && typeof data.id == "string" && opts.shareTokens && token) {
      send({ tabs: "token", id: data.id, token });
    }
  };
  return () => {
    off();
    offs.forEach((f) => f());
    drop();
    channel.close();
  };
};

/** A copy of `value` when it is a well-formed, unexpired Bearer token; else undefined. */
const tokenOf = (value: unknown): Token | undefined => {
  const { accessToken, tokenType, scope, expiresAt } = (value || {}) as Partial<Token>;
  if (
    typeof accessToken == "string" &&
    VSCHARS.test(accessToken) &&
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
  locks() && !(await locks()!.query()).held?.some((lock) => lock.name == lockName(client)) ? null : ask(client);

// Asks, and takes the first answer within ANSWER_WAIT.
const ask = (client: Client): Promise<Token | null> =>
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
