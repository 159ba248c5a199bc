import { base64url } from "../protocol/base64url";
import { randomString } from "../browser/random";

/** A PKCE pair (RFC 7636): the secret `code_verifier` and its S256 `code_challenge`. */
export interface Pkce {
  /** 43 characters of base64url: 256 bits from `crypto.getRandomValues` (RFC 7636 §4.1). */
  verifier: string;
  /** `BASE64URL(SHA-256(ASCII(verifier)))` (RFC 7636 §4.2), computed with WebCrypto. */
  challenge: string;
}

/**
 * Makes a fresh PKCE pair. Always S256: `plain` is never offered, so a server that would accept it
 * never sees the verifier before the exchange.
 * @returns the verifier, kept with the pending login, and the challenge sent in the request
 * @see RFC 7636 §4.1, §4.2, §7.2
 */
export const pkce = async (): Promise<Pkce> => {
  const verifier = randomString();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
};
