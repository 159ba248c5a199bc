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

/**
 * Keeps the client signed in with silent renewal ({@link renew}):
 * - `expiringNotice` seconds before the token expires, renews it (asking for the scope the
 *   token has). When that fails nothing else happens: the client emits `expired` at expiry, as
 *   without this.
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
  const offs = [client.on("token", (token) => (scope = token.scope)), client.on("expiring", () => void again().catch(() => undefined))];
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
    offs.forEach((off) => off());
    leave();
  };
};
