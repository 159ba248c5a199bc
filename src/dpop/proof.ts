import { randomString } from "../browser/random";
import { base64url } from "../protocol/base64url";

/** The public half of a DPoP key, as a JWK: only the members RFC 7638 hashes, never `d`. */
export interface DpopPublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

/** A DPoP key pair: the private key cannot be exported, the public one goes in every proof. */
export interface DpopKey {
  /** Non-extractable: scripts can sign with it while it exists, never read it out. */
  privateKey: CryptoKey;
  jwk: DpopPublicJwk;
  /** The JWK SHA-256 thumbprint (RFC 7638), base64url: the `dpop_jkt` of requests (RFC 9449 §10). */
  thumbprint: string;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const sha256 = async (text: string) => base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
const part = (value: unknown) => base64url(utf8(JSON.stringify(value)));

/**
 * Generates a DPoP key pair with WebCrypto: ECDSA P-256 (`ES256`), the private key
 * non-extractable.
 * @returns the key, its public JWK and thumbprint
 * @see RFC 9449 §4.1, RFC 7638 §3.2
 */
export const createDpopKey = async (): Promise<DpopKey> => {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])) as CryptoKeyPair;
  // WebCrypto keeps public keys exportable whatever `extractable` says: only the public JWK is read.
  const { x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const jwk: DpopPublicJwk = { kty: "EC", crv: "P-256", x: x!, y: y! };
  // RFC 7638 §3.2: the required members only, in lexicographic order, no white space.
  const thumbprint = await sha256(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`);
  return { privateKey: pair.privateKey, jwk, thumbprint };
};

/** What a proof says about its request, besides the method and URL. */
export interface ProofClaims {
  /** The access token the request carries (resource requests): its hash goes in `ath`. */
  accessToken?: string;
  /** The server's last `DPoP-Nonce` for this origin. */
  nonce?: string;
}

/**
 * Creates a DPoP proof JWT for one request (RFC 9449 §4.2): header `typ: dpop+jwt`, `alg: ES256`
 * and the public `jwk`; claims `jti` (256 random bits), `htm`, `htu` (the URL without query and
 * fragment), `iat`, and `ath` and `nonce` when given.
 *
 * @param key - from {@link createDpopKey}
 * @param method - the request's method, e.g. `POST`
 * @param url - the request's absolute URL
 * @param claims - see {@link ProofClaims}
 * @returns the compact JWS for the `DPoP` header
 * @see RFC 9449 §4.2, §4.3
 */
export const createProof = async (key: DpopKey, method: string, url: string, claims: ProofClaims = {}): Promise<string> => {
  const u = new URL(url);
  const payload: Record<string, string | number> = {
    jti: randomString(),
    htm: method.toUpperCase(),
    htu: u.origin + u.pathname,
    iat: Math.floor(Date.now() / 1000),
  };
  if (claims.accessToken !== undefined) payload.ath = await sha256(claims.accessToken);
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  const input = part({ typ: "dpop+jwt", alg: "ES256", jwk: key.jwk }) + "." + part(payload);
  // WebCrypto's ECDSA signature is r || s, the form JWS uses (RFC 7518 §3.4).
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, utf8(input));
  return input + "." + base64url(new Uint8Array(signature));
};
