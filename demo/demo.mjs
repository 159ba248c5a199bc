// Starts the whole demo in-process and wires the servers together. Used by `npm run demo`
// (demo/start.mjs) and by the integration and browser tests (on free ports).
import crypto from "node:crypto";
import { startApiServer } from "./api-server.mjs";
import { ACR } from "./lib.mjs";
import { startResourceApi } from "./resource-api.mjs";
import { startAuthServer } from "./auth-server.mjs";
import { startSpaServer } from "./spa-server.mjs";
import { startThirdPartyServer } from "./third-party-server.mjs";

export { DEMO_CLIENT_ID, DEMO_USER, SCOPES } from "./auth-server.mjs";

/** The ports `npm run demo` uses unless told otherwise. */
export const DEFAULT_PORTS = Object.freeze({
  spa: 8700,
  auth: 8701,
  api: 8702,
  thirdParty: 8703,
  oidc: 8704,
  profileApi: 8705,
  ordersApi: 8706,
  paymentsApi: 8707,
});

/**
 * The APIs of the resources mode, each on its own origin (its resource indicator, RFC 8707): two
 * the page knows, and a third it discovers from its `401` (RFC 9728), which asks for a stronger
 * sign-in (RFC 9470).
 */
export const RESOURCE_APIS = Object.freeze({
  profile: Object.freeze({ scope: "profile" }),
  orders: Object.freeze({ scope: "orders" }),
  payments: Object.freeze({ scope: "payments", metadata: true, acrValues: ACR.fresh }),
});

/**
 * @typedef {object} DemoOptions
 * @property {Partial<Record<keyof typeof DEFAULT_PORTS, number>>} [ports] - default 0 for each
 *   (free ports); `npm run demo` passes {@link DEFAULT_PORTS}
 * @property {string} [host] - a loopback address, default `127.0.0.1`
 * @property {number} [tokenLifetime] - access token lifetime in seconds, default 120
 * @property {import("./auth-server.mjs").AuthServerOptions["loginThrottle"]} [loginThrottle]
 * @property {() => number} [clock] - the authorization server's clock (ms since epoch)
 * @property {(req: import("node:http").IncomingMessage) => void} [onApiRequest] - sees every request to the API
 * @property {(line: string) => void} [log] - request log of all servers
 * @property {DemoQuirks} [quirks] - make the demo's servers behave like servers people run
 * @property {"oauth2" | "oidc"} [provider] - the pages' authorization server: the demo's OAuth 2.0
 *   server (`oauth2`, the default), or the OpenID provider (`oidc`: oidc-provider, with the pages
 *   using `createOidcClient`, `response_type=id_token token`); the API then introspects there too
 * @property {"implicit" | "code"} [flow] - the pages' grant: the implicit grant (the default), or
 *   the code flow with PKCE and refresh tokens (`codeFlow`), at either server
 * @property {boolean} [dpop] - with `provider: "oidc"` and `flow: "code"`: DPoP-bound tokens (the
 *   pages pass `dpop`; the API checks the proofs and the binding)
 * @property {string[]} [appOrigins] - origins of other apps (a newcomer's own, e.g. Vite's
 *   `http://localhost:5173`) whose `/` and `/silent.html` are registered as redirect URIs (and
 *   post-logout redirect URIs) of the demo client at both servers, and which the API's CORS lets in
 * @property {boolean} [dpopNonce] - with `dpop`: the provider asks every proof for a nonce of its own
 * @property {boolean} [persist] - with `dpop`: the pages keep the DPoP-bound session across reloads
 *   (`persistSession`)
 * @property {boolean} [resources] - with `provider: "oidc"` and `flow: "code"`: the resources mode
 *   (`resources.html`): oidc-provider with resource indicators, and the three {@link RESOURCE_APIS}
 *   on their own origins, each taking only JWTs of its own audience. With `dpop` too: DPoP-bound
 *   JWTs only, and the page's sign-in names every API it knows (`resources({ nameAtSignIn })`, a
 *   repeated `resource`), so their tokens come from the refresh token, with no frame
 * @property {string} [authHost] - the loopback host of the authorization servers, default `host`;
 *   `localhost` with the default `host` puts them on another site than the app (cross-site mode)
 *
 * @typedef {import("./auth-server.mjs").AuthServerQuirks & import("./api-server.mjs").ApiServerQuirks} DemoQuirks -
 *   each to the server it concerns (the OAuth 2.0 authorization server, the API)
 *
 * @typedef {object} Demo
 * @property {import("./spa-server.mjs").SpaServer} spa
 * @property {import("./auth-server.mjs").AuthServer} auth
 * @property {import("./api-server.mjs").ApiServer} api
 * @property {import("./third-party-server.mjs").ThirdPartyServer} thirdParty
 * @property {import("./oidc-server.mjs").OidcProvider} [oidc] - with `provider: "oidc"` only
 * @property {Record<keyof typeof RESOURCE_APIS, import("./resource-api.mjs").ResourceApi>} [resourceApis] - with `resources` only
 * @property {() => Promise<void>} close - stops all four servers
 */

