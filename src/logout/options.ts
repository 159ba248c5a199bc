import type { OptionNames } from "../client/pipeline";

/** The client options that {@link signOut} reads. */
export interface SignOutEndpoints {
  /**
   * The server's token revocation endpoint (RFC 7009), used by {@link signOut}. Checked there, so
   * apps that do not sign out at the server do not ship the check.
   * @default the provider metadata's `revocation_endpoint` with {@link createOidcClient}; else none
   */
  revocationEndpoint?: string;
  /**
   * The server's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0, or a logout
   * endpoint that takes the same parameters), used by {@link signOut}. Checked there.
   * @default the provider metadata's `end_session_endpoint` with {@link createOidcClient}; else none
   */
  endSessionEndpoint?: string;
}

/** The names of {@link SignOutEndpoints}, for the check of option names (no code of sign-out). */
export const SIGN_OUT_OPTIONS: OptionNames = { revocationEndpoint: 0, endSessionEndpoint: 0 };
