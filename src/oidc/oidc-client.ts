import { createClient } from "../client/client";
import { discover, type ProviderMetadata } from "./discovery";
import { AuthError } from "../protocol/errors";
import { verifyIdToken, type IdTokenClaims } from "./id-token";
import { featureOptions, internalsOf } from "../client/internals";
import { handoffOf } from "../client/handoff";
import { joinPipeline } from "../client/pipeline";
import { jwa } from "./jwa";
import { createKeySet, type KeySet } from "./jwks";
import { checkUrl, invalidConfig } from "../client/options";
import { randomString } from "../browser/random";
import { checkResponseIssuer } from "../protocol/response-issuer";
import type { Client, CoreOptions } from "../client/types";
import type { PendingLogin } from "../browser/pending";
import type { Token } from "../protocol/types";
import type { AuthorizationResponse } from "../protocol/response";

/**
 * The JWS `alg` values an ID token may be signed with: the asymmetric ones implicitly verifies
 * (RS256/384/512, PS256/384/512, ES256/384/512, and Ed25519 as `EdDSA` or `Ed25519`). `none` and
 * the HMAC algorithms (`HS*`) are left out on purpose, so listing them is a type error: a public
 * client has no secret, and an HMAC keyed with the issuer's public key proves nothing.
 * @see RFC 7518 §3.1, RFC 8037 §3.1
 */
export type IdTokenAlgorithm = `${"RS" | "PS" | "ES"}${256 | 384 | 512}` | "EdDSA" | "Ed25519";

/**
 * The core's and OpenID Connect's options of {@link createOidcClient}: those of
 * {@link CoreOptions}, with the authorization endpoint optional (read from the provider's
 * metadata), plus the OpenID provider's issuer. The `fetch` option also fetches the metadata and
 * the JWK Set; `clockSkew` also applies to the ID token's `exp`, `iat` and `nbf`. (The public
 * `OidcClientOptions` adds every other feature's options.)
 */
export interface OidcOptions extends Omit<CoreOptions, "authorizationEndpoint" | "responseType"> {
  /**
   * The OpenID provider's issuer identifier, exactly as its metadata and ID tokens spell it
   * (`https:`, or `http:` on loopback; no query or fragment). The metadata is read from
   * `{issuer}/.well-known/openid-configuration` on the first login or callback that needs it.
   * **Security:** ID tokens whose `iss` differs, and responses whose `iss` parameter differs, are refused.
   */
  issuer: string;
  /**
   * `"id_token token"`: the OpenID Connect implicit flow; the ID token is verified and its claims
   * come with the token. `"token"`: plain OAuth 2.0 (no ID token), with the endpoint from discovery
   * and the RFC 9207 `iss` check.
   * @default "id_token token"
   */
  responseType?: "id_token token" | "token";
  /** The authorization endpoint. @default the provider metadata's `authorization_endpoint` */
  authorizationEndpoint?: string;
  /** Where the provider's signing keys are (JWK Set). @default the provider metadata's `jwks_uri` */
  jwksUri?: string;
  /**
   * The `alg` values an ID token may be signed with. Only asymmetric ones are possible: `none`
   * and `HS*` are not {@link IdTokenAlgorithm}s (a type error), are refused at run time too
   * (`invalid_config`), and never verify in any token.
   * @default the provider metadata's `id_token_signing_alg_values_supported` when it was read,
   * else RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA
   */
  algorithms?: readonly IdTokenAlgorithm[];
}

/** What `createOidcClient` of this layer takes: its own options, and any other feature's, which that feature reads and checks. */
export type OidcClientOptions = OidcOptions & { readonly [featureOption: string]: unknown };

/** OpenID Connect's own data of a pending login (identifiers, never a token). */
interface OidcLogin {
  /** The nonce sent with the request, which the ID token must echo. */
  nonce?: string;
  /** The `sub` a silent renewal must sign in again. */
  sub?: string;
  /** The token comes from the token endpoint (a code exchanged with PKCE): `at_hash` is optional then. */
  exchanged?: boolean;
  /** A step-up's `acr_values` (RFC 9470): the ID token's `acr` must be one of them. */
  acr?: string;
  /** A step-up's `max_age`, in seconds (RFC 9470): the ID token's `auth_time` must be no older. */
  maxAge?: string;
}

/** A token of {@link createOidcClient}: the access token, and the ID token that came with it. */
export interface OidcToken extends Token {
  /** The ID token that came with the access token (`responseType: "id_token token"`). Never log it. */
  idToken?: string;
  /** The ID token's claims, verified. */
  claims?: IdTokenClaims;
}

