/** The outcome of revoking one token (RFC 7009), as {@link signOut} reports it. */
export interface Revocation {
  /** Which token was sent: `access_token`, or `refresh_token` when the client held one. */
  tokenTypeHint: "access_token" | "refresh_token";
  /** `true` when the server answered `200` (RFC 7009 §2.2: also for a token it did not know). */
  revoked: boolean;
  /**
   * The HTTP status, when the server answered: e.g. `401` from a server that refuses revocation by
   * a public client, `400` for a token type it does not revoke (RFC 7009 §2.2.1). Absent when it
   * could not be reached in time.
   */
  status?: number;
  /**
   * `true` when the endpoint answered with a redirect: it is never followed (that would post the
   * token to wherever it points), and the token counts as not revoked.
   */
  redirected?: true;
}

/**
 * Revokes one token at `endpoint` as a public client: a form POST of `token`, `token_type_hint`
 * and `client_id` (RFC 7009 §2.1), without cookies and without an `Authorization` header. A
 * redirect is never followed (the token would be posted again, to wherever it points): it is
 * reported as `redirected`, not revoked. Never throws: every failure is in the result.
 *
 * @param endpoint - the revocation endpoint, already checked
 * @param clientId - the client's identifier
 * @param token - the token's value
 * @param tokenTypeHint - which kind of token it is
 * @param fetchFn - @default globalThis.fetch at call time
 * @param seconds - how long to wait for the answer
 * @see RFC 7009 §2
 */
export const revokeToken = async (
  endpoint: string,
  clientId: string,
  token: string,
  tokenTypeHint: Revocation["tokenTypeHint"],
  fetchFn: typeof fetch | undefined,
  seconds: number,
): Promise<Revocation> => {
  try {
    const { ok, status, type } = await (fetchFn || fetch)(endpoint, {
      method: "POST",
      // A form body: a CORS-safelisted request, with no preflight.
      body: new URLSearchParams({ token, token_type_hint: tokenTypeHint, client_id: clientId }),
      credentials: "omit",
      // A 307 or 308 would re-post the token to another URL, maybe another origin: the redirect
      // is not followed but seen (a page sees an opaque one, status 0; other hosts see its status).
      redirect: "manual",
      signal: AbortSignal.timeout(seconds * 1000),
    });
    if (type == "opaqueredirect" || (status > 299 && status < 400)) {
      return status ? { tokenTypeHint, revoked: false, status, redirected: true } : { tokenTypeHint, revoked: false, redirected: true };
    }
    return { tokenTypeHint, revoked: ok, status };
  } catch {
    return { tokenTypeHint, revoked: false };
  }
};
