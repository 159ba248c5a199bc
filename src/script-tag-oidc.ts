// The script-tag build with OpenID Connect (`dist/implicitly-oidc.umd.min.js`): the core, the
// session features, createOidcClient and sign-out at the server, but not the code flow, which has a build of its own
// (`dist/implicitly-code.umd.min.js`, every export) so that implicit-grant pages do not ship it.
export { buildAuthorizationUrl } from "./protocol/authorize";
export { parseBearerChallenge } from "./protocol/challenge";
export { createClient } from "./compose/create-client";
export { AuthError, isAuthError } from "./protocol/errors";
export { createOidcClient } from "./compose/create-oidc-client";
export { parseAuthorizationResponse } from "./protocol/response";
export { autoRenew } from "./session/auto-renew";
export { loginWithPopup } from "./session/popup";
export { renew } from "./session/renew";
export { restore } from "./session/restore";
export { syncTabs } from "./session/tabs";
export { handleSignOut, signOut } from "./logout/sign-out";
