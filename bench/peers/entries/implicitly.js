// implicitly: configure, finish a login that came back, else start one; then call the API.
import { createClient } from "../../../dist/implicitly.mjs";

const auth = createClient({
  authorizationEndpoint: "https://id.example.com/oauth2/authorize",
  clientId: "my-spa",
  scope: ["profile", "api:read"],
  resourceOrigins: ["https://api.example.com"],
});

auth
  .handleRedirect()
  .then(async () => {
    if (!auth.getToken()) return auth.login({ appState: location.pathname });
    const response = await auth.fetch("https://api.example.com/v1/me");
    document.body.textContent = JSON.stringify(await response.json());
  })
  .catch((error) => (document.body.textContent = error.message));
