import { camelCase } from "./camel-case";
import type { BearerChallenge, Token } from "./types";

// RFC 9110 §5.6.2 token, §5.6.4 quoted-string, §11.2 token68 and §11.6.1's list of challenges.
const TOKEN = "[\\w!#$%&'*+.^`|~-]+";
const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
// One list element: [scheme (1)] then [param name (2) = token (3) or quoted-string (4) | token68].
// A scheme is a token followed by spaces or by the element's end, never by "=".
const ITEM = new RegExp(`[ \\t,]*(?:(${TOKEN})(?: +|[ \\t]*(?=,|$)))?(?:(${TOKEN})[ \\t]*=[ \\t]*(?:(${TOKEN})|${QUOTED})|[\\w.~+/-]+=*)?[ \\t]*(?:,|$)`, "y");

/**
 * Parses a `WWW-Authenticate` header and returns its first well-formed `Bearer` challenge (or, with
 * `scheme: "DPoP"`, its first `DPoP` challenge, whose parameters are the same, RFC 9449 §7.1).
 * Several challenges may share one header; the scheme and parameter names are case-insensitive;
 * quoted strings may hold escaped characters; a challenge that repeats a parameter is ignored.
 * Never throws; parsing stops at the first malformed element.
 *
 * @param header - the header value, e.g. `response.headers.get("WWW-Authenticate")`
 * @param scheme - the scheme of the token that was sent: `token.tokenType` @default "Bearer"
 * @returns the challenge of that scheme, or `null` when there is none
 * @example
 * ```ts
 * parseBearerChallenge('Basic realm="x", Bearer realm="api", error="invalid_token"');
 * // { realm: "api", error: "invalid_token" }
 * parseBearerChallenge('DPoP algs="ES256", error="invalid_token"', "DPoP");
 * // { algs: "ES256", error: "invalid_token" }
 * ```
 * @see RFC 6750 §3, RFC 9449 §7.1, RFC 9110 §11.6.1
 */
export const parseBearerChallenge = (header: string | null | undefined, scheme: Token["tokenType"] = "Bearer"): BearerChallenge | null => {
  const wanted = scheme.toLowerCase();
  let current = "";
  let params: Record<string, string> = {};
  let repeated = false;
  const found = (): BearerChallenge | null => {
    if (current != wanted || repeated) return null;
    const out: BearerChallenge = camelCase(params);
    // `scope=""` too is a list (empty): `scope` is never a string.
    if (params.scope != null) out.scope = params.scope.split(" ").filter(Boolean);
    return out;
  };
  let m: RegExpExecArray | null;
  for (let at = 0; header && at < header.length && ((ITEM.lastIndex = at), (m = ITEM.exec(header))); at = ITEM.lastIndex) {
    if (m[1]) {
      if (found()) break;
      current = m[1].toLowerCase();
      params = Object.create(null);
      repeated = false;
    }
    const name = m[2]?.toLowerCase();
    if (name) {
      repeated ||= name in params;
      params[name] = m[3] ?? m[4]!.replace(/\\(.)/g, "$1");
    }
  }
  return found();
};
