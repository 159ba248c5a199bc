// @badgateway/oauth2-client does the authorization code flow with PKCE; its OAuth2Fetch wrapper
// asks getNewToken() for a token when it has none: finish the login if this is the callback,
// else start one.
import { OAuth2Client, OAuth2Fetch, generateCodeVerifier } from "@badgateway/oauth2-client";

const client = new OAuth2Client({
  server: "https://id.example.com/",
  clientId: "my-spa",
  authorizationEndpoint: "/oauth2/authorize",
  tokenEndpoint: "/oauth2/token",
});
const redirectUri = "https://app.example.com/callback";

const login = async () => {
  const codeVerifier = await generateCodeVerifier();
  const state = crypto.randomUUID();
  sessionStorage.setItem("login", JSON.stringify({ codeVerifier, state }));
  const url = await client.authorizationCode.getAuthorizeUri({
    redirectUri,
    state,
    codeVerifier,
    scope: ["profile", "api:read"],
  });
  location.assign(url);
  return null;
};

const api = new OAuth2Fetch({
  client,
  getNewToken: async () => {
    const pending = sessionStorage.getItem("login");
    if (!pending || !new URLSearchParams(location.search).has("code")) return login();
    sessionStorage.removeItem("login");
    const { codeVerifier, state } = JSON.parse(pending);
    return client.authorizationCode.getTokenFromCodeRedirect(location.href, { redirectUri, state, codeVerifier });
  },
});

api
  .fetch("https://api.example.com/v1/me")
  .then((response) => response.json())
  .then((data) => (document.body.textContent = JSON.stringify(data)))
  .catch((error) => (document.body.textContent = error.message));
