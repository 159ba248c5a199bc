/**
 * Codes the SDK itself raises. Server error codes (`access_denied`, `invalid_scope`, …) pass
 * through unchanged, so {@link AuthError.code} is typed as a plain string.
 */
export type AuthErrorCode =
  | "invalid_config"
  | "invalid_response"
  | "state_mismatch"
  | "unsupported_token_type"
  | "login_required"
  | "storage_unavailable"
  | "timeout"
  | "popup_blocked"
  | "popup_closed"
  | "page_in_frame"
  | "no_browser";

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
  readonly code: string;
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
   */
  constructor(code: string, description?: string, uri?: string) {
    super(description ? code + ": " + description : code);
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
