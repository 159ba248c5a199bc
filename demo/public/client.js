// The demo client's settings, in one place. Both demo pages and silent.html create their client
// here, so they agree on everything (client id, endpoints, scope, timings, resource origins) but
// the redirect URI, which is each page's own URL.

/** The scope the demo asks for unless the user ticks "Also ask for the orders scope". */
export const DEFAULT_SCOPE = ["profile"];

/**
 * @typedef {object} SentRequest - what the request log shows of one request (never a token)
 * @property {string} method
 * @property {string} url - origin and path, without the query
 * @property {boolean} authorization - whether an `Authorization` header was sent
 * @property {"Bearer" | "DPoP" | "other" | "none"} scheme - its scheme (never its token); `DPoP`
 *   also means a `DPoP` proof header went with it
 * @property {number | undefined} status - undefined when it failed or is still running
 */

/**
 * Loads `/config.json` (where the other demo servers are) and creates the demo's client.
 *
 * @param {typeof import("../../dist/implicitly.mjs")} sdk - the SDK's exports (`window.Implicitly` or the ES module)
 * @param {string} redirect - this page's key in the server's `redirectUris`: `script-tag`, `esm` or `silent`
 * @param {{ onRequest?: (request: SentRequest, done: Promise<void>) => void }} [hooks] - `onRequest`
 *   sees every request the SDK sends (API calls through `client.fetch`, revocation, discovery)
 * @returns {Promise<{ client: import("../../dist/implicitly.mjs").Client | import("../../dist/implicitly.mjs").OidcClient, config: Record<string, any> }>}
 * @throws {Error} when `/config.json` cannot be loaded
 */
export async function createDemoClient(sdk, redirect, { onRequest } = {}) {
  const response = await fetch("/config.json");
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const config = await response.json();
  const options = {
    clientId: config.clientId,
    redirectUri: config.redirectUris[redirect],
    // Silent renewal (restore(), renew(), autoRenew()) completes at silent.html in a hidden frame.
    silentRedirectUri: config.redirectUris.silent,
    scope: DEFAULT_SCOPE,
    clockSkew: config.clockSkew,
    expiringNotice: config.expiringNotice,
    // Only the demo API gets the token; every other URL is fetched without it.
    resourceOrigins: [config.apiOrigin],
    // The fetch the SDK sends with, watched for the page's request log: what went out, and
    // whether it carried an Authorization header (never its value).
    ...(onRequest && { fetch: watchedFetch(onRequest) }),
  };
  // With `npm run demo -- --flow code`: the code flow with PKCE and refresh tokens, one option more.
  if (config.flow === "code") Object.assign(options, { flow: sdk.codeFlow, tokenEndpoint: config.tokenEndpoint });
  // With `--dpop` too: DPoP-bound tokens, one option more again.
  if (config.dpop) options.dpop = sdk.dpop;
  // With an OpenID provider (`npm run demo -- --provider oidc`): the OpenID Connect implicit flow,
  // endpoints from the provider's metadata (revocation and end session included), and the ID
  // token verified before the token is held. The OAuth 2.0 server's endpoints are given.
  const client = config.issuer
    ? sdk.createOidcClient({ ...options, issuer: config.issuer })
    : sdk.createClient({
        ...options,
        authorizationEndpoint: config.authorizationEndpoint,
        revocationEndpoint: config.revocationEndpoint,
        endSessionEndpoint: config.endSessionEndpoint,
      });
  // With `--persist` too: the DPoP-bound refresh token and its key survive a reload (IndexedDB).
  if (config.persist) sdk.persistSession(client);
  return { client, config };
}

/**
 * `fetch`, telling `onRequest` about each request.
 * @param {(request: SentRequest, done: Promise<void>) => void} onRequest
 * @returns {typeof fetch}
 */
function watchedFetch(onRequest) {
  return (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input), location.href);
    const headers = new Headers(init?.headers ?? request?.headers);
    /** @type {SentRequest} */
    const sent = {
      method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
      url: url.origin + url.pathname,
      authorization: headers.has("Authorization"),
      scheme: schemeOf(headers),
      status: undefined,
    };
    const response = fetch(input, init);
    onRequest(
      sent,
      response.then(
        (r) => void (sent.status = r.status),
        () => undefined,
      ),
    );
    return response;
  };
}

/**
 * The scheme of a request's `Authorization` header, for the request log: the first word only,
 * never the token. `DPoP` counts only with its proof header.
 * @param {Headers} headers
 * @returns {"Bearer" | "DPoP" | "other" | "none"}
 */
function schemeOf(headers) {
  const scheme = headers.get("Authorization")?.split(" ", 1)[0].toLowerCase();
  if (scheme === undefined) return "none";
  if (scheme === "bearer") return "Bearer";
  return scheme === "dpop" && headers.has("DPoP") ? "DPoP" : "other";
}
