/** An access token held in memory. */
export interface Token {
  /** The access token itself. Never log it. */
  accessToken: string;
  /** `"Bearer"`, or `"DPoP"` with the `dpop` option (RFC 9449): implicitly refuses other token types. */
  tokenType: "Bearer" | "DPoP";
  /** When the token expires (ms since epoch, clock skew taken off); undefined when the server sent no `expires_in`. */
  expiresAt?: number;
  /** The granted scope; the requested scope when the response did not name one. */
  scope: string[];
}

/** A `Bearer` challenge from `WWW-Authenticate` (RFC 6750 §3), or a `DPoP` one (RFC 9449 §7.1: the same parameters, and `algs`). */
export interface BearerChallenge {
  /** The protection space (`realm`), when the challenge names one. */
  realm?: string;
  /** The scope the resource needs, split into tokens. */
  scope?: string[];
  /** `invalid_request`, `invalid_token`, `insufficient_scope`, or another code. */
  error?: string;
  /** `error_description`: a human-readable text from the resource server. */
  errorDescription?: string;
  /** `error_uri`: a page about the error, from the resource server. */
  errorUri?: string;
  /** A `DPoP` challenge's proof algorithms (RFC 9449 §7.1), space-separated. */
  algs?: string;
  /** `resource_metadata`: where the API's protected-resource metadata is (RFC 9728 §5.1). */
  resourceMetadata?: string;
  /** `acr_values`: the authentication context classes the API asks for (RFC 9470 §3), space-separated. */
  acrValues?: string;
  /** `max_age`: the most seconds since the user last signed in that the API accepts (RFC 9470 §3), as sent. */
  maxAge?: string;
}
