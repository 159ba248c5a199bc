import { AuthError } from "../protocol/errors";
import { fetchJson } from "./fetch-json";

/** What implicitly needs from an OpenID provider's metadata (OpenID Connect Discovery §3). */
export interface ProviderMetadata {
  /** The issuer identifier: equal to the one asked for. */
  issuer: string;
  /** `authorization_endpoint`. */
  authorizationEndpoint: string;
  /** `jwks_uri`: the provider's signing keys. */
  jwksUri: string;
  /** `id_token_signing_alg_values_supported`: the `alg`s its ID tokens may use. */
  idTokenAlgorithms: string[];
  /** `authorization_response_iss_parameter_supported` (RFC 9207): responses carry `iss`. */
  issParameterSupported: boolean;
  /** The whole document, parsed without prototypes. */
  metadata: Readonly<Record<string, unknown>>;
}

/**
 * Fetches an OpenID provider's metadata from `{issuer}/.well-known/openid-configuration` (a
 * trailing `/` of the issuer is removed first) and checks that its `issuer` equals `issuer`
 * exactly, so a document cannot speak for another issuer.
 *
 * @param issuer - the issuer identifier, exactly as the provider spells it
 * @param fetchFn - @default globalThis.fetch at call time
 * @returns the metadata
 * @throws AuthError `discovery_failed` when the document cannot be fetched (within 10 s) or parsed, names
 * another issuer, or lacks `authorization_endpoint`, `jwks_uri` or
 * `id_token_signing_alg_values_supported`
 * @example
 * ```ts
 * const { authorizationEndpoint, jwksUri } = await discover("https://id.example.com");
 * ```
 * @see OpenID Connect Discovery 1.0 §4
 */
export const discover = async (issuer: string, fetchFn?: typeof fetch): Promise<ProviderMetadata> => {
  const m = await fetchJson(issuer.replace(/\/$/, "") + "/.well-known/openid-configuration", fetchFn, "discovery_failed", "no metadata for " + issuer);
  const { authorization_endpoint: authorizationEndpoint, jwks_uri: jwksUri, id_token_signing_alg_values_supported: algs } = m;
  if (m.issuer !== issuer) throw new AuthError("discovery_failed", "issuer mismatch: " + m.issuer);
  if (typeof authorizationEndpoint != "string" || typeof jwksUri != "string" || !Array.isArray(algs))
    throw new AuthError("discovery_failed", "metadata incomplete");
  return {
    issuer,
    authorizationEndpoint,
    jwksUri,
    idTokenAlgorithms: algs,
    issParameterSupported: m.authorization_response_iss_parameter_supported === true,
    metadata: m,
  };
};
