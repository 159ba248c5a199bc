import { awaitResponse } from "./await-response";
import { AuthError } from "../protocol/errors";
import { internalsOf } from "../client/internals";
import { invalidConfig } from "../client/options";
import { inPage } from "../browser/page";
import type { Client, LoginOptions, RedirectResult } from "../client/types";
import type { Token } from "../protocol/types";

/** Options of {@link loginWithPopup}. */
export interface PopupOptions extends LoginOptions {
  /** Seconds to wait for the user to finish in the popup before rejecting `timeout`. @default 300 */
  popupTimeout?: number;
}

const inPopup = async (client: Client, popup: Window | null | undefined, opts: LoginOptions, seconds: number) => {
  inPage();
  if (popup === undefined) throw invalidConfig("popupTimeout", seconds, "is not a number of seconds > 0 (and < 2e6)");
  if (!popup) throw new AuthError("popup_blocked");
  try {
    const i = internalsOf(client);
    const { url, state, redirectUri } = await i.start(opts, "popup");
    popup.location.replace(url);
    return await awaitResponse(i, state, redirectUri, popup, seconds, true);
  } finally {
    popup.close();
  }
};

/**
 * Signs in in a popup window and resolves in this page, which never navigates: the popup goes
 * through the authorization server to the redirect URI, whose page only has to call
 * {@link Client.handleRedirect} (or {@link restore}); it hands the response to this page, which
 * validates it exactly as a redirect, holds the token, emits `token` and closes the popup.
 *
 * **Call it straight from a click handler, before any `await`:** browsers allow a popup only
 * while the click that asks for it is being handled. It opens the window at once and loads the
 * authorization URL into it once that is ready.
 *
 * A response is accepted only from that popup's window, from the redirect URI's origin, and with
 * the state of that request. Where Cross-Origin-Opener-Policy cuts the popup's link to this page
 * (Microsoft's and Amazon Cognito's sign-in pages send `same-origin`), the response comes over a
 * same-origin `BroadcastChannel` instead, still checked for its state.
 *
 * When the user closes the popup, it rejects `popup_closed` some 2.5 s later (time for a response
 * already on its way). A popup whose link was cut at the server's first page reads as closed
 * from then on, while the user may still be signing in: then it waits, and rejects
 * `popup_closed` 2.5 s after this window gets the focus back (closing a popup focuses the window
 * that opened it; so does the user coming back to the app with the popup still open), or
 * `timeout` after `popupTimeout` seconds. A link cut on a later page of the server (not the
 * first) reads as a closed popup.
 *
 * @typeParam T - the client's token type: an OpenID client's (`createOidcClient`) has `idToken` and `claims`
 * @param client - a client made by {@link createClient} or {@link createOidcClient}
 * @param opts - per-call options, as for {@link Client.login}, and `popupTimeout`
 * @returns the token and the `appState` given in `opts`
 * @throws AuthError `popup_blocked` when the browser refused to open the window (no login was
 *   started), `popup_closed` when the user closed it, `timeout` after `popupTimeout` seconds, the
 *   server's code (e.g. `access_denied`), `no_browser` outside a page, or any code of
 *   {@link Client.handleRedirect}
 * @example
 * ```ts
 * button.onclick = async () => {
 *   try {
 *     const { token } = await loginWithPopup(auth); // no await before this call
 *   } catch (e) {
 *     if (isAuthError(e) && e.code == "popup_blocked") await auth.login(); // fall back to a redirect
 *   }
 * };
 * ```
 */
export const loginWithPopup = <T extends Token>(client: Client<T>, opts: PopupOptions = {}): Promise<RedirectResult<T>> => {
  // Own options only: a name some other code set on Object.prototype is no option.
  const { popupTimeout = 300, ...login } = { __proto__: null, ...opts } as PopupOptions;
  // Synchronously, before any await: only then does the browser still see the user's click.
  // Outside a page there is nothing to open, and inPopup rejects no_browser.
  const popup = popupTimeout > 0 && popupTimeout < 2e6 && typeof window == "object" ? open("", "", "popup,width=500,height=640") : undefined;
  // The client made this token, so it is of the client's token type (an OpenID client's has the ID token).
  return inPopup(client, popup, login, popupTimeout) as Promise<RedirectResult<T>>;
};
