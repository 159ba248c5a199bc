import { base64url } from "../protocol/base64url";
import { AuthError, type AuthErrorCode } from "../protocol/errors";
import { jwa } from "./jwa";
import type { KeySet } from "./jwks";
import { decodeJws } from "./jwt";

/**
 * The codes of the OpenID Connect part. Each ID token rule has its own, so an app (or a test) can
 * tell which one failed; `description` says more. Each is documented in {@link AuthErrorCode}.
 */
export type OidcErrorCode = Extract<
  AuthErrorCode,
  "invalid_id_token" | `id_token_${string}` | "user_mismatch" | "jwks_failed" | "discovery_failed" | "issuer_mismatch"
>;

/** The claims of a verified ID token (OpenID Connect Core §2). The object has no prototype. */
export interface IdTokenClaims {
  /** The issuer: equal to the configured one. */
  iss: string;
  /** The End-User's identifier at the issuer. */
  sub: string;
  /** The audience: contains the client id. */
  aud: string | string[];
  /** Expiry, seconds since epoch. */
  exp: number;
  /** Issue time, seconds since epoch. */
  iat: number;
  /** Equal to the nonce of the login. */
  nonce: string;
  /** The authorized party: when present, equal to the client id. */
  azp?: string;
  /** The access token's hash (the left half of its digest, base64url), checked against the access token it came with. */
  at_hash?: string;
  /** When the End-User authenticated, seconds since epoch. */
  auth_time?: number;
  /** The authentication context class the End-User's sign-in satisfied. */
  acr?: string;
  /** Any other claim the provider sent, as it sent it. */
  [claim: string]: unknown;
}

/** Options of {@link verifyIdToken}. */
export interface VerifyIdTokenOptions {
  /** The issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** This client's `client_id`: must be in `aud`, and equal `azp`. */
  clientId: string;
  /** The nonce sent with this login (stored with its pending state); `nonce` must equal it. */
  nonce: string;
  /** Finds the signing key, e.g. {@link createKeySet}. */
  keys: KeySet;
  /**
   * The access token of the same response. **Security:** pass it whenever the response carries one
   * (`id_token token`): `at_hash` is then required and must match it.
   */
  accessToken?: string;
  /**
   * Check `at_hash` only when the token has one: for an ID token from the token endpoint (the code
   * flow), where OpenID Connect Core §3.1.3.8 makes it optional. @default false
   */
  optionalAtHash?: boolean;
  /** The current time, ms since epoch. @default Date.now() */
  now?: number;
  /** Seconds of tolerance on `exp`, `iat` and `nbf`. @default 30 */
  clockSkew?: number;
  /**
   * The accepted `alg` values, e.g. the provider's `id_token_signing_alg_values_supported`. Only
   * asymmetric algorithms can ever pass; `none` and `HS*` never do.
   * @default every supported one: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA
   */
  algorithms?: readonly string[];
}

const num = (v: unknown): number => (typeof v == "number" ? v : NaN);

/**
 * Verifies an ID token received from the authorization endpoint, and returns its claims. Checks, in
 * order: compact JWS form; `typ` not that of an access token (`at+jwt`); `alg` allowed; a key from the issuer's JWK Set (by `kid`); the signature
 * (WebCrypto); `iss`; `aud` and `azp`; `sub`; `exp`, `iat` and `nbf` (with `clockSkew`); `nonce`;
 * and `at_hash` when `accessToken` is given. Each failure has its own code.
 *
 * @param idToken - the `id_token` response parameter
 * @param options - what the token must match
 * @returns the verified claims
 * @throws AuthError `invalid_id_token` (malformed, or `typ` `at+jwt` / `application/at+jwt`), `id_token_alg`, `id_token_kid`, `jwks_failed`,
 * `id_token_signature`, `id_token_iss`, `id_token_aud`, `id_token_azp`, `id_token_sub`,
 * `id_token_exp`, `id_token_iat`, `id_token_nbf`, `id_token_nonce`, `id_token_at_hash`
 * @example
 * ```ts
 * const claims = await verifyIdToken(params.id_token, {
 *   issuer: "https://id.example.com", clientId: "my-spa", nonce: pending.nonce,
 *   accessToken: params.access_token, keys: createKeySet(metadata.jwksUri),
 * });
 * ```
 * @see OpenID Connect Core 1.0 §3.2.2.11, §3.1.3.7, §3.2.2.9; RFC 8725 §3.11; RFC 9068 §2.1
 */
export const verifyIdToken = async (idToken: string, options: VerifyIdTokenOptions): Promise<IdTokenClaims> => {
  const { issuer, clientId, nonce, accessToken, algorithms, clockSkew = 30 } = options;
  const fail = (code: string, why: string): never => {
    throw new AuthError(code, why);
  };
  const { header, payload: c, signingInput, signature } = decodeJws(idToken);
  // An access token in JWT form (RFC 9068) is never an ID token, whoever signed it (RFC 8725 §3.11).
  // (`typ` is a string or absent: decodeJws checked it.)
  const typ = header.typ as string | undefined;
  if (typ !== undefined && /^(application\/)?at\+jwt$/i.test(typ)) fail("invalid_id_token", "typ " + typ);
  const { alg } = header;
  const params = jwa(alg);
  if (!params || (algorithms && !algorithms.includes(alg))) return fail("id_token_alg", "alg " + alg + " not allowed");
  const key = await options.keys(header);
  let valid = false;
  try {
    valid = await crypto.subtle.verify(params, key, signature, signingInput);
  } catch {
    // a key of another type, or a malformed signature: invalid
  }
  if (!valid) fail("id_token_signature", "bad signature");

  const now = (options.now ?? Date.now()) / 1000;
  const { aud, azp } = c;
  // A missing option must never make a check pass (undefined === undefined).
  if (!issuer || c.iss !== issuer) fail("id_token_iss", "iss is not " + issuer);
  const audience = typeof aud == "string" ? [aud] : aud;
  if (!Array.isArray(audience) || !audience.includes(clientId)) fail("id_token_aud", "aud lacks " + clientId);
  if ((azp !== undefined || (audience as string[]).length > 1) && azp !== clientId) fail("id_token_azp", "azp is not " + clientId);
  if (!c.sub || typeof c.sub != "string") fail("id_token_sub", "sub missing");
  if (!(now - clockSkew < num(c.exp))) fail("id_token_exp", "expired or exp missing");
  if (!(num(c.iat) <= now + clockSkew)) fail("id_token_iat", "iat in the future or missing");
  if (c.nbf !== undefined && !(num(c.nbf) <= now + clockSkew)) fail("id_token_nbf", "not yet valid");
  if (!nonce || c.nonce !== nonce) fail("id_token_nonce", c.nonce === undefined ? "nonce missing" : "nonce mismatch");
  if (accessToken !== undefined && !(options.optionalAtHash && c.at_hash === undefined)) {
    // Left half of the hash of the access token's ASCII bytes, base64url (OIDC Core §3.2.2.9).
    const hash = new Uint8Array(await crypto.subtle.digest(params.hash, new TextEncoder().encode(accessToken)));
    if (c.at_hash !== base64url(hash.subarray(0, hash.length / 2))) fail("id_token_at_hash", "at_hash does not match the access token");
  }
  return c as IdTokenClaims;
};
