// oauth4webapi: validateAuthResponse (each parameter once, iss, state, error) and
// protectedResourceRequest, which takes a URL object, never a Request.
import { ACCESS_TOKEN, CLIENT_ID, STATE, apiInit, noopFetch } from "../../lib/fixtures.mjs";
import { installedVersion } from "./index.mjs";

export const setup = async () => {
  const oauth = await import("oauth4webapi");
  const as = { issuer: "https://id.example.com", authorization_endpoint: "https://id.example.com/oauth2/authorize" };
  const client = { client_id: CLIENT_ID };
  const options = { [oauth.customFetch]: noopFetch };
  return {
    name: "oauth4webapi",
    version: installedVersion("oauth4webapi"),
    entry: "oauth4webapi",
    parse: (url) => oauth.validateAuthResponse(as, client, new URLSearchParams(new URL(url).hash.slice(1)), STATE),
    fetch: {
      url: (url) => {
        const { method, headers } = apiInit();
        return oauth.protectedResourceRequest(ACCESS_TOKEN, method, new URL(url), headers, null, options);
      },
    },
  };
};
