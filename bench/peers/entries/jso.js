// jso: the package's `module` entry imports core-js, which jso does not depend on, so an app
// bundles its published `main`, dist/jso.js.
import { JSO, Fetcher } from "jso/dist/jso.js";

const client = new JSO({
  providerID: "example",
  client_id: "my-spa",
  redirect_uri: "https://app.example.com/callback",
  authorization: "https://id.example.com/oauth2/authorize",
  response_type: "token",
  scopes: { request: ["profile", "api:read"] },
});

// Reads a token response from the URL, if there is one.
client.callback();

// Redirects to log in when no token is stored, else sends the request with the token.
new Fetcher(client)
  .fetch("https://api.example.com/v1/me", {})
  .then((response) => response.json())
  .then((data) => (document.body.textContent = JSON.stringify(data)))
  .catch((error) => (document.body.textContent = error.message));
