import { readFileSync } from "node:fs";
import { apiInit } from "../../lib/fixtures.mjs";
import { sdk, signedInClient } from "../../lib/sdk.mjs";

export const setup = async () => {
  const client = await signedInClient();
  return {
    name: "implicitly",
    version: JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version,
    entry: "implicitly",
    parse: (url) => sdk.parseAuthorizationResponse(url),
    fetch: {
      url: (url) => client.fetch(url, apiInit()),
      request: (request) => client.fetch(request),
    },
  };
};
