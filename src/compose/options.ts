import type { CoreOptions } from "../client/types";
import type { CodeFlowOptions } from "../code/options";
import type { DpopOptions } from "../dpop/options";
import type { OidcOptions } from "../oidc/oidc-client";
import type { SessionOptions } from "../session/options";
import type { SignOutEndpoints } from "../logout/options";

/**
 * Options of {@link createClient}: the core's ({@link CoreOptions}) and every opt-in feature's,
 * each declared in its own folder: the code flow's ({@link CodeFlowOptions}), DPoP's
 * ({@link DpopOptions}), the session features' ({@link SessionOptions}) and sign-out's
 * ({@link SignOutEndpoints}). Every duration is in seconds. Any other name is refused
 * (`invalid_config`, naming the closest known option).
 */
export interface ClientOptions extends CoreOptions, CodeFlowOptions, DpopOptions, SessionOptions, SignOutEndpoints {}

/**
 * Options of {@link createOidcClient}: OpenID Connect's own ({@link OidcOptions}: the core's, with
 * the authorization endpoint optional, and the issuer) and every other opt-in feature's.
 */
export interface OidcClientOptions extends OidcOptions, Omit<CodeFlowOptions, "issuer">, DpopOptions, SessionOptions, SignOutEndpoints {}
