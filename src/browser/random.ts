import { base64url } from "../protocol/base64url";

/**
 * 256 unguessable bits from `crypto.getRandomValues`, base64url-encoded: used for `state` (and
 * `nonce`), never from a non-cryptographic generator.
 * @returns a 43-character base64url string
 * @see RFC 6749 §10.10 and §10.12
 */
export const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));
