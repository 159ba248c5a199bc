// Entry of silent.html, the redirect URI of sign-ins that run in a hidden iframe (silent renewal
// with prompt=none): the same client as the pages, and nothing but handleRedirect().
import * as Implicitly from "/dist/implicitly.mjs";
import { createDemoClient } from "/client.js";

const { client } = await createDemoClient(Implicitly, "silent");
try {
  const result = await client.handleRedirect();
  // The outcome, never the token: "signed-in", "none" (no response in the URL) or the error code.
  document.body.dataset.outcome = result ? "signed-in" : "none";
} catch (error) {
  document.body.dataset.outcome = Implicitly.isAuthError(error) ? error.code : "error";
}
