/**
 * Every code the SDK itself raises, each documented. {@link AuthError.code} is one of these, or
 * the authorization server's own `error` value (`access_denied`, `invalid_scope`, …), which passes
 * through unchanged: hence its type `AuthErrorCode | (string & {})`, which still completes these
 * in an editor and flags a misspelled one in a comparison's literal type.
 */
export type AuthErrorCode =
  /** An option or per-call option is invalid; `description` names it, the message says the rule and what was given. Also an `appState` that is not JSON. */
  | "invalid_config"
  /** The authorization response is malformed: a parameter twice, bad percent-encoding, outside its ABNF, or missing. */
  | "invalid_response"
  /** The response's `state` is missing, unknown, used or expired: possibly forged or replayed. */
  | "state_mismatch"
  /** The response names a token type the client does not use (RFC 6749 §7.1). */
  | "unsupported_token_type"
  /** No valid token for a resource request, no refresh token, or signed out while refreshing. */
  | "login_required"
  /** The storage for pending logins threw (blocked, full, private mode); `cause` is its error. */
  | "storage_unavailable"
  /** No answer from a frame or popup within its time (`silentTimeout`, `popupTimeout`). */
  | "timeout"
  /** The browser refused to open the popup of `loginWithPopup`. */
  | "popup_blocked"
  /** The user closed the popup of `loginWithPopup`. */
  | "popup_closed"
  /** The silent renewal's frame shows a page of its own instead of answering (a login or error page, or one that refuses framing). */
  | "page_in_frame"
  /** Called where there is no page (server-side rendering, Node). */
  | "no_browser"
  /** implicitly/react: something that is not an AuthError failed (an app's callback, a bug); `cause` is that error. */
  | "unexpected_error"
  /** A refresh asked for more scope than the grant has. */
  | "invalid_scope"
  /** The token endpoint could not be reached, or its answer not read (network, CORS, preflight); `cause` is the fetch's error. */
  | "token_network"
  /** No answer from the token endpoint within `tokenTimeout` seconds. */
  | "token_timeout"
  /** A token endpoint success whose `Content-Type` is not `application/json`. */
  | "token_content_type"
  /** A token endpoint success whose body is not a JSON object. */
  | "token_not_json"
  /** A token endpoint error status whose body names no `error`. */
  | "token_http_error"
  /** DPoP: the token endpoint answered a `Bearer` token (it did not bind the token to the key). */
  | "dpop_not_bound"
  /** DPoP: the token endpoint could not be reached with a `DPoP` header (often a CORS preflight without it); `cause` is the fetch's error. */
  | "dpop_network"
  /** DPoP: a resource asked for a nonce whose `DPoP-Nonce` header the page cannot read (CORS). */
  | "dpop_nonce"
  /** OpenID Connect: the provider metadata could not be fetched, parsed or trusted. */
  | "discovery_failed"
  /** OpenID Connect: the JWK Set could not be fetched or parsed. */
  | "jwks_failed"
  /** A response's `iss` parameter (RFC 9207) is missing or names another issuer. */
  | "issuer_mismatch"
  /** OpenID Connect: a silent renewal answered for another user (another `sub`). */
  | "user_mismatch"
  /** OpenID Connect: the ID token is missing or malformed. */
  | "invalid_id_token"
  /** OpenID Connect: the ID token's `alg` is not allowed. */
  | "id_token_alg"
  /** OpenID Connect: no single usable key for the ID token's `kid`. */
  | "id_token_kid"
  /** OpenID Connect: the ID token's signature does not verify. */
  | "id_token_signature"
  /** OpenID Connect: the ID token's `iss` is not the issuer. */
  | "id_token_iss"
  /** OpenID Connect: the ID token's `aud` lacks the client id. */
  | "id_token_aud"
  /** OpenID Connect: the ID token's `azp` is not the client id. */
  | "id_token_azp"
  /** OpenID Connect: the ID token has no valid `sub`. */
  | "id_token_sub"
  /** OpenID Connect: the ID token has expired (`exp`). */
  | "id_token_exp"
  /** OpenID Connect: the ID token's `iat` is missing or in the future. */
  | "id_token_iat"
  /** OpenID Connect: the ID token is not valid yet (`nbf`). */
  | "id_token_nbf"
  /** OpenID Connect: the ID token's `nonce` is not the request's. */
  | "id_token_nonce"
  /** OpenID Connect: the ID token's `at_hash` does not match the access token. */
  | "id_token_at_hash"
  /** OpenID Connect step-up (RFC 9470): the ID token's `acr` is none of the `acr_values` asked for. */
  | "id_token_acr"
  /** OpenID Connect step-up (RFC 9470): the ID token's `auth_time` is missing, or older than the `max_age` asked for. */
  | "id_token_auth_time"
  /** An API's protected-resource metadata (RFC 9728) could not be found, fetched or read: no `resource_metadata` in its challenge, not an https: URL, not a JSON object, or a member of the wrong type. */
  | "resource_metadata_failed"
  /** An API's protected-resource metadata is about another resource than the URL that was refused (RFC 9728 §3.3). */
  | "resource_mismatch"
  /** An API named only authorization servers the app did not configure: its description lists them; nothing is sent to them. */
  | "untrusted_authorization_server";

/** More about an {@link AuthError}: the error that caused it, and a message that says more than the description. */
export interface AuthErrorOptions {
  /** The original error (a fetch's `TypeError`, a storage's `DOMException`), kept as it is. */
  cause?: unknown;
  /** The message, when it says more than `code: description` (a configuration error's rule and value). */
  message?: string;
}

/**
 * The one error type of implicitly. Branch on {@link AuthError.code}, never on the message.
 *
 * @example
 * ```ts
 * try { await auth.handleRedirect(); }
 * catch (e) { if (isAuthError(e) && e.code === "access_denied") showDenied(); }
 * ```
 */
export class AuthError extends Error {
  /** Always `"AuthError"`, also after minification (see {@link isAuthError}). */
  override readonly name = "AuthError";
  /** An SDK code ({@link AuthErrorCode}) or the authorization server's `error` value. */
  readonly code: AuthErrorCode | (string & {});
  /** Human-readable detail: the server's `error_description`, or the SDK's explanation. */
  readonly description: string | undefined;
  /** The server's `error_uri`. */
  readonly uri: string | undefined;
  /** The `appState` of the login this error ends, when one was found. */
  appState?: unknown;

  /**
   * @param code - machine-readable code
   * @param description - human-readable detail
   * @param uri - a page about the error (the server's `error_uri`)
   * @param options - the `cause`, and a message that says more (see {@link AuthErrorOptions})
   */
  constructor(code: AuthErrorCode | (string & {}), description?: string, uri?: string, options?: AuthErrorOptions) {
    super(code + (options?.message || description ? ": " + (options?.message || description) : ""));
    if (options?.cause !== undefined) this.cause = options.cause;
    this.code = code;
    this.description = description;
    this.uri = uri;
  }
}

/**
 * True when `e` is an {@link AuthError}, also one thrown in another realm (iframe, popup), where
 * `instanceof` fails.
 */
export const isAuthError = (e: unknown): e is AuthError =>
  e instanceof AuthError || (!!e && (e as { name?: unknown }).name === "AuthError" && typeof (e as { code?: unknown }).code === "string");
