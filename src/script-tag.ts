// The script-tag build (`window.Implicitly`): the core and the session features, but not OpenID
// Connect, which has its own script-tag build so that apps using plain `response_type=token`
// do not ship JWT and JWKS code.
export { buildAuthorizationUrl } from "./authorize";
export { parseBearerChallenge } from "./challenge";
export { createClient } from "./client";
export { AuthError, isAuthError } from "./errors";
export { parseAuthorizationResponse } from "./response";
export { autoRenew } from "./auto-renew";
export { loginWithPopup } from "./popup";
export { renew } from "./renew";
export { restore } from "./restore";
export { syncTabs } from "./tabs";
