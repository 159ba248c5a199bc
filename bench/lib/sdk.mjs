// The SDK as users get it: the built ESM file (run `npm run build` first; the npm scripts do).
import { existsSync } from "node:fs";
import { API_ORIGIN, AUTHORIZATION_ENDPOINT, CLIENT_ID, REDIRECT_URI, SCOPE, callbackUrl, memoryStorage, noopFetch } from "./fixtures.mjs";

export const DIST = new URL("../../dist/", import.meta.url);

if (!existsSync(new URL("implicitly.mjs", DIST))) {
  throw new Error("dist/implicitly.mjs is missing: run `npm run build` first");
}

/** The SDK's exports, from dist/implicitly.mjs. */
export const sdk = await import(new URL("implicitly.mjs", DIST).href);

/**
 * A client for the benchmark's authorization server and API, with an in-memory storage and a
 * fetch that never reaches the network.
 * @param {object} [options] - extra or overriding {@link createClient} options
 */
export const createBenchClient = (options = {}) =>
  sdk.createClient({
    authorizationEndpoint: AUTHORIZATION_ENDPOINT,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
    resourceOrigins: [API_ORIGIN],
    storage: memoryStorage(),
    fetch: noopFetch,
    ...options,
  });

/**
 * Starts a login and returns the callback URL the authorization server would send back for it:
 * the state the client made, and an 800-character token.
 * @param {import("../../dist/implicitly.mjs").Client} client
 */
export const startLogin = async (client) => {
  const state = new URL(await client.authorizationUrl()).searchParams.get("state");
  return callbackUrl(state);
};

/** A client that holds a token, obtained the way an app gets one: login, then callback. */
export const signedInClient = async (options) => {
  const client = createBenchClient(options);
  await client.handleRedirect(await startLogin(client));
  if (!client.getToken()) throw new Error("the client did not accept the benchmark's callback");
  return client;
};
