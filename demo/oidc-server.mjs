// The demo's OpenID provider: the certified `oidc-provider` package, configured for the OpenID
// Connect implicit flow (`response_type=id_token token`, OpenID Connect Core §3.2) with one public
// client for the demo SPA, a demo account, and the package's built-in development login and consent
// pages. Everything is held in memory, with signing keys made fresh on every start.
import crypto from "node:crypto";
import Provider, { errors, offlinePages } from "./oidc-provider-offline.mjs";
import { ACR, listen } from "./lib.mjs";

/** The demo SPA's client identifier at the OpenID provider. */
export const OIDC_CLIENT_ID = "implicitly-demo";

/** The demo accounts: the development login page accepts any login name (and any password). */
export const OIDC_ACCOUNTS = Object.freeze({
  demo: Object.freeze({ name: "Dana Demo", email: "dana.demo@example.com" }),
});

// The sign-in levels (`acr`) the provider names with `resourceIndicators` (in lib.mjs, so that
// the demo's other servers can name them without loading oidc-provider).
export { ACR };

/** The scopes the provider offers, and the claims each one releases. */
const CLAIMS = { openid: ["sub"], profile: ["name"], email: ["email", "email_verified"], orders: [] };

/**
 * What `codeFlow: true` adds. The client may also use the code flow (PKCE is required for it,
 * S256, oidc-provider's only method) and refresh tokens; the provider issues a refresh token with
 * every code (not only for `offline_access`) and rotates it on every use, as it does by default for
 * public clients, revoking the grant when a spent one comes back. The token endpoint's CORS is
 * the same `clientBasedCORS` as the other endpoints': the SPA's origins.
 */
export const CODE_FLOW = Object.freeze({
  client: {
    response_types: ["id_token token", "code"],
    grant_types: ["implicit", "authorization_code", "refresh_token"],
  },
  provider: {
    pkce: { required: () => true },
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed("refresh_token");
    },
    // Rotation on every use, DPoP-bound refresh tokens too (by default oidc-provider rotates a
    // public client's refresh token only when it is not sender-constrained).
    rotateRefreshToken: () => true,
  },
});

/**
 * @typedef {object} OidcProviderOptions
 * @property {string[]} redirectUris - the SPA's redirect URIs, matched exactly (also its
 *   `post_logout_redirect_uris`)
 * @property {number} [port] - default 0 (a free port)
 * @property {string} [host] - a loopback address, default `127.0.0.1`
 * @property {string} [clientId] - default {@link OIDC_CLIENT_ID}
 * @property {"RS256" | "PS256" | "ES256" | "EdDSA"} [idTokenAlg] - the ID token signing algorithm, default `RS256`
 * @property {number} [tokenLifetime] - access token lifetime in seconds, default 120
 * @property {{ id: string, secret: string }[]} [resourceServers] - confidential clients that may
 *   call the introspection endpoint (`client_secret_basic`)
 * @property {Readonly<Record<string, { name: string, email: string }>>} [accounts] - default {@link OIDC_ACCOUNTS};
 *   any other login name gets a profile made from the name
 * @property {(line: string) => void} [log] - request log (method, path, status; never tokens)
 * @property {boolean} [codeFlow] - also offer the code flow to the SPA: `response_type=code` with
 *   PKCE (S256, required), its token endpoint open to the SPA's origins (CORS), and refresh
 *   tokens, rotated on every use (see {@link CODE_FLOW})
 * @property {Readonly<Record<string, string[]>>} [resourceIndicators] - APIs as resource indicators
 *   (RFC 8707), each with the scopes it knows: a token asked for with `resource` is a JWT for
 *   that audience only, with those of its scopes that were granted; any other `resource` is
 *   refused (`invalid_target`)
 * @property {boolean} [dpopNonce] - DPoP (RFC 9449, on by default in oidc-provider) with server
 *   nonces required: every proof, at the token and userinfo endpoints, must carry a `DPoP-Nonce`
 *   the provider gave (a `use_dpop_nonce` error first); the header is exposed to the SPA (CORS)
 *
 * @typedef {object} OidcProvider
 * @property {string} issuer - the issuer identifier, `http://host:port`
 * @property {string} origin - same as `issuer`
 * @property {string} authorizationEndpoint
 * @property {string} jwksUri
 * @property {string} introspectionEndpoint
 * @property {string} revocationEndpoint
 * @property {string} endSessionEndpoint - RP-Initiated Logout (also in the metadata)
 * @property {string} tokenEndpoint
 * @property {string} clientId
 * @property {number} tokenLifetime - seconds
 * @property {object} provider - the oidc-provider instance
 * @property {() => Promise<void>} close
 */

