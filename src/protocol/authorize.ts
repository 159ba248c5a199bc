/**
 * The parameters of an authorization request. A list repeats its parameter, once per value: RFC
 * 8707 §2 lets `resource` name several resources. The members the client itself sets are single
 * strings.
 */
export interface AuthorizationParams {
  /** Any parameter: one value, or a list that repeats it; `undefined` leaves it out. */
  [name: string]: string | readonly string[] | undefined;
  /** `token`, `code` or an OpenID Connect response type (RFC 6749 §3.1.1). */
  response_type?: string | undefined;
  /** The client identifier (RFC 6749 §2.2). */
  client_id?: string | undefined;
  /** Where the response goes (RFC 6749 §3.1.2). */
  redirect_uri?: string | undefined;
  /** Space-separated scope tokens (RFC 6749 §3.3). */
  scope?: string | undefined;
  /** The one-time value that ties the response to this request (RFC 6749 §10.12). */
  state?: string | undefined;
}

/**
 * Builds an authorization request URL. The endpoint's own query is kept (RFC 6749 §3.1) and every
 * parameter is form-encoded; a parameter the endpoint already carries is replaced, never repeated,
 * and a list of values repeats its parameter once per value (RFC 8707 `resource`).
 * `undefined` values are left out, and so is anything but `params`' own members (a name some code
 * set on `Object.prototype` is no parameter).
 *
 * @param endpoint - the authorization endpoint (absolute URL)
 * @param params - request parameters
 * @returns the URL to navigate to
 * @throws TypeError when `endpoint` is not an absolute URL
 * @example
 * ```ts
 * buildAuthorizationUrl("https://id.example.com/authorize?tenant=a",
 *   { response_type: "token", client_id: "spa", state: "xyz" });
 * // "https://id.example.com/authorize?tenant=a&response_type=token&client_id=spa&state=xyz"
 * ```
 * @see RFC 6749 §4.2.1
 */
export const buildAuthorizationUrl = (endpoint: string, params: Readonly<AuthorizationParams>): string => {
  const url = new URL(endpoint);
  const query = url.searchParams;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    query.delete(name);
    for (const one of [value].flat()) query.append(name, one);
  }
  return url.href;
};
