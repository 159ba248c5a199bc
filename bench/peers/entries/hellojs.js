// hellojs: the core build without its bundled social-network modules; a custom provider instead.
// hello.js reads the callback from the URL by itself when it loads.
import hello from "hellojs/dist/hello.js";

hello.init(
  {
    example: {
      id: "my-spa",
      name: "Example",
      oauth: { version: 2, auth: "https://id.example.com/oauth2/authorize" },
      scope: { basic: "profile api:read" },
      base: "https://api.example.com/",
    },
  },
  { redirect_uri: "https://app.example.com/callback", display: "page", response_type: "token" },
);

const example = hello("example");
const session = example.getAuthResponse();
if (!session || !session.access_token) example.login({ scope: "basic" });
else
  example
    .api("v1/me")
    .then((data) => (document.body.textContent = JSON.stringify(data)))
    .catch((error) => (document.body.textContent = error.message));