/** A client for an OpenID provider, made by {@link createOidcClient}. */
export interface OidcClient extends Client<OidcToken> {
  /**
   * The verified claims of the ID token that came with the current token (`sub`, and `name`,
   * `email`… as the provider releases them), or `null` when there is no valid token (none yet,
   * expired, or logged out) or the client uses `responseType: "token"`. Held in memory only.
   */
  getUser(): IdTokenClaims | null;
}

/**
 * Creates a client for the OpenID Connect implicit flow (`response_type=id_token token`, OpenID
 * Connect Core 1.0 §3.2). It is a {@link Client} (same methods, events and options) whose requests
 * also carry a fresh `nonce` and the `openid` scope, and whose callbacks are accepted only once
 * the ID token is verified: signature against the provider's JWK Set, `iss`, `aud`/`azp`, `exp`,
 * `iat`, `nonce` and `at_hash`. The verified token carries `idToken` and `claims`.
 *
 * Apps that use only {@link createClient} do not ship any of this (JWT, JWK Set and discovery code).
 *
 * @param options - see {@link OidcClientOptions}
 * @returns the client
 * @throws AuthError `invalid_config` naming the option at fault. The client's
 * {@link Client.login} and {@link Client.authorizationUrl} reject `discovery_failed`;
 * {@link Client.handleRedirect} rejects `issuer_mismatch`, `discovery_failed`, `jwks_failed` and
 * the `id_token_*` / `invalid_id_token` codes of {@link OidcErrorCode}, besides the core ones. A
 * silent renewal ({@link renew}, and the one behind {@link restore} and {@link autoRenew}) and a
 * popup login while signed in ({@link loginWithPopup}, e.g. for more scope) send the ID token of
 * the user who signed in as `id_token_hint`, and reject `user_mismatch` when the provider answers
 * for another user (another `sub`); nothing of that answer is kept. (Sign out first to let
 * another user sign in.)
 * @example
 * ```ts
 * const auth = createOidcClient({
 *   issuer: "https://id.example.com",
 *   clientId: "my-spa",
 *   scope: ["profile", "email"], // "openid" is added
 * });
 * await auth.handleRedirect();           // on every page load
 * const user = auth.getUser();           // verified claims, or null
 * greeting.textContent = user ? "Hello " + (user.name ?? user.sub) : "";
 * ```
 * @see OpenID Connect Core 1.0 §3.2, OpenID Connect Discovery 1.0 §4, RFC 9207
 */
