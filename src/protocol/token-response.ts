import { camelCase } from "./camel-case";
import { AuthError } from "./errors";
import { parseJsonObject } from "./json";
import type { AuthorizationResponse } from "./response";
import { secureUrl } from "./resources";
import { B64TOKEN, NQCHARS, NQSCHARS, SCOPE, VSCHARS } from "./syntax";

// The members of a token response (RFC 6749 §5.1, Appendix A) and their syntax; any other member
// is ignored. No prototype: a member named "constructor" or "__proto__" finds no rule.
const MEMBERS: Readonly<Record<string, RegExp | undefined>> = {
  __proto__: null,
  // RFC 6749 allows any VSCHAR; a credential sent as `Bearer …` or `DPoP …` must be a b64token
  // (RFC 6750 §2.1, RFC 9449 §7.1), as for a fragment's token: spaces, commas or quotes could not be sent.
  access_token: B64TOKEN,
  token_type: NQCHARS,
  scope: SCOPE,
  refresh_token: VSCHARS,
  // A compact JWS: checked in full by the OpenID Connect feature.
  id_token: /^[\w-]+\.[\w-]*\.[\w-]*$/,
} as unknown as Record<string, RegExp>;

const JSON_TYPE = /^application\/json[ \t]*(;|$)/i;

/**
 * Parses the answer of a token endpoint (RFC 6749 §5.1 and §5.2) strictly into the shape of an
 * authorization response, so that the same validation reads both: `params` holds the string members
 * (`access_token`, `token_type`, `scope`, `refresh_token`, `id_token`) and `expires_in` as digits.
 *
 * - A success (2xx) must be `Content-Type: application/json` and a JSON object (members own, no
 *   prototype reached); a member of the wrong type or outside its ABNF is `invalid_response`.
 *   `expires_in` must be a non-negative integer number.
 * - An error (any other status) with a JSON object body naming an `error` becomes that code, with
 *   `error_description` and `error_uri`; an empty, non-JSON or other body gets `token_http_error`.
 *
 * @param status - the HTTP status
 * @param contentType - the `Content-Type` header, or null
 * @param body - the response body as text
 * @returns the response; its `error` is never set (errors are thrown)
 * @throws AuthError the server's `error` code, `token_http_error`, `token_content_type`,
 * `token_not_json` or `invalid_response`
 * @see RFC 6749 §5.1, §5.2, §7.1
 */
export const parseTokenResponse = (status: number, contentType: string | null, body: string): AuthorizationResponse => {
  const json = parseJsonObject(body);
  if (status < 200 || status > 299) {
    const { error, error_description: description, error_uri: uri } = json || {};
    const text = (v: unknown) => (typeof v == "string" && NQSCHARS.test(v) ? v : undefined);
    // `uri` is a page for the app to link to: an absolute https: URL (or loopback http:) only, never
    // `javascript:` or a path of the app, as for an authorization response's `error_uri`.
    const link = text(uri) && secureUrl(uri) && (uri as string);
    throw text(error) ? new AuthError(error as string, text(description), link || undefined) : new AuthError("token_http_error", "HTTP " + status);
  }
  if (!JSON_TYPE.test(contentType || "")) throw new AuthError("token_content_type", contentType || "none");
  if (!json) throw new AuthError("token_not_json");
  const params: Record<string, string> = Object.create(null);
  for (const name of Object.keys(json)) {
    const value = json[name];
    const rule = MEMBERS[name];
    if (name == "expires_in") {
      if (!(Number.isSafeInteger(value) && (value as number) >= 0)) throw new AuthError("invalid_response", "expires_in malformed");
      params[name] = "" + value;
    } else if (rule) {
      if (typeof value != "string" || !rule.test(value)) throw new AuthError("invalid_response", name + " malformed");
      params[name] = value;
    }
  }
  const out = camelCase(params) as AuthorizationResponse & Record<string, unknown>;
  out.params = params;
  if (params.expires_in) out.expiresIn = +params.expires_in;
  if (params.scope) out.scope = params.scope.split(" ");
  return out;
};
