import { AuthError } from "../protocol/errors";
import { jwa } from "./jwa";
import { fetchJson } from "./fetch-json";
import type { JwsHeader } from "./jwt";

/**
 * Finds the issuer's public key for a JWS header and imports it for `verify`. Made by
 * {@link createKeySet}; any function of this shape will do (e.g. one returning a fixed key).
 */
export type KeySet = (header: JwsHeader) => Promise<CryptoKey>;

type Jwk = JsonWebKey & { kid?: unknown; use?: unknown; crv?: unknown };

/**
 * A cache of the issuer's JSON Web Key Set. The set is fetched on first use and kept; an unknown
 * `kid` (key rotation) fetches it again, but at most once per `cooldown` seconds, so tokens naming
 * made-up keys cannot make it fetch in a loop. The key is chosen by `kid`, and must suit the
 * header's `alg` (`kty`, `crv`, and `alg` and `use` when the key names them). A header without
 * `kid` is accepted only when exactly one key suits it.
 *
 * @param jwksUri - the issuer's `jwks_uri`
 * @param fetchFn - @default globalThis.fetch at call time
 * @param cooldown - minimum seconds between two fetches of the set @default 30
 * @returns the key finder to hand to `verifyIdToken`
 * @throws (from the returned function) AuthError `jwks_failed` when the set cannot be fetched
 * (within 10 s: `description` says so);
 * `id_token_kid` when no key (or several keys, without `kid`) suits the header, or the key cannot be
 * imported (RSA keys must have at least 2048 bits); `id_token_alg` for an unsupported `alg`
 * @example
 * ```ts
 * const keys = createKeySet("https://id.example.com/jwks");
 * const claims = await verifyIdToken(idToken, { issuer, clientId, nonce, accessToken, keys });
 * ```
 * @see OpenID Connect Core 1.0 §10.1.1, RFC 7517
 */
export const createKeySet = (jwksUri: string, fetchFn?: typeof fetch, cooldown = 30): KeySet => {
  let keys: Jwk[] = [];
  let fetchedAt = -Infinity;
  let loading: Promise<void> | undefined;

  const fetchSet = async (): Promise<void> => {
    // A failed fetch counts too: the cooldown bounds fetches whatever they return.
    fetchedAt = Date.now();
    const set = await fetchJson(jwksUri, fetchFn, "jwks_failed", jwksUri);
    if (!Array.isArray(set.keys)) throw new AuthError("jwks_failed", jwksUri);
    keys = set.keys;
  };
  // Concurrent callers share one fetch.
  const load = (): Promise<void> =>
    (loading ||= fetchSet().finally(() => {
      loading = undefined;
    }));

  return async (header) => {
    const { alg, kid } = header;
    const params = jwa(alg);
    if (!params) throw new AuthError("id_token_alg", alg);
    const pick = () =>
      keys.filter(
        (k) =>
          k &&
          (kid === undefined || k.kid === kid) &&
          k.kty === params.kty &&
          k.crv === params.namedCurve &&
          (k.alg === undefined || k.alg === alg) &&
          (k.use === undefined || k.use === "sig"),
      );
    let found = pick();
    if (!found.length && (loading || Date.now() - fetchedAt >= cooldown * 1000)) {
      await load();
      found = pick();
    }
    // Without kid, several candidate keys are ambiguous (OpenID Connect Core §10.1).
    if (!found.length || (kid === undefined && found.length > 1))
      throw new AuthError("id_token_kid", found.length ? "kid missing, several keys" : "no key for kid " + kid);
    let key: CryptoKey | undefined;
    try {
      key = await crypto.subtle.importKey("jwk", found[0], params, false, ["verify"]);
    } catch {
      // unusable key: reported below
    }
    // RFC 7518 §3.3: RSA keys of 2048 bits or more.
    if (!key || (key.algorithm as RsaHashedKeyAlgorithm).modulusLength < 2048) throw new AuthError("id_token_kid", "unusable key " + kid);
    return key;
  };
};
