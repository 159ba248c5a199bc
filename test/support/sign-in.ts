import type { Client } from "../../src/client/types";

/** The page URL of the jsdom test environment (vitest's default). */
export const PAGE = "http://localhost:3000/";

/**
 * Gets `client` a token the way a page does: starts a login (`authorizationUrl`, which stores the
 * pending login), then hands the matching callback to `handleRedirect`.
 * @param fragment - extra response parameters, e.g. `&scope=profile`
 */
export const signIn = async (client: Client, accessToken = "2YotnFZFEjr1zMsicMWpAA", fragment = "&expires_in=3600") => {
  const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
  const result = await client.handleRedirect(`${PAGE}cb#access_token=${accessToken}&token_type=Bearer${fragment}&state=${encodeURIComponent(state)}`);
  if (!result) throw new Error("no authorization response");
  return result.token;
};
