import { AuthError } from "../protocol/errors";
import { featureOptions, type Internals } from "../client/internals";
import type { CodeFlowOptions } from "./options";
import type { AuthorizationResponse } from "../protocol/response";
import { parseTokenResponse } from "../protocol/token-response";

/**
 * Sends a request to the token endpoint and parses its answer strictly ({@link parseTokenResponse}).
 *
 * A form `POST` (no client secret: a browser holds none), `Accept: application/json`, never cached
 * (`cache: "no-store"`), without cookies, and never following a redirect. The parameters travel in
 * the body only, never in a URL. {@link Hooks.token} may send it instead of `fetch` (DPoP adds its
 * proof there).
 *
 * @param i - the client's internals (`fetch` and `tokenTimeout` options, the `token` hook)
 * @param url - the token endpoint
 * @param params - the form parameters; undefined ones are left out
 * @returns the token response
 * @throws AuthError `token_network` when no answer could be read, `token_timeout` after
 * `tokenTimeout` seconds, or any code of {@link parseTokenResponse}
 * @see RFC 6749 §3.2, §4.1.3, §6
 */
export const requestToken = async (i: Internals, url: string, params: Readonly<Record<string, string | undefined>>): Promise<AuthorizationResponse> => {
  const body = new URLSearchParams();
  for (const name of Object.keys(params)) if (params[name] !== undefined) body.set(name, params[name]!);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), (featureOptions<CodeFlowOptions>(i).tokenTimeout ?? 10) * 1000);
  const init: RequestInit = {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body,
    cache: "no-store",
    credentials: "omit",
    redirect: "error",
    signal: abort.signal,
  };
  let response: Response;
  let text: string;
  try {
    response = await (i.hooks.token || i.options.fetch || fetch)(url, init);
    text = await response.text();
  } catch (e) {
    // The message of a network failure names no parameter, so it cannot carry a code or token.
    // A hook's own error (DPoP's) as it is.
    throw e instanceof AuthError ? e : new AuthError(abort.signal.aborted ? "token_timeout" : "token_network", e + "", undefined, { cause: e });
  } finally {
    clearTimeout(timer);
  }
  return parseTokenResponse(response.status, response.headers.get("Content-Type"), text);
};
