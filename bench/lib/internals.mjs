// A bench-only build of the two functions a callback goes through before any storage is touched:
// parseAuthorizationResponse (src/protocol/response.ts, exported by the package) and
// tokenFromResponse (src/protocol/validate.ts, internal), built from src by ./from-src.mjs.
import { SCOPE, STATE } from "./fixtures.mjs";
import { importFromSrc } from "./from-src.mjs";

/** `{ parseAuthorizationResponse, tokenFromResponse }`, built from src. */
export const internals = await importFromSrc(["protocol/response.ts", "protocol/validate.ts"]);

/**
 * Everything `client.handleRedirect(url)` does with the callback URL itself: parse it strictly
 * (parseAuthorizationResponse), match its state against the login's, and turn it into a token
 * (tokenFromResponse). Left out: reading and deleting the pending login in storage, holding the
 * token and arming its timers, which the handleRedirect row measures.
 * @param {string} url - the callback URL
 * @returns {import("../../dist/implicitly.mjs").Token}
 */
export const parseAndValidate = (url) => {
  const response = internals.parseAuthorizationResponse(url);
  if (!response || response.state !== STATE) throw new Error("state mismatch");
  return internals.tokenFromResponse(response, SCOPE, Date.now(), 30);
};

// The same callback must yield the token the client would hold.
const token = parseAndValidate(
  `https://app.example.com/callback#${new URLSearchParams({
    access_token: "x",
    token_type: "bearer",
    expires_in: "60",
    state: STATE,
  })}`,
);
if (token.accessToken !== "x" || token.tokenType !== "Bearer" || token.scope.join(" ") !== SCOPE.join(" ")) {
  throw new Error("the bench-only build of the callback path misbehaves");
}
