// The script-tag build (`window.Implicitly`): the core and the session features, but not OpenID
// Connect, which has its own script-tag build so that apps using plain `response_type=token`
// do not ship JWT and JWKS code. Nor sign-out at the server (signOut, handleSignOut), which would
// take this build over its size budget: the full build (dist/implicitly-oidc.umd.min.js, every
// export of the package) has it.
export { buildAuthorizationUrl } from "./protocol/authorize";
export { parseBearerChallenge } from "./protocol/challenge";
export { createClient } from "./compose/create-client";
export { AuthError, isAuthError } from "./protocol/errors";
export { parseAuthorizationResponse } from "./protocol/response";
export { autoRenew } from "./session/auto-renew";
export { loginWithPopup } from "./session/popup";
export { renew } from "./session/renew";
export { restore } from "./session/restore";
export { syncTabs } from "./session/tabs";
