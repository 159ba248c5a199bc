// The demo client's settings, in one place. Both demo pages and silent.html create their client
// here, so they agree on everything (client id, endpoint, scope, timings, resource origins) but
// the redirect URI, which is each page's own URL.

/** The scope the demo asks for unless the user ticks "Also ask for the orders scope". */
export const DEFAULT_SCOPE = ["profile"];

/**
 * Loads `/config.json` (where the other demo servers are) and creates the demo's client.
 *
 * @param {typeof import("../../dist/implicitly.mjs")} sdk - the SDK's exports (`window.Implicitly` or the ES module)
 * @param {string} redirect - this page's key in the server's `redirectUris`: `script-tag`, `esm` or `silent`
 * @returns {Promise<{ client: import("../../dist/implicitly.mjs").Client | import("../../dist/implicitly.mjs").OidcClient, config: Record<string, any> }>}
 * @throws {Error} when `/config.json` cannot be loaded
 */
export async function createDemoClient(sdk, redirect) {
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
  };
  // With an OpenID provider (`npm run demo -- --provider oidc`): the OpenID Connect implicit flow,
  // endpoints from the provider's metadata, and the ID token verified before the token is held.
  // With `npm run demo -- --flow code`: the code flow with PKCE and refresh tokens, one option more.
  if (config.flow === "code") Object.assign(options, { flow: sdk.codeFlow, tokenEndpoint: config.tokenEndpoint });
  const client = config.issuer
    ? sdk.createOidcClient({ ...options, issuer: config.issuer })
    : sdk.createClient({ ...options, authorizationEndpoint: config.authorizationEndpoint });
  return { client, config };
}