/**
 * Starts the demo OpenID provider on loopback.
 * @param {OidcProviderOptions} options
 * @returns {Promise<OidcProvider>}
 */
export async function startOidcProvider({
  redirectUris,
  port = 0,
  host = "127.0.0.1",
  clientId = OIDC_CLIENT_ID,
  idTokenAlg = "RS256",
  tokenLifetime = 120,
  resourceServers = [],
  accounts = OIDC_ACCOUNTS,
  log,
  codeFlow = false,
  dpopNonce = false,
  resourceIndicators,
}) {
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) throw new Error("oidc provider: redirectUris is required");
  // The issuer holds the port, which is known only once listening: the handler is set after.
  /** @type {import("node:http").RequestListener | undefined} */
  let handler;
  const server = await listen(
    (req, res) => {
      if (log) res.on("finish", () => log(`oidc ${req.method} ${req.url?.split("?")[0]} ${res.statusCode}`));
      handler?.(req, res);
    },
    { label: "oidc provider", port, host },
  );
  const issuer = server.origin;

  const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const ed = crypto.generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_name: "implicitly demo SPA",
        // A "web" client: its redirect URIs match exactly, character for character. (A "native"
        // one would accept any port on loopback, and asks for consent on every request, so
        // prompt=none could never answer with a token.) See the schema override below for http:.
        application_type: "web",
        redirect_uris: redirectUris,
        post_logout_redirect_uris: redirectUris,
        response_types: ["id_token token"],
        grant_types: ["implicit"],
        token_endpoint_auth_method: "none",
        id_token_signed_response_alg: idTokenAlg,
        ...(codeFlow && CODE_FLOW.client),
      },
      ...resourceServers.map(({ id, secret }) => ({
        client_id: id,
        client_secret: secret,
        redirect_uris: [],
        response_types: [],
        grant_types: [],
        token_endpoint_auth_method: "client_secret_basic",
      })),
    ],
    responseTypes: ["id_token token", ...(codeFlow ? CODE_FLOW.client.response_types.slice(1) : [])],
    ...(codeFlow && CODE_FLOW.provider),
    // With resource indicators, also the scope of the demo's third API (its payments).
    scopes: [...Object.keys(CLAIMS), ...(resourceIndicators ? ["payments"] : [])],
    claims: CLAIMS,
    // The ID token carries the claims of the granted scopes (name, email), so the SPA can show who
    // signed in from verified claims alone. (By default, with an access token in the response,
    // they are only at the userinfo endpoint: OpenID Connect Core §5.4.)
    conformIdTokenClaims: false,
    jwks: {
      keys: [
        { ...rsa, kid: "demo-rsa", use: "sig" },
        { ...ec, kid: "demo-ec", use: "sig" },
        { ...ed, kid: "demo-ed", use: "sig" },
      ],
    },
    cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
    ttl: { AccessToken: tokenLifetime, IdToken: 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    features: {
      devInteractions: { enabled: true },
      // Introspection for the API's confidential credentials only; revocation by the token's own client.
      introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientAuthMethod !== "none" },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      // DPoP is on by default; `dpopNonce` makes every proof carry a nonce of the provider's.
      dPoP: { enabled: true, ...(dpopNonce && { nonceSecret: crypto.randomBytes(32), requireNonce: () => true }) },
      // One audience-restricted token per API (RFC 8707); an unknown resource is refused.
      ...(resourceIndicators && {
        resourceIndicators: {
          enabled: true,
          async getResourceServerInfo(_ctx, indicator) {
            if (!Object.hasOwn(resourceIndicators, indicator)) throw new errors.InvalidTarget();
            return { audience: indicator, scope: resourceIndicators[indicator].join(" "), accessTokenFormat: "jwt", accessTokenTTL: tokenLifetime };
          },
          // The code of a request that named one resource gives a token for it, also when the
          // token request names none (the SDK's code exchange, in a frame or at sign-in). A code
          // of several (a repeated `resource`, RFC 8707 §2.1) gives the client's own token, for
          // userinfo (one token, one audience); each API's comes from the refresh token (§2.2).
          useGrantedResource: async (_ctx, code) => !Array.isArray(code.resource),
        },
      }),
    },
    // With resource indicators: the sign-in levels, and each JWT access token carries its
    // sign-in's `acr` (RFC 9068 §2.2.1), so an API can ask for a stronger one (RFC 9470).
    ...(resourceIndicators && {
      acrValues: Object.values(ACR),
      async extraTokenClaims(ctx, token) {
        // An access token keeps no `acr` of its own: it is its code's, refresh token's or session's.
        const entities = ctx?.oidc?.entities ?? {};
        const acr = token.acr ?? (entities.RefreshToken ?? entities.AuthorizationCode ?? ctx?.oidc?.session)?.acr;
        return acr ? { acr } : undefined;
      },
    }),
    // With resource indicators: the demo's APIs are the app's own, so a user who consented once
    // is not asked again for each API's scopes (oidc-provider's "skip consent" recipe for
    // first-party resources). A frame's request (`prompt=none`) can then get another API's token.
    ...(resourceIndicators && {
      async loadExistingGrant(ctx) {
        const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        const grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
        const resource = ctx.oidc.params?.resource;
        if (grant && typeof resource === "string" && Object.hasOwn(resourceIndicators, resource)) {
          const asked = String(ctx.oidc.params.scope ?? "").split(" ");
          const scopes = resourceIndicators[resource].filter((scope) => asked.includes(scope));
          if (scopes.length) {
            // Its scopes for that API, and (as the provider also offers them) for the provider.
            grant.addResourceScope(resource, scopes.join(" "));
            grant.addOIDCScope(scopes.join(" "));
            await grant.save();
          }
        }
        return grant;
      },
    }),
    async findAccount(_ctx, id) {
      const known = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, name: known?.name ?? id, email: known?.email ?? `${id}@example.com`, email_verified: !!known };
        },
      };
    },
    // Browsers may call the public client's endpoints (userinfo, revocation) from the SPA's origins.
    clientBasedCORS(_ctx, origin, client) {
      return client.redirectUris.some((uri) => new URL(uri).origin === origin);
    },
  });
  // oidc-provider refuses http: and localhost redirect URIs for web clients of the implicit
  // grant; this demo runs on loopback http: only (and an app registered with --app-origin may be
  // on localhost, as Vite's dev server is), so those two rules (and no other) are waived.
  const { invalidate } = provider.Client.Schema.prototype;
  provider.Client.Schema.prototype.invalidate = function (message, code) {
    if (code === "implicit-force-https" || code === "implicit-forbid-localhost") return;
    invalidate.call(this, message, code);
  };
  if (resourceIndicators) {
    // The development login page names no level: a sign-in made there is `fresh` when the request
    // asked for it, `password` otherwise.
    const finished = provider.interactionFinished.bind(provider);
    provider.interactionFinished = async (req, res, result, options) => {
      if (result?.login) {
        const { params } = await provider.interactionDetails(req, res);
        const asked = typeof params.acr_values === "string" ? params.acr_values.split(" ") : [];
        result = { ...result, login: { ...result.login, acr: asked.includes(ACR.fresh) ? ACR.fresh : ACR.password } };
      }
      return finished(req, res, result, options);
    };
  }
  provider.use(offlinePages); // no web fonts: nothing beyond loopback
  handler = provider.callback();

  return {
    issuer,
    origin: issuer,
    authorizationEndpoint: issuer + "/auth",
    jwksUri: issuer + "/jwks",
    introspectionEndpoint: issuer + "/token/introspection",
    revocationEndpoint: issuer + "/token/revocation",
    endSessionEndpoint: issuer + "/session/end",
    tokenEndpoint: issuer + "/token",
    clientId,
    tokenLifetime,
    provider,
    close: server.close,
  };
}
