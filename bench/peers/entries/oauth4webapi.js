// oauth4webapi does only the authorization code flow (implicit is refused): the app keeps the
// PKCE verifier and state itself, and the callback includes the code exchange.
import * as oauth from "oauth4webapi";

const as = {
  issuer: "https://id.example.com",
  authorization_endpoint: "https://id.example.com/oauth2/authorize",
  token_endpoint: "https://id.example.com/oauth2/token",
};
const client = { client_id: "my-spa" };
const redirectUri = "https://app.example.com/callback";

const login = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem("login", JSON.stringify({ verifier, state }));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", "profile api:read");
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  location.assign(url.href);
};

const handleCallback = async () => {
  const { verifier, state } = JSON.parse(sessionStorage.getItem("login"));
  sessionStorage.removeItem("login");
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response);
  history.replaceState(null, "", redirectUri);
  return result.access_token;
};

const main = async () => {
  if (!new URLSearchParams(location.search).has("state")) return login();
  const token = await handleCallback();
  const response = await oauth.protectedResourceRequest(token, "GET", new URL("https://api.example.com/v1/me"));
  document.body.textContent = JSON.stringify(await response.json());
};

main().catch((error) => (document.body.textContent = error.message));
