import { camelCase } from "./camel-case";
import { AuthError } from "./errors";
import { ERROR_DETAILS, type AuthorizationResponse } from "./response";
import { NQCHARS, NQSCHARS, VSCHARS } from "./syntax";

// The parameters of an authorization code response (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 `iss`;
// OpenID Connect Session Management `session_state`) and their syntax. No prototype: "__proto__"
// or "constructor" is never one of them.
const RULES: Readonly<Record<string, RegExp | undefined>> = {
  __proto__: null,
  code: VSCHARS,
  state: VSCHARS,
  iss: NQCHARS,
  error: NQSCHARS,
  error_description: NQSCHARS,
  error_uri: NQCHARS,
  session_state: VSCHARS,
  // Never a code flow's, but taken out of the URL and refused rather than left in the address bar.
  access_token: VSCHARS,
  id_token: VSCHARS,
} as unknown as Record<string, RegExp>;
// Any one of these makes the parameters an authorization response (an implicit-grant token in a
// code client's fragment too, so that it is refused rather than ignored).
const RESPONSE = /^(code|state|error|access_token|id_token)$/;

const decode = (s: string): string => (/[%+]/.test(s) ? decodeURIComponent(s.replace(/\+/g, " ")) : s);

/**
 * Reads an authorization code response from a redirect URL, strictly, and the URL without it.
 *
 * From the query (the default response mode), only the response's own parameters are read and
 * removed; the app's other query parameters are kept as they are, in their order, and so is the
 * fragment. From the fragment (`response_mode=fragment`), every parameter is the response's and
 * the whole fragment is removed. Either way a response parameter given twice, badly
 * percent-encoded or outside its ABNF makes the response malformed, and no name reaches a prototype;
 * only an `error_description` or `error_uri` outside its ABNF next to a well-formed `error` is
 * dropped instead (Glewlwyd sends a bare `&error_description`).
 *
 * @param href - the whole redirect URL
 * @param fragment - read the fragment instead of the query
 * @returns `[response, clean]`: the parsed response (`null` when the URL carries none, an
 * `invalid_response` AuthError, with the `state` it names, when it is malformed) and the URL to
 * show instead (`href` itself when there is no response)
 * @see RFC 6749 §4.1.2, §4.1.2.1, §3.1.2 (the query of a redirect URI is kept); RFC 9207;
 * OAuth 2.0 Multiple Response Type Encoding Practices §2.1 (`response_mode`)
 */
export const parseCodeResponse = (href: string, fragment?: boolean): [AuthorizationResponse | AuthError | null, string] => {
  const hash = href.indexOf("#");
  const base = hash < 0 ? href : href.slice(0, hash);
  const query = base.indexOf("?");
  const path = query < 0 ? base : base.slice(0, query);
  const params: Record<string, string> = Object.create(null);
  const kept: string[] = [];
  let isResponse = false;
  let fault: string | undefined;
  const dropped: string[] = [];
  for (const pair of (fragment ? (hash < 0 ? "" : href.slice(hash + 1)) : query < 0 ? "" : base.slice(query + 1)).split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    let name: string;
    try {
      name = decode(eq < 0 ? pair : pair.slice(0, eq));
    } catch {
      // Not a name of ours: the app's own parameter, in the query; malformed, in the fragment.
      if (fragment) fault ||= "bad percent-encoding";
      else kept.push(pair);
      continue;
    }
    if (!fragment && !(name in RULES)) {
      kept.push(pair);
      continue;
    }
    if (RESPONSE.test(name)) isResponse = true;
    let value: string;
    try {
      value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    } catch {
      fault ||= "bad percent-encoding";
      continue;
    }
    if (name in params) fault ||= name + " repeated";
    else if (RULES[name]?.test(value) === false) {
      if (ERROR_DETAILS.test(name)) dropped.push(name);
      else fault ||= name + " malformed";
    }
    params[name] = value;
  }
  if (!isResponse) return [null, href];
  // As in a fragment response: dropped next to an error (itself checked above), else malformed.
  if (dropped.length && !params.error) fault ||= dropped[0] + " malformed";
  for (const name of dropped) delete params[name];
  const clean = fragment ? base : path + (kept.length ? "?" + kept.join("&") : "") + (hash < 0 ? "" : href.slice(hash));
  // The state still names the login this response ends, so that the client consumes it.
  if (fault) return [Object.assign(new AuthError("invalid_response", fault), { state: params.state }), clean];
  const out = camelCase(params) as AuthorizationResponse & Record<string, unknown>;
  out.params = params;
  return [out, clean];
};
