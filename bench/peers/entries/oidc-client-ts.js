// oidc-client-ts 3 does only the authorization code flow with PKCE: the callback includes the
// code exchange. There is no fetch wrapper, so the app adds the header itself.
import { UserManager } from "oidc-client-ts";

const users = new UserManager({
  authority: "https://id.example.com",
  metadata: {
    issuer: "https://id.example.com",
    authorization_endpoint: "https://id.example.com/oauth2/authorize",
    token_endpoint: "https://id.example.com/oauth2/token",
  },
  client_id: "my-spa",
  redirect_uri: "https://app.example.com/callback",
  scope: "profile api:read",
  loadUserInfo: false,
  automaticSilentRenew: false,
});

const isCallback = new URLSearchParams(location.search).has("state");
(isCallback ? users.signinRedirectCallback() : users.getUser())
  .then(async (user) => {
    if (!user || user.expired) return users.signinRedirect();
    const response = await fetch("https://api.example.com/v1/me", {
      headers: { Authorization: `Bearer ${user.access_token}` },
    });
    document.body.textContent = JSON.stringify(await response.json());
  })
  .catch((error) => (document.body.textContent = error.message));
