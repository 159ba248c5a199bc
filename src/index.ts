export { buildAuthorizationUrl } from "./authorize";
export { parseBearerChallenge } from "./challenge";
export { createClient } from "./client";
export { AuthError, isAuthError } from "./errors";
export { createOidcClient } from "./oidc-client";
export { parseAuthorizationResponse } from "./response";
export type { AuthErrorCode } from "./errors";
export type { IdTokenClaims, OidcErrorCode } from "./id-token";
export type { OidcClient, OidcClientOptions } from "./oidc-client";
export type { AuthorizationResponse } from "./response";
export type {
  BearerChallenge,
  Client,
  ClientEvents,
  ClientOptions,
  LoginOptions,
  RedirectResult,
  ScopeInput,
  StorageLike,
  Token,
  UnauthorizedEvent,
} from "./types";
