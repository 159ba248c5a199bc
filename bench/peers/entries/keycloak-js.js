// keycloak-js, in its implicit flow: init() reads the callback, login-required starts a login;
// there is no fetch wrapper, so the app adds the header itself.
import Keycloak from "keycloak-js";

const keycloak = new Keycloak({ url: "https://id.example.com", realm: "example", clientId: "my-spa" });

keycloak
  .init({
    flow: "implicit",
    onLoad: "login-required",
    checkLoginIframe: false,
    redirectUri: "https://app.example.com/callback",
    scope: "profile api:read",
  })
  .then(async () => {
    const response = await fetch("https://api.example.com/v1/me", {
      headers: { Authorization: `Bearer ${keycloak.token}` },
    });
    document.body.textContent = JSON.stringify(await response.json());
  })
  .catch((error) => (document.body.textContent = String(error)));
