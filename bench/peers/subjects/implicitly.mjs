// implicitly: the callback's parse + validate path (as in bench/run.mjs) and client.fetch.
import { readFileSync } from "node:fs";
import { apiInit } from "../../lib/fixtures.mjs";
import { parseAndValidate } from "../../lib/internals.mjs";
import { signedInClient } from "../../lib/sdk.mjs";

export const setup = async () => {
  const client = await signedInClient();
  return {
    name: "implicitly",
    version: JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version,
    entry: "implicitly",
    // parseAuthorizationResponse, the state comparison and tokenFromResponse.
    parse: (url) => parseAndValidate(url),
    fetch: {
      url: (url) => client.fetch(url, apiInit()),
      request: (request) => client.fetch(request),
    },
    teardown: () => client.logout(),
  };
};
