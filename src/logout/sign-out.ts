import { AuthError } from "../protocol/errors";
import { buildAuthorizationUrl } from "../protocol/authorize";
import { createPendingStore } from "../browser/pending";
import { randomString } from "../browser/random";
import { featureOptions, internalsOf, type Internals } from "../client/internals";
import { checkUrl } from "../client/options";
import type { SignOutEndpoints } from "./options";
import { revokeToken, type Revocation } from "./revoke";
import type { Client } from "../client/types";

/** Options of {@link signOut}. */
export interface SignOutOptions {
  /**
   * Revoke the tokens the client held (RFC 7009), when a revocation endpoint is known: the
   * client's `revocationEndpoint`, else the provider metadata's `revocation_endpoint`.
   * @default true
   */
  revoke?: boolean;
  /**
   * End the session at the authorization server (OpenID Connect RP-Initiated Logout 1.0), when an
   * end-session endpoint is known: the client's `endSessionEndpoint`, else the provider
   * metadata's `end_session_endpoint`. The page then navigates there.
   * @default true
   */
  endSession?: boolean;
  /**
   * Where the server sends the user back after ending its session; must be registered there
   * (`post_logout_redirect_uris`). That page calls {@link handleSignOut}.
   * @default the client's `redirectUri`
   */
  postLogoutRedirectUri?: string;
  /** Any JSON value handed back by {@link handleSignOut} on the return page. */
  appState?: unknown;
  /**
   * How the end-session request is sent. `"GET"` (a navigation) works with every provider, but
   * puts `id_token_hint` in the provider's URL, and so in this tab's history while the user is
   * there. `"POST"` (a form submission) keeps it in the request body; providers must accept it
   * (oidc-provider only does with `SameSite=None` session cookies, since a `Lax` cookie does not
   * come with a cross-site POST), and the page's Content-Security-Policy `form-action` must allow
   * the endpoint.
   * @default "GET"
   */
  method?: "GET" | "POST";
}

/** What {@link signOut} did, besides the local logout that it always does first. */
export interface SignOutResult {
  /** One entry per token sent to the revocation endpoint; empty when none was known or held. */
  revocations: Revocation[];
  /** `true` when the browser is on its way to the end-session endpoint (the page is unloading). */
  endingSession: boolean;
}

/** What {@link handleSignOut} returns on the page a sign-out came back to. */
export interface SignOutReturn {
  /** What the revocations before the end session did (the page that called {@link signOut} is gone). */
  revocations: Revocation[];
  /** The `appState` given to {@link signOut}, when there was one. */
  appState?: unknown;
}

// The end-session state's mark: the return page's `state` is a sign-out's, never a login's.
const MARK = "out.";

// Sign-outs under way, per client, in their own storage entry: their states can never complete
// a login, nor a login's a sign-out.
const pendingOf = (i: Internals) => createPendingStore(i.options.storage, "implicitly:logout:" + i.options.clientId, i.options.stateTtl * 1000);

/** The endpoint named by the option `name`, else by the provider metadata's `member`, checked; undefined when neither. */
const endpointOf = async (i: Internals, name: "revocationEndpoint" | "endSessionEndpoint", member: string) => {
  const value = featureOptions<SignOutEndpoints>(i)[name] ?? (await i.metadata?.())?.[member];
  return value === undefined ? value : checkUrl(name, value);
};

/**
 * Signs the user out: here first, then at the authorization server.
 *
 * 1. **The local logout**, always and at once: {@link Client.logout} (every tab too, with
 *    {@link syncTabs}). The tokens it held are kept in this call only, for the next steps.
 * 2. **Revocation** (RFC 7009), when a revocation endpoint is known: the access token, and the
 *    refresh token when the client held one, each as a public client (`client_id`, `token`,
 *    `token_type_hint`), one after the other, the refresh token first; a redirect is never
 *    followed. Failures (an unreachable server, a `401` from a server that refuses public
 *    clients, a redirect) are reported in {@link SignOutResult.revocations}, never thrown.
 * 3. **RP-Initiated Logout**, when an end-session endpoint is known: stores a pending sign-out
 *    (its one-time `state`, never a token) and navigates (`method`) to the endpoint with `id_token_hint` (the
 *    ID token the client held, with {@link createOidcClient}), `client_id`,
 *    `post_logout_redirect_uri` and `state`. The server ends its session and sends the user back,
 *    where {@link handleSignOut} checks the `state`.
 *
 * No token is written to storage or to a URL of this app on the way. (With `method: "GET"`, the
 * ID token is in the provider's URL: see {@link SignOutOptions.method}.)
 *
 * @param client - a client made by {@link createClient} or {@link createOidcClient}
 * @param given - see {@link SignOutOptions}; own members only
 * @returns what was revoked, and whether the page is navigating to the end-session endpoint
 * @throws AuthError when it cannot go on, with the local logout done by then: `invalid_config`
 *   for an invalid endpoint or `postLogoutRedirectUri`, `discovery_failed` when the provider
 *   metadata is needed and cannot be read, `storage_unavailable` when the pending sign-out cannot
 *   be stored (nothing navigates)
 * @see RFC 7009; OpenID Connect RP-Initiated Logout 1.0 §2
 * @example
 * ```ts
 * logoutButton.onclick = async () => {
 *   const { revocations } = await signOut(auth); // navigates away when the server has an end-session endpoint
 *   if (revocations.some((r) => !r.revoked)) console.warn("token not revoked", revocations);
 * };
 * ```
 */
