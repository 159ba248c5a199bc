// keycloak-js parses the callback in a private method and has no fetch wrapper: size only.
import { installedVersion } from "./index.mjs";

export const setup = async () => ({
  name: "keycloak-js",
  version: installedVersion("keycloak-js"),
  entry: "keycloak-js",
});
