// oidc-client-ts reads a callback as UrlUtils.readParams (private) + SigninResponse (exported);
// the state check and the code exchange that follow are asynchronous and not timed here.
import { installedVersion } from "./index.mjs";

export const setup = async () => {
  const { SigninResponse } = await import("oidc-client-ts");
  return {
    name: "oidc-client-ts",
    version: installedVersion("oidc-client-ts"),
    entry: "oidc-client-ts",
    // UrlUtils.readParams(url, "fragment"), then the response object.
    parse: (url) => new SigninResponse(new URLSearchParams(new URL(url, "http://127.0.0.1").hash.slice(1))),
  };
};
