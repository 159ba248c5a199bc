/**
 * base64url (RFC 4648 §5) without padding.
 * @param bytes - the bytes to encode
 * @returns the unpadded base64url text
 */
export const base64url = (bytes: Uint8Array): string => {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

/**
 * Strict base64url (RFC 4648 §5) decoding: only the URL-safe alphabet, no padding, no whitespace,
 * and only the canonical spelling (unused trailing bits zero), so one value has one encoding.
 * @param text - unpadded base64url text
 * @returns the bytes, or `undefined` when `text` is not strict base64url
 */
export const decodeBase64url = (text: string): Uint8Array<ArrayBuffer> | undefined => {
  // atob alone would accept "+", "/", "=" and whitespace, and ignore stray trailing bits.
  if (/[^\w-]/.test(text) || text.length % 4 == 1) return undefined;
  const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return base64url(bytes) === text ? bytes : undefined;
};
