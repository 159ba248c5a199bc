import { decodeBase64url } from "../protocol/base64url";
import { AuthError } from "../protocol/errors";
import { parseJsonObject } from "../protocol/json";

/** A JOSE header (RFC 7515 §4). Objects decoded by {@link decodeJws} have no prototype. */
export interface JwsHeader {
  /** The signing algorithm, e.g. `RS256`. */
  alg: string;
  /** The id of the signing key in the issuer's JWK Set. */
  kid?: string;
  [name: string]: unknown;
}

/** A JWS in compact serialization, split and decoded but not verified. */
export interface DecodedJws {
  header: JwsHeader;
  /** The JSON payload (for an ID token: its claims). */
  payload: Record<string, unknown>;
  /** The ASCII bytes of `header "." payload` as sent: what the signature covers. */
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

function fail(why: string): never {
  throw new AuthError("invalid_id_token", why);
}

const json = (bytes: Uint8Array): Record<string, unknown> => {
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8: "" fails as JSON below
  }
  return parseJsonObject(text) || fail("not a JSON object");
};

/**
 * Splits and decodes a JWS compact serialization (`header.payload.signature`). Strict: exactly three
 * parts in strict base64url, header and payload UTF-8 JSON objects, a string `alg`, a string `kid`
 * and `typ` when present, and no `crit` (no extension is understood). Verifies nothing.
 *
 * @param jws - the compact serialization, e.g. an ID token
 * @returns the decoded parts; header and payload objects have no prototype
 * @throws AuthError `invalid_id_token` when malformed
 * @see RFC 7515 §3.1, §4.1.11, §7.1
 */
export const decodeJws = (jws: string): DecodedJws => {
  const parts = jws.split(".");
  if (parts.length != 3) fail("not a compact JWS");
  const [header, payload, signature] = parts.map(decodeBase64url);
  if (!header || !payload || !signature) fail("bad base64url");
  const h = json(header) as JwsHeader;
  if (typeof h.alg != "string") fail("alg missing");
  if (h.kid !== undefined && typeof h.kid != "string") fail("kid not a string");
  // Checked before anything reads it as a string: an object (without a prototype, as parsed)
  // cannot become one, and would throw a TypeError instead of an AuthError (RFC 7515 §4.1.9).
  if (h.typ !== undefined && typeof h.typ != "string") fail("typ not a string");
  // RFC 7515 §4.1.11: a JWS naming an extension its recipient does not understand is invalid.
  if (h.crit !== undefined) fail("crit not supported");
  return {
    header: h,
    payload: json(payload),
    signingInput: new TextEncoder().encode(parts[0] + "." + parts[1]),
    signature,
  };
};
