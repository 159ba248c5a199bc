/**
 * 256 unguessable bits from `crypto.getRandomValues`, base64url-encoded: used for `state` (and
 * the features' one-time values), never from a non-cryptographic generator.
 * @returns a 43-character base64url string
 * @see RFC 6749 §10.10 and §10.12
 */
export const randomString = (): string =>
  // Encoded here rather than with protocol/base64url: 32 bytes spread into one call is smaller in
  // the core bundle, which needs no other base64url.
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