export const createOidcClient = (options: OidcClientOptions): OidcClient => {
  // Own options only: a name some other code set on Object.prototype (`jwksUri`…) is no option.
  const { issuer, responseType = "id_token token", authorizationEndpoint, jwksUri, algorithms, ...core } = { __proto__: null, ...options } as OidcClientOptions;
  // An issuer identifier has no query or fragment (OpenID Connect Discovery §2).
  if (checkUrl("issuer", issuer).includes("?")) throw invalidConfig("issuer", issuer, "is not an issuer identifier (no query)");
  const idToken = responseType == "id_token token";
  if (!idToken && responseType != "token") throw invalidConfig("responseType", responseType, 'is not "id_token token" or "token"');
  if (jwksUri !== undefined) checkUrl("jwksUri", jwksUri);
  if (algorithms !== undefined && !(Array.isArray(algorithms) && algorithms.length && algorithms.every((a) => jwa(a)))) {
    throw invalidConfig("algorithms", algorithms, "is not a non-empty list of asymmetric JWS algorithms (RS256 … EdDSA; never none or HS*)");
  }
  // Until discovery, the issuer stands in for the endpoint (the request stage replaces it).
  const client = createClient({ ...core, authorizationEndpoint: authorizationEndpoint ?? issuer });
  const i = internalsOf(client);
  const { options: o, tokens } = i;

  let metadata: Promise<ProviderMetadata> | undefined;
  // Discovery once per client; a failure is not cached, so the next attempt fetches again.
  const meta = () =>
    (metadata ||= discover(issuer, o.fetch).then(
      (m) => {
        try {
          checkUrl("", m.authorizationEndpoint);
          checkUrl("", m.jwksUri);
        } catch {
          throw new AuthError("discovery_failed", "endpoint not https");
        }
        return m;
      },
      (e) => {
        metadata = undefined;
        throw e;
      },
    ));
  i.metadata = async () => (await meta()).metadata;
  i.issuer = issuer;
  // Discovery is needed only for what was not configured.
  const discovers = !authorizationEndpoint || (idToken && !jwksUri);
  let keys: KeySet | undefined;
  // Who signed in: the token of the last verified ID token, kept until logout (also past its
  // expiry, or a 401 that dropped it), so that a silent renewal asks for that user and takes no other.
  let user: OidcToken | undefined;
  // Set once the client holds the token (never by a verified answer that came after a logout).
  client.on("token", (token: OidcToken) => {
    if (token.claims) user = token;
  });
  client.on("logout", () => (user = undefined));

  // After the grant's stages (order 30): the code flow has set its own response_type by then.
  const request = async (params: Record<string, string | undefined>, login: PendingLogin, data: OidcLogin) => {
    if (idToken) {
      // OpenID Connect Core §3.2.2.1: openid scope and a nonce, which the ID token must echo.
      if (!login.scope.includes("openid")) login.scope = ["openid", ...login.scope];
      params.scope = login.scope.join(" ");
      // The implicit grant's response type becomes OpenID Connect's; the code flow's stays.
      if (params.response_type == "token") params.response_type = responseType;
      else data.exchanged = true;
      params.nonce = data.nonce = randomString();
      // A silent renewal (§3.1.2.1: prompt=none SHOULD carry the ID token of the session), and a
      // popup login while signed in (step-up: more scope), are for the user who signed in: the
      // pending login remembers whom (`sub`, never a token), so that another user is refused.
      // A step-up (RFC 9470: an API asked for `acr_values` or `max_age`) is for that user too, and
      // its ID token must show the sign-in that was asked for.
      const { acr_values: acr, max_age: maxAge } = params;
      if (acr !== undefined) data.acr = acr;
      if (maxAge !== undefined) data.maxAge = maxAge;
      if ((params.prompt == "none" || handoffOf(params.state) == "popup" || acr !== undefined || maxAge !== undefined) && user) {
        params.id_token_hint = user.idToken;
        data.sub = user.claims!.sub;
      }
    }
    return authorizationEndpoint || (await meta()).authorizationEndpoint;
  };
  // RFC 9207: an `iss` parameter, on an error response too, must name this issuer (before a code
  // flow sends its code anywhere: checks run before the response is completed). A code response
  // carries no ID token to stand in for it, so a provider whose metadata promises `iss` must send
  // it: checked here, before the code is exchanged (when the metadata is read anyway).
  const check = async (response: AuthorizationResponse, _login: PendingLogin, data: OidcLogin) => {
    const code = data.exchanged === true && (discovers || featureOptions<{ tokenEndpoint?: string }>(i).tokenEndpoint === undefined);
    checkResponseIssuer(response.params, issuer, code ? (await meta()).issParameterSupported : false);
  };
  const accept = async (token: Token, response: AuthorizationResponse, _login: PendingLogin, data: OidcLogin) => {
    // Fetched here, not before: the callback page starts with nothing cached.
    const m = discovers ? await meta() : undefined;
    // Mix-up defence: a provider that announces `iss` must send it (an ID token's `iss` counts).
    if (m) checkResponseIssuer(response.params, issuer, m.issParameterSupported);
    if (!idToken) return token;
    const jwt = response.params.id_token;
    if (!jwt) throw new AuthError("invalid_id_token", "id_token missing");
    keys ||= createKeySet(jwksUri ?? m!.jwksUri, o.fetch);
    const allowed = algorithms || m?.idTokenAlgorithms;
    const claims = await verifyIdToken(jwt, {
      issuer,
      clientId: o.clientId,
      // "" never matches: a pending login without a nonce cannot complete.
      nonce: typeof data.nonce == "string" ? data.nonce : "",
      accessToken: token.accessToken,
      // From the token endpoint (a code exchanged with its PKCE verifier), at_hash is optional
      // (OpenID Connect Core §3.1.3.8); from the authorization endpoint, required.
      optionalAtHash: data.exchanged === true,
      keys,
      clockSkew: o.clockSkew,
      ...(allowed && { algorithms: allowed }),
    });
    // A renewal never switches the user silently: another `sub` (`iss` is the issuer, checked
    // above) is refused, and the client keeps nothing of it (autoRenew then replays nothing).
    if (data.sub !== undefined && claims.sub !== data.sub) throw new AuthError("user_mismatch", "another user signed in at the provider");
    // RFC 9470 §4 and OpenID Connect Core §3.1.2.1: what a step-up asked for, not what the provider
    // chose to give (own string members of the login's data only).
    if (typeof data.acr == "string" && !data.acr.split(" ").includes(claims.acr as string)) {
      throw new AuthError("id_token_acr", `acr ${claims.acr}, not one of ${data.acr}`);
    }
    if (typeof data.maxAge == "string") {
      const since = Date.now() / 1000 - (claims.auth_time as number);
      if (!(typeof claims.auth_time == "number" && since <= Number(data.maxAge) + o.clockSkew)) {
        throw new AuthError("id_token_auth_time", `auth_time ${claims.auth_time}, more than max_age ${data.maxAge} s ago`);
      }
    }
    return { ...token, idToken: jwt, claims };
  };
  joinPipeline(i.hooks, "oidc", { order: 30, request, check, accept });

  return Object.assign(client, { getUser: () => (tokens.get() as OidcToken | null)?.claims || null });
};
