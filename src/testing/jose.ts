import { base64url, decodeBase64url } from "../protocol/base64url";
import { parseJsonObject } from "../protocol/json";

const utf8 = (text: string) => new TextEncoder().encode(text);
const part = (value: unknown) => base64url(utf8(JSON.stringify(value)));

/** SHA-256 of a string's UTF-8, base64url. */
export const sha256 = async (text: string): Promise<string> => base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));

/** An unguessable value from `crypto.getRandomValues` (256 bits, base64url): tokens, codes, key ids. */
export const randomValue = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The fake server's signing key: ECDSA P-256 (`ES256`), generated with WebCrypto, its public JWK. */
export interface SigningKey {
  /** Non-extractable: it signs, nothing reads it out. */
  privateKey: CryptoKey;
  /** The public key, as published in the JWK Set. */
  jwk: JsonWebKey & { kid: string; alg: "ES256"; use: "sig" };
}

/**
 * Generates a signing key pair for ID tokens, the private key non-extractable.
 * @returns the key and its public JWK (with `kid`, `alg` and `use`)
 */
export const createSigningKey = async (): Promise<SigningKey> => {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { privateKey: pair.privateKey, jwk: { kty: kty!, crv: crv!, x: x!, y: y!, kid: randomValue().slice(0, 16), alg: "ES256", use: "sig" } };
};

/**
 * Signs a JWT with `key` (compact JWS, `ES256`).
 * @param key - from {@link createSigningKey}
 * @param payload - the claims
 * @param header - more header members (`typ`)
 * @returns the compact serialization
 */
export const signJwt = async (key: SigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> => {
  const input = part({ alg: "ES256", kid: key.jwk.kid, ...header }) + "." + part(payload);
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, utf8(input));
  return input + "." + base64url(new Uint8Array(signature));
};

/** `at_hash` (OpenID Connect Core §3.2.2.9) for ES256: the left half of SHA-256 of the access token. */
export const atHash = async (accessToken: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(accessToken))).subarray(0, 16));

/** What a verified DPoP proof says. */
export interface VerifiedProof {
  /** The JWK SHA-256 thumbprint (RFC 7638) of the proof's key: what a bound token's `cnf.jkt` holds. */
  jkt: string;
  /** The proof's identifier: a server accepts each once. */
  jti: string;
  /** The proof's `nonce`, when it has one. */
  nonce?: string;
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for one request: compact JWS, `typ: dpop+jwt`,
 * `alg: ES256` (the only one implicitly signs with) with a public P-256 `jwk` in the header, a valid
 * signature, `htm` and `htu` of this request, `iat` within `maxAge` seconds of `now`, a `jti`, and
 * `ath` when the request carries an access token.
 *
 * @param proof - the `DPoP` header
 * @param method - the request's method
 * @param url - the request's URL (query and fragment are ignored, as `htu` has neither)
 * @param now - ms since epoch
 * @param accessToken - the token the request carries (resource requests)
 * @returns the proof's thumbprint, `jti` and `nonce`, or a description of the rule it broke
 */
export const verifyProof = async (
  proof: string,
  method: string,
  url: string,
  now: number,
  accessToken?: string,
  maxAge = 60,
): Promise<VerifiedProof | string> => {
  const parts = proof.split(".");
  if (parts.length != 3) return "not a compact JWS";
  const [h, p, s] = parts as [string, string, string];
  const decode = (text: string) => {
    const bytes = decodeBase64url(text);
    return bytes && parseJsonObject(new TextDecoder().decode(bytes));
  };
  const header = decode(h);
  const claims = decode(p);
  const signature = decodeBase64url(s);
  if (!header || !claims || !signature) return "malformed";
  if (header.typ !== "dpop+jwt") return "typ is not dpop+jwt";
  if (header.alg !== "ES256") return "alg is not ES256";
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (!jwk || jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x != "string" || typeof jwk.y != "string" || "d" in jwk) {
    return "jwk is not a public P-256 key";
  }
  let valid = false;
  try {
    const key = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "verify",
    ]);
    valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, utf8(h + "." + p));
  } catch {
    // a key or signature WebCrypto refuses: invalid
  }
  if (!valid) return "bad signature";
  const u = new URL(url);
  if (claims.htm !== method.toUpperCase()) return "htm is not " + method;
  if (claims.htu !== u.origin + u.pathname) return "htu is not " + u.origin + u.pathname;
  if (typeof claims.iat != "number" || Math.abs(claims.iat - now / 1000) > maxAge) return "iat too old or in the future";
  if (typeof claims.jti != "string" || !claims.jti) return "jti missing";
  if (accessToken !== undefined && claims.ath !== (await sha256(accessToken))) return "ath does not match the access token";
  const jkt = await sha256(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`);
  return typeof claims.nonce == "string" ? { jkt, jti: claims.jti, nonce: claims.nonce } : { jkt, jti: claims.jti };
};
