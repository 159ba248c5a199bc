export { buildAuthorizationUrl } from "./authorize";
export { parseBearerChallenge } from "./challenge";
export { createClient } from "./client";
export { AuthError, isAuthError } from "./errors";
export { createOidcClient } from "./oidc-client";
export { parseAuthorizationResponse } from "./response";
export { autoRenew } from "./auto-renew";
export { loginWithPopup } from "./popup";
export { renew } from "./renew";
export { restore } from "./restore";
export { syncTabs } from "./tabs";
export type { AuthErrorCode } from "./errors";
export type { IdTokenClaims, OidcErrorCode } from "./id-token";
export type { OidcClient, OidcClientOptions } from "./oidc-client";
export type { AuthorizationResponse } from "./response";
export type { PopupOptions } from "./popup";
export type { RestoreOptions } from "./restore";
export type { SyncTabsOptions } from "./tabs";
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
