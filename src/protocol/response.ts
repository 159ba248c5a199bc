import { AuthError } from "./errors";
import { camelCase } from "./camel-case";
import { B64TOKEN, NQCHARS, NQSCHARS, SCOPE, VSCHARS } from "./syntax";

/**
 * A parsed authorization response (RFC 6749 §4.2.2 and §4.2.2.1), not yet validated. Every
 * lower-case parameter is also there under its camelCase name (`session_state` → `sessionState`).
 */
export interface AuthorizationResponse {
  /** Every parameter, decoded, in an object without a prototype. */
  params: Readonly<Record<string, string>>;
  /** `state`, as the server sent it back. */
  state?: string;
  /** Present on an error response. */
  error?: string;
  /** `error_description`: a human-readable text from the server (never shown as HTML). */
  errorDescription?: string;
  /** `error_uri`: a page about the error, from the server. */
  errorUri?: string;
  /** `access_token`. Never log it. */
  accessToken?: string;
  /** `token_type`, as sent (compared case-insensitively when validated). */
  tokenType?: string;
  /** `expires_in`, in seconds. */
  expiresIn?: number;
  /** `scope`, split into tokens. */
  scope?: string[];
  /** Any other lower-case parameter, under its camelCase name. */
  readonly [name: string]: unknown;
}

// No prototype: a parameter named "constructor" or "__proto__" finds no rule.
const ABNF: Readonly<Record<string, RegExp | undefined>> = {
  __proto__: null,
  // RFC 6749 allows any VSCHAR; a Bearer credential must be a b64token (RFC 6750 §2.1), and only
  // Bearer tokens are accepted: anything else could not be sent.
  access_token: B64TOKEN,
  state: VSCHARS,
  token_type: NQCHARS, // type-name / URI-reference (A.13): checked for Bearer later
  expires_in: /^\d{1,15}$/,
  scope: SCOPE,
  error: NQSCHARS,
  error_description: NQSCHARS,
  error_uri: NQCHARS,
} as unknown as Record<string, RegExp>;
/**
 * The parameters that only describe an error. Outside their ABNF next to a well-formed `error`
 * (Glewlwyd sends a bare `&error_description`), they are dropped rather than making the whole
 * response malformed, so that the server's code still reaches the app.
 */
export const ERROR_DETAILS = /^error_(description|uri)$/;
// Any one of these makes a fragment an authorization response; anything else is the app's own.
const RESPONSE = /^(access_token|error|state|id_token)$/;

/**
 * The query parameters that {@link splitQuery} takes by default: those of an error response, and
 * `access_token`, which it takes only to refuse it.
 */
export const QUERY_RESPONSE = /^(error(_description|_uri)?|state|iss|access_token)$/;

// Without "%" or "+" there is nothing to decode (and nothing that could fail): the common case.
// (Two `includes` scans are an order of magnitude faster than one /[%+]/ test on a long token.)
const decode = (s: string): string => (s.includes("%") || s.includes("+") ? decodeURIComponent(s.replace(/\+/g, " ")) : s);

/**
 * Parses the fragment of a redirect URI into an authorization response, strictly: a parameter
 * given twice, bad percent-encoding, or a known parameter outside its ABNF is an error, and no
 * name (`__proto__` included) can reach a prototype. The one leniency: next to a well-formed
 * `error`, an `error_description` or `error_uri` outside its ABNF (a bare name, as Glewlwyd
 * sends) is dropped, so that the server's code still reaches the app.
 *
 * @param urlOrFragment - a whole URL, `#fragment`, or the fragment's text
 * @returns the response, or `null` when there is none (no fragment, or an app's own hash route)
 * @throws AuthError `invalid_response` when the response is malformed
 * @example
 * ```ts
 * parseAuthorizationResponse("#access_token=2YotnFZFEjr1zMsicMWpAA&state=xyz&token_type=example&expires_in=3600");
 * ```
 * @see RFC 6749 §4.2.2, §4.2.2.1, Appendix A
 */
