import type { OptionNames } from "../client/pipeline";

/** The names of {@link createOidcClient}'s own options, for the check of option names (no code of OpenID Connect). */
export const OIDC_OPTIONS: OptionNames = { issuer: 0, responseType: 0, authorizationEndpoint: 0, jwksUri: 0, algorithms: 0 };
