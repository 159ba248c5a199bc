// jso keeps its parser private; its Fetcher reads the token from localStorage on every call.
import { CLIENT_ID, REDIRECT_URI, SCOPE, STATE, apiInit, callbackUrl } from "../../lib/fixtures.mjs";
import { installedVersion, load } from "./index.mjs";

export const setup = async () => {
  const { JSO, Fetcher } = load("jso");
  const client = new JSO({
    providerID: "example",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    authorization: "https://id.example.com/oauth2/authorize",
    response_type: "token",
    scopes: { request: SCOPE },
  });
  // What jso stores when it starts a login, then the callback that completes it.
  client.store.saveState(STATE, { providerID: "example", scopes: SCOPE });
  client.callback(callbackUrl());
  const fetcher = new Fetcher(client);
  return {
    name: "jso",
    version: installedVersion("jso"),
    entry: "jso",
    fetch: {
      url: (url) => fetcher.fetch(url, apiInit()),
      request: (request) => fetcher.fetch(request),
    },
  };
};