export const signOut = async (client: Client, given?: SignOutOptions): Promise<SignOutResult> => {
  // Own options only: a `revoke` or `postLogoutRedirectUri` some other code set on
  // Object.prototype is no option.
  const opts = { __proto__: null, ...given } as SignOutOptions;
  const i = internalsOf(client);
  const o = i.options;
  const token = i.tokens.get() as { accessToken: string; idToken?: string } | null;
  const refresh = i.refreshToken?.();
  client.logout();
  const revocations: Revocation[] = [];
  const endpoint = opts.revoke !== false && (token || refresh) ? await endpointOf(i, "revocationEndpoint", "revocation_endpoint") : undefined;
  if (endpoint) {
    // One after the other, the refresh token first (it can mint new access tokens): some servers
    // fail one of two at once (Django OAuth Toolkit on sqlite: 500, "database is locked").
    if (refresh) revocations.push(await revokeToken(endpoint, o.clientId, refresh, "refresh_token", o.fetch, 10));
    if (token) revocations.push(await revokeToken(endpoint, o.clientId, token.accessToken, "access_token", o.fetch, 10));
  }
  const end = opts.endSession === false ? undefined : await endpointOf(i, "endSessionEndpoint", "end_session_endpoint");
  if (!end) return { revocations, endingSession: false };
  const redirectUri = checkUrl("postLogoutRedirectUri", opts.postLogoutRedirectUri ?? o.redirectUri);
  const state = MARK + randomString();
  pendingOf(i).add(state, { created: Date.now(), redirectUri, scope: [], appState: opts.appState, features: { signOut: { revocations } } });
  const params: Record<string, string | undefined> = {
    id_token_hint: token?.idToken,
    client_id: o.clientId,
    post_logout_redirect_uri: redirectUri,
    state,
  };
  if (opts.method == "POST") {
    // RP-Initiated Logout §2 allows a form POST: the ID token then travels in the body only.
    const form = document.createElement("form");
    form.method = "POST";
    form.action = end;
    for (const name of Object.keys(params)) {
      const value = params[name];
      if (value) form.append(Object.assign(document.createElement("input"), { type: "hidden", name, value }));
    }
    (document.body || document.documentElement).append(form);
    form.submit();
  } else {
    location.assign(buildAuthorizationUrl(end, params));
  }
  return { revocations, endingSession: true };
};

/**
 * Completes a sign-out on the page the authorization server sent the user back to (the
 * `postLogoutRedirectUri` of {@link signOut}); call it on every load of that page, before
 * {@link restore}. It recognises only a sign-out's `state` (a query parameter marked as one),
 * checks it against the pending sign-outs of this client (one-time, within `stateTtl`),
 * removes it from the address bar with `history.replaceState`, and returns the sign-out's
 * `appState` and what its revocations did. The session at the server is over: a silent renewal now answers `login_required`.
 *
 * @param client - the client {@link signOut} was called with (or one with the same `clientId`)
 * @param url - @default location.href
 * @returns the revocations and `appState`; `null` when the URL carries no sign-out state (a normal
 *   load; nothing is touched)
 * @throws AuthError `state_mismatch` when the state is unknown, used or expired (description says
 *   which); `invalid_response` for a `state` given
 *   twice; `storage_unavailable`. The state leaves the address bar in every case.
 * @see OpenID Connect RP-Initiated Logout 1.0 §3
 * @example
 * ```ts
 * if (handleSignOut(auth)) showMessage("You are signed out.");
 * const token = await restore(auth);
 * ```
 */
export const handleSignOut = (client: Client, url?: string): SignOutReturn | null => {
  const i = internalsOf(client);
  const href = url ?? location.href;
  const parsed = new URL(href);
  const states = parsed.searchParams.getAll("state");
  if (!states.some((s) => s.startsWith(MARK))) return null;
  parsed.searchParams.delete("state");
  if (href == location.href) history.replaceState(history.state, "", parsed.href);
  if (states.length > 1) throw new AuthError("invalid_response", "state repeated");
  const login = pendingOf(i).take(states[0]!);
  if (!login || login == "expired") throw new AuthError("state_mismatch", "state " + (login || "unknown or used"));
  const back: SignOutReturn = { revocations: (login.features?.signOut?.revocations as Revocation[] | undefined) || [] };
  if (login.appState !== undefined) back.appState = login.appState;
  return back;
};
