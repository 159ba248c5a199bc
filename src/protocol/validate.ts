import { AuthError } from "./errors";
import { secureUrl } from "./resources";
import type { AuthorizationResponse } from "./response";
import type { Token } from "./types";

/**
 * Turns a parsed authorization response, whose `state` was already matched to a pending login,
 * into a token; or throws the server's error.
 *
 * @param response - the parsed response
 * @param requestedScope - the scope of the pending login: the granted scope when the response names none
 * @param receivedAt - when the response arrived (ms since epoch)
 * @param clockSkew - seconds taken off `expires_in`
 * @param type - the one token type accepted (`DPoP` when the client uses DPoP)
 * @returns the token
 * @throws AuthError with the server's `error` code (and its `error_uri` as `uri` only when that is
 * an absolute `https:` URL, or `http:` on loopback); `invalid_response` when `access_token` or
 * `token_type` is missing; `unsupported_token_type` for any type other than `type`
 * @see RFC 6749 §4.2.2, §4.2.2.1, §7.1; RFC 6750 §2.1
 */
export const tokenFromResponse = (
  response: AuthorizationResponse,
  requestedScope: string[],
  receivedAt: number,
  clockSkew: number,
  type: Token["tokenType"] = "Bearer",
): Token => {
  // Read from the parameters, which have no prototype: a member the response lacks is then
  // undefined, never a value some script set on Object.prototype (an `accessToken` planted there
  // would otherwise turn a response without one into a token).
  const { params } = response;
  const { error, access_token: accessToken, token_type: tokenType, expires_in: expiresIn, error_uri: uri } = params;
  // `uri` is a page about the error, for the app to link to: only an absolute https: URL (or
  // loopback http:), never `javascript:` or a path of the app.
  if (error) throw new AuthError(error, params.error_description, secureUrl(uri) && uri);
  if (!accessToken || !tokenType) throw new AuthError("invalid_response", "incomplete");
  // Never use a token whose type we do not understand (RFC 6749 §7.1).
  if (tokenType.toLowerCase() != type.toLowerCase()) throw new AuthError("unsupported_token_type", tokenType);
  // Every parser sets `scope` (split) exactly when its parameters have one.
  const token: Token = { accessToken, tokenType: type, scope: params.scope ? response.scope! : requestedScope };
  if (expiresIn !== undefined) token.expiresAt = receivedAt + (+expiresIn - clockSkew) * 1000;
  return token;
};
