import { internalsOf } from "../client/internals";
import { ownStage, type Stages } from "../client/pipeline";
import { renew } from "./renew";
import type { Client } from "../client/types";

/**
 * Whether a request's body can be sent a second time: no body, or one fetch reads afresh
 * (string, `URLSearchParams`, `Blob`, `ArrayBuffer` or a view, `FormData`). A stream can be read
 * once only, and so can a `Request`'s own body, which the first send used up.
 */
const replayable = (input: RequestInfo | URL, init: RequestInit | undefined) =>
  // init's body replaces the Request's; a Request's own body, when it has one, is a stream.
  !((init?.body ?? (input as Request).body) as ReadableStream | null | undefined)?.getReader;

/** How often autoRenew looks at the clock for a wake-up, in ms. */
const WAKE_TICK = 15_000;

/**
 * Keeps the client signed in with silent renewal ({@link renew}):
 * - `expiringNotice` seconds before the token expires, renews it (asking for the scope the
 *   token has). When that fails nothing else happens: the client emits `expired` at expiry, as
 *   without this.
 * - After a wake-up (the page was asleep: its 15-second timer fired more than 30 seconds late),
 *   renews at once when the token is gone or expires within `expiringNotice` seconds, instead of
 *   waiting for a notice that came late or not at all.
 * - When a request of {@link Client.fetch} gets a `401` that refused the token (a Bearer
 *   `error="invalid_token"`, or no readable Bearer challenge and no other scheme named), renews
 *   once and sends the request once more with the new token. Never more: the second
 *   response is returned as it is, whatever it says. A request whose body cannot be sent again
 *   (a `ReadableStream`, or a `Request` with a body) is not replayed; neither is one when the
 *   renewal fails: the `401` is returned, as without this.
 *
 * @param client - a client made by {@link createClient}
 * @returns a function that stops it
 * @example
 * ```ts
 * const stop = autoRenew(auth);
 * ```
 */
export const autoRenew = (client: Client): (() => void) => {
  const replays = new WeakSet<RequestInit>();
  const i = internalsOf(client);
  let scope = client.getToken()?.scope;
  const again = () => renew(client, scope ? { scope } : {});
  let held = !!client.getToken();
  const offs = [
    client.on("token", (token) => {
      scope = token.scope;
      held = true;
    }),
    client.on("logout", () => (held = false)),
    client.on("expiring", () => void again().catch(() => undefined)),
  ];
  // A wake-up: a timer that fires much later than asked means the page was asleep (a closed lid,
  // a frozen tab), and the expiring notice may have been missed or be late. Renew at once then,
  // when the token is gone or about to expire.
  let last = Date.now();
  let tick: ReturnType<typeof setTimeout>;
  const watch = () => {
    const now = Date.now();
    const token = client.getToken();
    const due = !token || (token.expiresAt !== undefined && token.expiresAt - now <= i.options.expiringNotice * 1000);
    if (now - last > 2 * WAKE_TICK && held && due) void again().catch(() => undefined);
    last = now;
    tick = setTimeout(watch, WAKE_TICK);
  };
  tick = setTimeout(watch, WAKE_TICK);
  const retry: Stages["retry"] = (input, init) => {
    // A replay is never replayed: its init is marked.
    if (replays.has(init!) || !replayable(input, init)) return undefined;
    const replay = { ...init };
    replays.add(replay);
    return again().then(
      () => client.fetch(input, replay),
      () => undefined,
    );
  };
  // A newer autoRenew of this client replaces this one's stage; stopping this one then leaves it.
  const leave = ownStage(i.hooks, "autoRenew", "retry", retry);
  return () => {
    clearTimeout(tick);
    offs.forEach((off) => off());
    leave();
  };
};
