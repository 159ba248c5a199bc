/**
 * WebCrypto parameters for a JWS algorithm, usable as they are for both `importKey` and `verify`
 * (WebCrypto ignores the members an operation does not use).
 */
export interface Jwa {
  /** WebCrypto algorithm name. */
  name: string;
  /** The hash of the algorithm; also the one `at_hash` uses. */
  hash: string;
  /** The JWK `kty` a key must have. */
  kty: string;
  /** The curve, also the JWK `crv` a key must have (EC and OKP keys only). */
  namedCurve?: string;
  /** RSA-PSS salt length: the hash size (RFC 7518 §3.5). */
  saltLength?: number;
}

/**
 * The WebCrypto parameters of a JWS `alg`, for the asymmetric algorithms only: RS256/384/512,
 * PS256/384/512, ES256/384/512 and EdDSA (Ed25519). `none` and HMAC (`HS*`) have none, so they can
 * never verify: a public client has no secret, and an HMAC "signed" with the issuer's public key
 * proves nothing.
 * @param alg - the JOSE header's `alg`
 * @returns the parameters, or `undefined` for an algorithm that is not supported
 * @see RFC 7518 §3.1, RFC 8037 §3.1
 */
export const jwa = (alg: string): Jwa | undefined => {
  const m = /^(RS|PS|ES)(256|384|512)$/.exec(alg);
  if (!m) return alg == "EdDSA" || alg == "Ed25519" ? { name: "Ed25519", hash: "SHA-512", kty: "OKP", namedCurve: "Ed25519" } : undefined;
  const hash = "SHA-" + m[2];
  return m[1] == "ES"
    ? { name: "ECDSA", hash, kty: "EC", namedCurve: m[2] == "512" ? "P-521" : "P-" + m[2] }
    : { name: m[1] == "RS" ? "RSASSA-PKCS1-v1_5" : "RSA-PSS", hash, kty: "RSA", saltLength: +m[2] / 8 };
};
