import { awaitResponse } from "./await-response";
import { featureOptions, internals, internalsOf } from "../client/internals";
import { inPage } from "../browser/page";
import { checkUrl, invalidConfig } from "../client/options";
import type { SessionOptions } from "./options";
import type { Client, LoginOptions } from "../client/types";
import type { Token } from "../protocol/types";

// The renewal in flight, per client, with the era it began in: concurrent calls share one frame,
// but a call after a logout never joins a renewal from before it (that one ends `login_required`).
const flights = new WeakMap<Client, { era: number | undefined; flight: Promise<Token> }>();

// A renewal that asks for a token of another audience (RFC 8707 `resource`, own member only).
const forResource = (opts: LoginOptions) => !!opts.extraParams && Object.prototype.hasOwnProperty.call(opts.extraParams, "resource");

const silently = async (client: Client, given: LoginOptions): Promise<Token> => {
  inPage();
  const i = internalsOf(client);
  // Own options only: a name some other code set on Object.prototype is no option.
  const opts = { __proto__: null, ...given } as LoginOptions;
  // The flow's own way first (the code flow's refresh token); the frame when it has none or it is
  // refused, but never after a logout meanwhile (the code flow's "signed out" refusal drops a late
  // answer: the frame would undo the logout).
  const era = i.tokens.era();
  // A request for another audience (RFC 8707 `resource`) is no refresh of the client's own token.
  if (i.hooks.refresh && !forResource(opts)) {
    try {
      return await i.hooks.refresh(opts);
    } catch (e) {
      if (i.tokens.era() != era) throw e;
    }
  }
  // Checked here, not in createClient, so that apps without renewal do not ship the checks.
  const o = featureOptions<SessionOptions>(i);
  const { silentTimeout = 10 } = o;
  if (!(typeof silentTimeout == "number" && silentTimeout > 0 && silentTimeout < Infinity)) {
    throw invalidConfig("silentTimeout", silentTimeout, "is not a finite number of seconds above 0");
  }
  const redirectUri = opts.redirectUri ?? checkUrl("silentRedirectUri", o.silentRedirectUri ?? o.redirectUri);
  const { url, state } = await i.start({ ...opts, redirectUri, extraParams: { ...opts.extraParams, prompt: "none" } }, "frame");
  const frame = document.createElement("iframe");
  frame.style.display = "none";
  frame.src = url;
  (document.body || document.documentElement).append(frame);
  try {
    return (await awaitResponse(i, state, redirectUri, frame.contentWindow!, silentTimeout, false, frame)).token;
  } finally {
    // In the task after the promise settles: removing a frame unloads its document, a few
    // milliseconds the caller need not wait for.
    setTimeout(() => frame.remove());
  }
};

/**
 * Gets a new token without showing anything. With the code flow ({@link codeFlow}) and a refresh
 * token, by refreshing (RFC 6749 §6); otherwise, and when the refresh is refused (unless
 * {@link Client.logout} was called meanwhile: then it rejects `login_required`), it loads the
 * authorization request with `prompt=none` in a hidden iframe, at the client's `silentRedirectUri`. That page only has to
 * call {@link Client.handleRedirect}, which hands the response to this page; this page validates
 * it exactly as a redirect, holds the token and emits `token`.
 *
 * Calls made while a renewal runs share it (one frame; their options are ignored), except after
 * a {@link Client.logout}: a call then starts its own. The frame is removed in every outcome, in
 * the task after the promise settles. A response is accepted only from that frame's window, from
 * the redirect URI's origin, and with the state of that request.
 *
 * It fails fast when the server shows a page instead of answering: once the frame has loaded a
 * page that is not the redirect page (the server's error page for an unregistered redirect URI
 * or client id, the browser's error page for a page that refuses framing, or the login page of a
 * server that ignores `prompt=none`), it rejects `page_in_frame` after a grace of one second,
 * for pages that redirect by script. That code is a configuration to check, not the server's
 * `interaction_required`; the frame's page is of another origin, so which of these it is cannot
 * be told here (open the authorization URL in a tab to see it).
 *
 * Needs a session at the authorization server (a cookie it can read in a frame: same site, or
 * third-party cookies allowed) and an authorization endpoint that may be framed by this origin.
 *
 * @typeParam T - the client's token type: an OpenID client's (`createOidcClient`) has `idToken` and `claims`
 * @param client - a client made by {@link createClient} or {@link createOidcClient}
 * @param opts - per-call options, as for {@link Client.login}; `prompt` is always `none`
 * @returns the new token
 * @throws AuthError with the server's code when it cannot answer without the user
 *   (`login_required`, `interaction_required`, `consent_required`, `account_selection_required`),
 *   `page_in_frame` when the frame shows a page instead, `timeout` after `silentTimeout`
 *   seconds without a response, `invalid_config` for an invalid `silentRedirectUri` (no frame is
 *   added), `no_browser` outside a page, or any code of {@link Client.handleRedirect}
 * @see OpenID Connect Core 1.0 §3.1.2.1 (`prompt=none`)
 * @example
 * ```ts
 * try {
 *   await renew(auth);
 * } catch (e) {
 *   if (isAuthError(e) && e.code == "login_required") showLoginButton();
 * }
 * ```
 */
export const renew = <T extends Token>(client: Client<T>, opts: LoginOptions = {}): Promise<T> => {
  // A token for another audience neither shares the client's own renewal nor is shared with it:
  // each caller gets the token it asked for.
  if (forResource(opts)) return silently(client, opts) as Promise<T>;
  // Not a client: `silently` rejects invalid_config (a promise, as every outcome of renew()).
  const era = internals.get(client)?.tokens.era();
  const running = flights.get(client);
  if (running && running.era === era) return running.flight as Promise<T>;
  const mine = { era, flight: silently(client, opts) };
  flights.set(client, mine);
  const land = () => flights.get(client) === mine && flights.delete(client);
  mine.flight.then(land, land);
  // The client made this token, so it is of the client's token type (an OpenID client's has the ID token).
  return mine.flight as Promise<T>;
};
