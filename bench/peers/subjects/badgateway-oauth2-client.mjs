// @badgateway/oauth2-client: authorizationCode.validateResponse reads a code-flow callback (it
// insists on `code`, so its URL carries the same 800 characters under that name); OAuth2Fetch
// calls the global fetch, which time.mjs has replaced with noopFetch.
import { ACCESS_TOKEN, CLIENT_ID, STATE, apiInit, callbackUrl } from "../../lib/fixtures.mjs";
import { installedVersion } from "./index.mjs";

export const setup = async () => {
  const { OAuth2Client, OAuth2Fetch } = await import("@badgateway/oauth2-client");
  const client = new OAuth2Client({
    server: "https://id.example.com/",
    clientId: CLIENT_ID,
    authorizationEndpoint: "/oauth2/authorize",
    tokenEndpoint: "/oauth2/token",
  });
  const token = { accessToken: ACCESS_TOKEN, expiresAt: null, refreshToken: null };
  // No refresh timer: the token never expires and the benchmark must stop by itself.
  const wrapper = new OAuth2Fetch({ client, getNewToken: async () => token, scheduleRefresh: false });
  await wrapper.getToken();
  const codeUrl = callbackUrl(STATE, "code");
  return {
    name: "@badgateway/oauth2-client",
    version: installedVersion("@badgateway/oauth2-client"),
    entry: "badgateway-oauth2-client",
    // Parses the same callback, sent the code-flow way.
    parse: () => client.authorizationCode.validateResponse(codeUrl, { state: STATE }),
    fetch: {
      url: (url) => wrapper.fetch(url, apiInit()),
      request: (request) => wrapper.fetch(request),
    },
  };
};