/**
 * Starts the SPA server, the authorization server, the API and the third-party origin on
 * loopback, each on its own port (so its own origin), and tells each what it must know of the
 * others: the SPA's redirect URIs, its two pages and silent.html (authorization server); its
 * origin (API and third-party CORS); the introspection endpoint and credentials (API); all URLs
 * (the pages' `/config.json`).
 *
 * @param {DemoOptions} [options]
 * @returns {Promise<Demo>}
 * @throws {import("./lib.mjs").PortInUseError} when a port is taken (the servers already started are closed)
 */
export async function startDemo(options = {}) {
  const {
    ports = {},
    host = "127.0.0.1",
    tokenLifetime,
    loginThrottle,
    clock,
    onApiRequest,
    log,
    provider = "oauth2",
    quirks = {},
    flow = "implicit",
    dpop = false,
    dpopNonce = false,
    appOrigins = [],
    persist = false,
    resources = false,
  } = options;
  const { authHost = host } = options;
  if (provider !== "oauth2" && provider !== "oidc") throw new Error(`provider: "${provider}" is neither "oauth2" nor "oidc"`);
  if (flow !== "implicit" && flow !== "code") throw new Error(`flow: "${flow}" is neither "implicit" nor "code"`);
  if (dpop && (provider !== "oidc" || flow !== "code")) throw new Error('dpop: needs provider "oidc" and flow "code"');
  if (persist && !dpop) throw new Error("persist: needs dpop");
  if (resources && (provider !== "oidc" || flow !== "code")) throw new Error('resources: needs provider "oidc" and flow "code"');
  /** @type {(() => Promise<void>)[]} */
  const closers = [];
  const close = () => Promise.all(closers.map((c) => c())).then(() => undefined);
  try {
    const spa = await startSpaServer({ port: ports.spa ?? 0, host, log });
    closers.push(spa.close);
    // The demo's pages, and the pages of the apps registered with --app-origin: their root and
    // their copy of the silent page.
    const redirectUris = [
      ...Object.values(spa.redirectUris),
      ...(resources ? [spa.resourcesPage] : []),
      ...appOrigins.flatMap((origin) => [origin + "/", origin + "/silent.html"]),
    ];
    // The API's credentials at the introspection endpoint, new on every start.
    const credentials = { id: "implicitly-demo-api", secret: crypto.randomBytes(24).toString("base64url") };
    const auth = await startAuthServer({
      port: ports.auth ?? 0,
      host: authHost,
      redirectUris,
      resourceServers: [credentials],
      ...(tokenLifetime === undefined ? {} : { tokenLifetime }),
      ...(loginThrottle === undefined ? {} : { loginThrottle }),
      ...(clock === undefined ? {} : { clock }),
      quirks: { queryErrors: quirks.queryErrors, interactivePromptNone: quirks.interactivePromptNone, openerPolicy: quirks.openerPolicy },
      log,
    });
    closers.push(auth.close);
    // With provider "oidc", the OpenID provider is the pages' authorization server and the API's
    // introspection endpoint; the demo's OAuth 2.0 server still runs, unused by the pages.
    /** @type {Record<string, string[]>} */
    const resourceIndicators = {};
    const oidc =
      provider === "oidc"
        ? await (
            await import("./oidc-server.mjs")
          ).startOidcProvider({
            port: ports.oidc ?? 0,
            host: authHost,
            redirectUris,
            resourceServers: [credentials],
            ...(tokenLifetime === undefined ? {} : { tokenLifetime }),
            log,
            codeFlow: flow === "code",
            dpopNonce,
            // Filled in once the resource APIs listen (their origins are their indicators): the
            // provider reads it on every request.
            ...(resources && { resourceIndicators }),
          })
        : undefined;
    if (oidc) closers.push(oidc.close);
    const as = oidc ?? auth;
    const api = await startApiServer({
      port: ports.api ?? 0,
      host,
      introspectionEndpoint: as.introspectionEndpoint,
      dpop,
      credentials,
      allowedOrigin: [spa.origin, ...appOrigins],
      quirks: { bareChallenges: quirks.bareChallenges, hiddenChallenges: quirks.hiddenChallenges },
      onRequest: onApiRequest,
      log,
    });
    closers.push(api.close);
    /** @type {Demo["resourceApis"]} */
    let resourceApis;
    if (resources && oidc) {
      const started = {};
      for (const [name, api] of Object.entries(RESOURCE_APIS)) {
        const port = ports[/** @type {"profileApi"} */ (name + "Api")] ?? 0;
        const server = await startResourceApi({
          name,
          ...api,
          port,
          host,
          issuer: oidc.issuer,
          jwksUri: oidc.jwksUri,
          dpop,
          allowedOrigin: [spa.origin, ...appOrigins],
          onRequest: onApiRequest,
          log,
        });
        closers.push(server.close);
        // Its indicator is its origin as a URL has it (with the `/` path).
        resourceIndicators[server.origin + "/"] = [api.scope];
        started[name] = server;
      }
      resourceApis = /** @type {NonNullable<Demo["resourceApis"]>} */ (started);
    }
    const thirdParty = await startThirdPartyServer({ port: ports.thirdParty ?? 0, host, allowedOrigin: spa.origin, log });
    closers.push(thirdParty.close);
    spa.configure({
      authorizationEndpoint: as.authorizationEndpoint,
      revocationEndpoint: as.revocationEndpoint,
      clientId: as.clientId,
      // The pages use createOidcClient when there is an issuer (which names its end-session
      // endpoint in its metadata); the OAuth 2.0 server's is given.
      ...(oidc ? { issuer: oidc.issuer } : { endSessionEndpoint: auth.endSessionEndpoint }),
      apiOrigin: api.origin,
      thirdPartyOrigin: thirdParty.origin,
      redirectUris: resources ? { ...spa.redirectUris, resources: spa.resourcesPage } : spa.redirectUris,
      // The SDK's defaults (30 s, 60 s) at the default 120 s lifetime; scaled down for shorter
      // lifetimes, which would otherwise expire on arrival.
      clockSkew: Math.min(30, Math.floor(as.tokenLifetime / 4)),
      expiringNotice: Math.min(60, Math.floor(as.tokenLifetime / 2)),
      // The code flow with PKCE and refresh tokens: the pages pass `flow: codeFlow`.
      ...(flow === "code" ? { flow, tokenEndpoint: as.tokenEndpoint } : {}),
      // DPoP-bound tokens: the pages pass `dpop`.
      ...(dpop ? { dpop } : {}),
      // The DPoP-bound session kept across reloads: the pages call `persistSession`.
      ...(persist ? { persist } : {}),
      // The resources page's APIs: which it knows, and which it discovers.
      ...(resourceApis
        ? {
            resources: {
              apis: /** @type {const} */ (["profile", "orders"]).map((name) => ({
                name,
                url: resourceApis[name].origin + "/",
                scope: RESOURCE_APIS[name].scope,
              })),
              discovered: { name: "payments", url: resourceApis.payments.origin + "/" },
              // With DPoP (and so persistSession), the sign-in names every API, so that each API's
              // token comes from the refresh token: a frame (the other way) has no session cookie
              // when the browser blocks third-party cookies.
              ...(dpop && { nameAtSignIn: true }),
            },
          }
        : {}),
    });
    return { spa, auth, api, thirdParty, ...(oidc ? { oidc } : {}), ...(resourceApis ? { resourceApis } : {}), close };
  } catch (err) {
    await close();
    throw err;
  }
}
