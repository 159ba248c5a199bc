import { checkOptionNames } from "../client/options";
import { createOidcClient as createCore, type OidcClient, type OidcClientOptions as CoreOidcClientOptions } from "../oidc/oidc-client";
import { OIDC_OPTIONS } from "../oidc/options";
import { KNOWN_OPTIONS } from "./create-client";
import type { OidcClientOptions } from "./options";

/**
 * Creates a client for the OpenID Connect implicit flow (`response_type=id_token token`, OpenID
 * Connect Core 1.0 §3.2), or, with `flow: codeFlow`, the code flow. It is a {@link Client} (same
 * methods, events and options) whose requests also carry a fresh `nonce` and the `openid` scope,
 * and whose callbacks are accepted only once the ID token is verified: signature against the
 * provider's JWK Set, `iss`, `aud`/`azp`, `exp`, `iat`, `nonce` and `at_hash`. The verified token
 * carries `idToken` and `claims`.
 *
 * Apps that use only {@link createClient} do not ship any of this (JWT, JWK Set and discovery code).
 *
 * @param options - see {@link OidcClientOptions}
 * @returns the client
 * @throws AuthError `invalid_config` naming the option at fault (an unknown option: the closest
 * known name in the message). The client's {@link Client.login} and
 * {@link Client.authorizationUrl} reject `discovery_failed`; {@link Client.handleRedirect} rejects
 * `issuer_mismatch`, `discovery_failed`, `jwks_failed` and the `id_token_*` / `invalid_id_token`
 * codes of {@link OidcErrorCode}, besides the core ones. A silent renewal ({@link renew}, and the
 * one behind {@link restore} and {@link autoRenew}) sends the ID token of the user who signed in
 * as `id_token_hint`, and rejects `user_mismatch` when the provider answers for another user
 * (another `sub`); nothing of that answer is kept.
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
  checkOptionNames(options, [...KNOWN_OPTIONS, OIDC_OPTIONS]);
  // Each feature reads its own options from these (an interface has no index signature to match).
  return createCore(options as CoreOidcClientOptions);
};
