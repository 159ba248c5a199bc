import { parseBearerChallenge } from "../protocol/challenge";
import { AuthError } from "../protocol/errors";
import { isResource, type Resource } from "../protocol/resources";
import type { BearerChallenge, Token } from "../protocol/types";

/** The authenticated `fetch`. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * Called for every 401/403 to a request that carried `token`, with its challenge of the token's
 * scheme (`Bearer`, or a sender-constrained token's own; `null` when none could be read); may return the
 * response of a replay of the request (`input`, `init`).
 */
export type Challenged = (
  token: Token,
  response: Response,
  challenge: BearerChallenge | null,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
) => Promise<Response | undefined> | false | undefined;

/**
 * Sends a request inside the resources in place of the default (a sender-constrained token):
 * `set` sets a request header (`Authorization` holds `Bearer <token>` already), `send` sends the
 * request with the headers as they are then, and may be called again (a retry the server asked
 * for); its `redirect`, when given, replaces the request's redirect mode.
 */
export type Authorize = (
  token: Token,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  set: (name: string, value: string) => void,
  send: (redirect?: RequestRedirect) => Promise<Response>,
) => Promise<Response>;

/**
 * Makes the authenticated `fetch`: adds `Authorization: Bearer …` to requests inside the
 * resources, passes every other request through untouched, and watches for 401 and 403 answers.
 * A header the caller set is kept.
 * @param resources - where the token may go
 * @param getToken - the current token
 * @param fetchFn - the wrapped fetch; the global one, looked up at call time, when undefined
 * @param challenged - see {@link Challenged}
 * @param hooks - `authorize`, read at each request: see {@link Authorize}
 * @see RFC 6750 §2.1 and §3
 */
export const createFetch =
  (
    resources: readonly Resource[],
    getToken: () => Token | null,
    fetchFn: typeof fetch | undefined,
    challenged: Challenged,
    hooks: { authorize?: Authorize },
  ): FetchLike =>
  async (input, init) => {
    const send = fetchFn || fetch;
    // What is checked is what gets requested: the input itself, or the one string made of it.
    let target = input;
    let redirect: RequestRedirect | undefined;
    // Common case first: a string inside a resource that has no path. Once the origin is followed
    // by "/" the host is settled, so there is no URL to parse.
    if (!(typeof input == "string" && resources.some((r) => !r.path && input.startsWith(r.origin + "/")))) {
      let url: URL;
      try {
        // A Request's own URL, through the brand-checked getter (an own `url` property cannot change
        // it; a Request of another realm passes). Anything else becomes a string once, and that
        // string is what gets sent: a `toString` cannot answer the check and fetch differently.
        try {
          url = new URL(Reflect.get(Request.prototype, "url", input)); // absolute: no base to read
        } catch {
          url = new URL((target = "" + input), document.baseURI);
        }
      } catch {
        return send(input, init); // not a URL: let fetch reject it
      }
      if (!isResource(resources, url)) return send(input, init);
      // Browsers keep Authorization on a same-origin redirect, also one out of a path prefix, and a
      // page cannot read where an opaque redirect goes: inside path-prefix entries only, a redirect
      // fails the request (unless the caller chose a mode).
      if (!resources.some((r) => !r.path && r.origin == url.origin)) redirect = "error";
    }
    // Request headers are replaced by init.headers when given (Fetch §5.4).
    const given = init?.headers ?? (input as Request).headers;
    // Common case, a plain object: no Headers instance made. (Anything else, arrays and objects
    // from another realm included, takes the Headers path.)
    const plain = !given || given.constructor == Object;
    const copy = plain ? { ...(given as Record<string, string>) } : new Headers(given);
    if (plain ? Object.keys(copy).some((name) => /^authorization$/i.test(name)) : (copy as Headers).has("authorization")) {
      return send(input, init); // the caller's own
    }
    const token = getToken();
    if (!token) throw new AuthError("login_required");
    const credentials = "Bearer " + token.accessToken;
    // New members go first, then the spread: in V8 a member added to an object made by spreading
    // takes a slow path (some 0.5 µs a call, most of this function's cost). The copy has no
    // Authorization of its own (checked above), so ours stays.
    if (!plain) (copy as Headers).set("Authorization", credentials);
    const headers = plain ? { Authorization: credentials, ...copy } : copy;
    const set = (name: string, value: string) => {
      if (plain) (headers as Record<string, string>)[name] = value;
      else (headers as Headers).set(name, value);
    };
    const go = (mode?: RequestRedirect) => {
      // The same order, for the same reason: then our headers, and the caller's redirect mode or
      // ours. (`redirect: undefined` is no member to fetch: a Request keeps its own mode then.)
      const request = { headers, redirect, ...init } as RequestInit;
      request.headers = headers;
      request.redirect = (mode || init?.redirect || redirect) as RequestRedirect;
      return send(target, request);
    };
    const response = await (hooks.authorize ? hooks.authorize(token, target, init, set, go) : go());
    // Every 401 and 403 counts, with a challenge or without one (none sent, or hidden by CORS); but
    // only from inside the resources, never from where a redirect led.
    return (
      ((response.status == 401 || response.status == 403) &&
        !(response.redirected && !isResource(resources, new URL(response.url))) &&
        (await challenged(token, response, parseBearerChallenge(response.headers.get("WWW-Authenticate"), token.tokenType), target, init))) ||
      response
    );
  };