export const parseAuthorizationResponse = (urlOrFragment: string): AuthorizationResponse | null => {
  const hash = urlOrFragment.indexOf("#");
  const fragment = urlOrFragment.slice(hash + 1);
  // Without "#", a URL (scheme, or path: caught below) has no fragment; anything else is the fragment
  // itself. One that starts with "/" or "!" is an app's hash route (`#/orders?state=shipped`).
  if ((hash < 0 && /^[a-z][\w+.-]*:/i.test(urlOrFragment)) || /^[/!]/.test(fragment)) return null;
  const params: Record<string, string> = Object.create(null);
  // Its names, in order, as they are added: cheaper than asking a prototype-less object for its keys.
  const names: string[] = [];
  let isResponse = false;
  let fault: string | undefined;
  const dropped: string[] = [];
  for (const pair of fragment.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    let name: string;
    let value: string;
    try {
      name = decode(eq < 0 ? pair : pair.slice(0, eq));
      value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    } catch {
      fault ||= "bad percent-encoding";
      continue;
    }
    isResponse ||= RESPONSE.test(name);
    if (name in params) fault ||= name + " repeated";
    else {
      names.push(name);
      if (ABNF[name]?.test(value) === false) {
        if (ERROR_DETAILS.test(name)) dropped.push(name);
        else fault ||= name + " malformed";
      }
    }
    params[name] = value;
  }
  if (!isResponse) return null;
  // Dropped only next to an error (itself checked above); a success has no business with them.
  if (dropped.length && !params.error) fault ||= dropped[0] + " malformed";
  for (const name of dropped) {
    delete params[name];
    names.splice(names.indexOf(name), 1);
  }
  // The state still names the login this response ends, so that the client consumes it.
  if (fault) throw Object.assign(new AuthError("invalid_response", fault), { state: params.state });
  const out = camelCase(params, ABNF, names) as AuthorizationResponse & Record<string, unknown>;
  out.params = params;
  if (params.expires_in) out.expiresIn = +params.expires_in;
  if (params.scope) out.scope = params.scope.split(" ");
  return out;
};

/**
 * Splits the query of a redirect URL, for the servers that send an authorization response there
 * (against RFC 6749 §4.2.2.1): the pairs whose name, as spelled, `names` matches belong to the
 * response; the others are the app's, left as they are, unread and unchecked. Hand the first
 * part to {@link parseAuthorizationResponse}, which reads it with the rules of a fragment (a
 * parameter given twice, bad percent-encoding, a value outside its ABNF: `invalid_response`).
 * A token is never read from a query, nor left in one (RFC 9700 §4.3.2): an `access_token` keeps
 * its name only, so that a response with one is malformed (`access_token malformed`).
 *
 * @param url - a whole URL
 * @param names - the names of the response's parameters @default {@link QUERY_RESPONSE}
 * @returns the response's pairs as fragment text (`#…`), and `url` without them and without its
 *   fragment (the app's own parameters kept, in their order; empty pairs dropped)
 * @example
 * ```ts
 * splitQuery("https://app.example.com/cb?tab=2&error=access_denied&state=xyz");
 * // ["#&error=access_denied&state=xyz", "https://app.example.com/cb?tab=2"]
 * ```
 * @see RFC 6749 §4.2.2.1, RFC 9700 §4.3.2
 */
export const splitQuery = (url: string, names: RegExp = QUERY_RESPONSE): [response: string, rest: string] => {
  const [, path, query] = /^([^?#]*)\??([^#]*)/.exec(url)!;
  let ours = "#";
  let rest = "";
  for (const pair of query!.split("&")) {
    const name = pair.split("=")[0]!;
    // An access_token keeps its name only: a response with one is malformed, its value goes nowhere.
    const kept = name == "access_token" ? name : pair;
    if (names.test(name)) ours += "&" + kept;
    else if (pair) rest += "&" + kept;
  }
  return [ours, path + rest.replace("&", "?")];
};
