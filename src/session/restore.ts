import { autoRenew } from "./auto-renew";
import { responseOf } from "./await-response";
import { AuthError } from "../protocol/errors";
import { inPage } from "../browser/page";
import { internalsOf } from "../client/internals";
import { handoffOf } from "../client/handoff";
import { renew } from "./renew";
import { askTabs, syncTabs } from "./tabs";
import type { Client } from "../client/types";
import type { Token } from "../protocol/types";

/** Options of {@link restore}. */
export interface RestoreOptions {
  /** Start {@link autoRenew}. @default false */
  autoRenew?: boolean;
  /** Keep the tabs in step with {@link syncTabs}: a logout in one tab logs out all. @default true */
  tabs?: boolean;
  /**
   * Ask the other tabs for a current token before trying a silent renewal, and answer their
   * asking in turn (needs `tabs`). See the security note of {@link SyncTabsOptions.shareTokens}.
   * @default false
   */
  shareTokens?: boolean;
}

// The server's ways of saying "not without the user", and no answer at all: signed out.
const SIGNED_OUT = /^((login|interaction|consent|account_selection)_required|timeout)$/;

/**
 * The one call an app makes at start-up, on every page load:
 * 1. when the URL carries an authorization response, completes it ({@link Client.handleRedirect})
 *    and resolves its token, or rejects with its error;
 * 2. otherwise, with `shareTokens`, takes a current token from another tab of this app;
 * 3. otherwise tries one silent renewal ({@link renew});
 * 4. resolves `null` when there is no session at the authorization server (`login_required`,
 *    `interaction_required`, `consent_required`, `account_selection_required`) or no answer in
 *    time (`timeout`): show the login button then.
 *
 * It never navigates on its own, so it cannot loop. Other errors of the renewal reject (e.g.
 * `invalid_scope`, `server_error`, `storage_unavailable`, and `page_in_frame` when the server
 * showed a page in the frame instead of answering: an unregistered `silentRedirectUri`, or a
 * server that ignores `prompt=none`): they need the app's or the user's attention; the app is
 * still signed out and can offer the login button.
 *
 * It also starts {@link syncTabs} (unless `tabs: false`) and, with `autoRenew`, {@link autoRenew}.
 * In a frame or popup that {@link renew} or {@link loginWithPopup} opened, it only hands the
 * response over and resolves `null`, doing nothing else.
 *
 * @typeParam T - the client's token type: an OpenID client's (`createOidcClient`) has `idToken` and `claims`
 * @param client - a client made by {@link createClient} or {@link createOidcClient}
 * @param opts - see {@link RestoreOptions}
 * @returns the token, or `null` when signed out
 * @throws AuthError from the authorization response in the URL, or from the renewal (see above);
 *   `no_browser` outside a page
 * @example
 * ```ts
 * const auth = createClient({ authorizationEndpoint, clientId, silentRedirectUri });
 * try {
 *   const token = await restore(auth, { autoRenew: true });
 *   show(token ? "signed in" : "signed out");
 * } catch (e) {
 *   showError(e); // e.g. access_denied after the user chose Deny
 * }
 * ```
 */
export const restore = async <T extends Token>(client: Client<T>, opts: RestoreOptions = {}): Promise<T | null> => {
  // Own options only: a name some other code set on Object.prototype is no option.
  const { tabs = true, shareTokens = false, autoRenew: auto } = { __proto__: null, ...opts } as RestoreOptions;
  inPage();
  // A frame's or popup's redirect page: handleRedirect() hands the response to the opener.
  if (handoffOf(responseOf(internalsOf(client), location.href)?.state)) {
    await client.handleRedirect();
    return null;
  }
  if (auto) autoRenew(client);
  if (tabs) syncTabs(client, { shareTokens });
  // What the client holds once any response in the URL is handled: never a stale outcome.
  await client.handleRedirect();
  let token = client.getToken();
  // A token from another tab has no ID token: an OpenID token whose optional members are absent.
  if (!token && tabs && shareTokens) token = (await askTabs(client)) as T | null;
  try {
    return token || (await renew(client));
  } catch (e) {
    if (e instanceof AuthError && SIGNED_OUT.test(e.code)) return null;
    throw e;
  }
};
