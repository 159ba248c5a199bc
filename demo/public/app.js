// The demo app's page logic, shared by both demo pages. Each page loads the SDK its own way
// (script tag or ES module) and passes it to startDemo(). The client's settings are in client.js.
import { createDemoClient, DEFAULT_SCOPE } from "/client.js";

/** What to tell the user about each AuthError code, next to the code and description. */
const HINTS = {
  access_denied: "You chose Deny on the consent page, so the app got no token. Sign in again and choose Allow.",
  invalid_scope: "The authorization server does not know a scope the app asked for.",
  login_required: "There is no valid token (or no session at the authorization server): sign in first.",
  consent_required: "The authorization server needs your consent first: sign in interactively.",
  interaction_required: "The authorization server needs you on one of its pages first: sign in interactively.",
  popup_blocked: "The browser blocked the popup. Allow popups for this page, or use Sign in (a redirect).",
  popup_closed: "The popup was closed before the sign-in completed.",
  timeout: "The authorization server did not answer in time.",
  state_mismatch:
    "This response does not belong to a sign-in started in this tab, or it was used already (a reload or the back button?). Sign in again.",
  invalid_response: "The authorization server's response was malformed, so the app ignored it.",
  unsupported_token_type: "The server sent a token type other than Bearer; the SDK does not use such tokens.",
  storage_unavailable: "sessionStorage is not available here, so a sign-in cannot be started.",
  invalid_config: "The app's SDK options are wrong.",
  invalid_request: "The authorization server found the request malformed.",
  unauthorized_client: "The authorization server does not let this app use the implicit grant.",
  unsupported_response_type: "The authorization server does not support response_type=token.",
  server_error: "The authorization server failed. Try again.",
  temporarily_unavailable: "The authorization server is busy. Try again in a moment.",
  // OpenID Connect (createOidcClient): every id_token_* code, and the provider's metadata and keys.
  id_token: "The ID token failed verification (the code says which check), so the app refused the sign-in.",
  issuer_mismatch: "The response names another authorization server than the one the app asked (a mix-up?), so the app refused it.",
  discovery_failed: "The OpenID provider's metadata could not be read, or names another issuer.",
  jwks_failed: "The OpenID provider's signing keys could not be fetched, so the ID token could not be checked.",
};

const TEMPLATE = `
<section aria-labelledby="session-heading">
  <h2 id="session-heading">Session</h2>
  <p id="status" role="status" aria-live="polite">Loading…</p>
  <div id="error" class="error" role="alert" hidden>
    <p><strong><code id="error-code"></code></strong> <span id="error-description"></span></p>
    <p id="error-hint"></p>
  </div>
  <div id="signed-out" hidden>
    <p>
      <input type="checkbox" id="ask-orders">
      <label for="ask-orders">Also ask for the <code>orders</code> scope</label>
    </p>
    <div class="actions">
      <button type="button" id="login">Sign in</button>
      <button type="button" id="login-popup" class="secondary">Sign in with a popup</button>
    </div>
  </div>
  <div id="signed-in" hidden>
    <dl>
      <dt id="user-label" hidden>Signed in as</dt>
      <dd id="user" hidden></dd>
      <dt>Signed in with scope</dt>
      <dd id="scope"></dd>
      <dt>Token expires in</dt>
      <dd><span id="countdown" role="timer"></span></dd>
    </dl>
    <p>
      <input type="checkbox" id="auto-renew">
      <label for="auto-renew">Renew the token silently before it expires</label>
    </p>
    <p class="hint">The token lives in this page's memory only. After a reload, or in a new tab, the
    app gets a new one without a login page (a hidden frame with <code>prompt=none</code>) while you
    are signed in at the authorization server. Signing out here signs out every tab of this app.</p>
    <button type="button" id="logout" class="secondary">Sign out</button>
  </div>
</section>
<section aria-labelledby="api-heading">
  <h2 id="api-heading">Call the API</h2>
  <p>The app signs in with the <code>profile</code> scope only, so “Get orders” is refused with
  <code>insufficient_scope</code> unless you also ask for <code>orders</code>.</p>
  <div class="actions">
    <button type="button" id="get-profile">Get profile</button>
    <button type="button" id="get-orders">Get orders</button>
    <button type="button" id="call-third-party" class="secondary">Call a third-party origin</button>
  </div>
  <h3 id="output-heading">Last response</h3>
  <pre id="output" aria-labelledby="output-heading" tabindex="0">Nothing yet.</pre>
</section>`;

/**
 * Runs a demo page: creates the client, completes a sign-in on load, and wires the buttons.
 *
 * @param {typeof import("../../dist/implicitly.mjs")} sdk - the SDK's exports (`window.Implicitly` or the ES module)
 * @param {{ page: string }} options - the page's key in the server's `redirectUris`
 */
export async function startDemo(sdk, { page }) {
  const app = /** @type {HTMLElement} */ (document.getElementById("app"));
  app.insertAdjacentHTML("beforeend", TEMPLATE);
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** @param {string} text */
  const announce = (text) => {
    $("status").textContent = text;
  };
  const clearError = () => {
    $("error").hidden = true;
  };
  /** @param {unknown} error */
  const showError = (error) => {
    const e = /** @type {{ code?: string, description?: string, message?: string }} */ (error);
    const known = sdk.isAuthError(error);
    const description = (known ? e.description : e.message) ?? "";
    $("error-code").textContent = (known ? e.code : "Error") + (description ? ":" : "");
    $("error-description").textContent = description;
    $("error-hint").textContent = known ? HINTS[/** @type {keyof typeof HINTS} */ (e.code)] ?? (/id_token/.test(e.code ?? "") ? HINTS.id_token : "The sign-in did not complete.") : "";
    $("error").hidden = false;
  };

  let client, config;
  try {
    ({ client, config } = await createDemoClient(sdk, page));
  } catch (e) {
    announce("The demo could not load its configuration.");
    showError(e);
    return;
  }
  // For poking at in the browser's console, and for the browser tests.
  window.demoClient = client;

  const render = () => {
    const token = client.getToken();
    $("signed-in").hidden = !token;
    $("signed-out").hidden = !!token;
    $("scope").textContent = token ? token.scope.join(" ") : "";
    // OpenID Connect only: who signed in, from the claims of the verified ID token.
    const user = client.getUser?.();
    $("user").textContent = user ? `${user.name ?? user.sub} (from the verified ID token)` : "";
    $("user").hidden = $("user-label").hidden = !user;
    $("countdown").textContent = !token ? "" : token.expiresAt === undefined ? "never (the server sent no expires_in)" : formatSeconds((token.expiresAt - Date.now()) / 1000);
  };
  setInterval(render, 1000);

  client.on("token", () => {
    clearError();
    render();
  });
  client.on("expiring", () => announce("Your token is about to expire."));
  client.on("expired", () => {
    render();
    announce("Your token expired or the API no longer accepts it. Sign in again.");
  });
  client.on("logout", () => {
    render();
    announce("Signed out.");
  });

  /** @type {(() => void) | undefined} */
  let stopRenewing;
  $("auto-renew").addEventListener("change", (event) => {
    stopRenewing?.();
    stopRenewing = /** @type {HTMLInputElement} */ (event.target).checked ? sdk.autoRenew(client) : undefined;
  });

  $("login").addEventListener("click", async () => {
    clearError();
    const scope = /** @type {HTMLInputElement} */ ($("ask-orders")).checked ? [...DEFAULT_SCOPE, "orders"] : DEFAULT_SCOPE;
    announce("Going to the authorization server…");
    try {
      await client.login({ scope });
    } catch (e) {
      announce("Could not start the sign-in.");
      showError(e);
    }
  });

  $("login-popup").addEventListener("click", async () => {
    clearError();
    const scope = /** @type {HTMLInputElement} */ ($("ask-orders")).checked ? [...DEFAULT_SCOPE, "orders"] : DEFAULT_SCOPE;
    announce("Signing in in a popup…");
    try {
      // No await before this call: the browser allows the popup only during the click.
      const { token } = await sdk.loginWithPopup(client, { scope });
      announce(`Signed in with a popup. Granted scope: ${token.scope.join(" ")}.`);
    } catch (e) {
      announce("The sign-in did not complete.");
      showError(e);
    }
  });

  $("logout").addEventListener("click", async () => {
    clearError();
    const token = client.getToken();
    client.logout();
    if (!token) return announce("Signed out.");
    announce("Signed out. Revoking the token…");
    try {
      // RFC 7009: tell the server, so the token stops working for anyone who copied it.
      const response = await fetch(config.revocationEndpoint, {
        method: "POST",
        body: new URLSearchParams({ token: token.accessToken, token_type_hint: "access_token", client_id: config.clientId }),
      });
      announce(response.ok ? "Signed out. The token was revoked at the authorization server." : `Signed out. (Revocation failed: HTTP ${response.status}.)`);
    } catch {
      announce("Signed out. (The authorization server could not be reached to revoke the token.)");
    }
  });

  /**
   * Calls `url` through client.fetch and shows the outcome.
   * @param {string} url
   * @param {string} what - for the status line
   */
  const call = async (url, what) => {
    clearError();
    const output = $("output");
    output.textContent = `GET ${url} …`;
    try {
      const response = await client.fetch(url);
      const body = await response.json().catch(() => null);
      output.textContent = `GET ${url}\n→ ${response.status}\n${JSON.stringify(body, null, 2)}`;
      if (response.ok) return announce(`${what}: OK.`);
      const challenge = sdk.parseBearerChallenge(response.headers.get("WWW-Authenticate"));
      output.textContent += challenge ? `\nWWW-Authenticate: ${response.headers.get("WWW-Authenticate")}` : "";
      if (challenge?.error === "insufficient_scope") {
        const needed = challenge.scope?.join(" ") ?? "another";
        announce(`${what}: refused (insufficient_scope). The API needs the “${needed}” scope, which this token does not have. Sign out, tick “Also ask for the ${needed} scope” and sign in again.`);
      } else if (challenge?.error === "invalid_token") {
        announce(`${what}: refused (invalid_token). The token expired or was revoked, so the app dropped it. Sign in again.`);
      } else {
        announce(`${what}: HTTP ${response.status}${challenge?.error ? ` (${challenge.error})` : ""}.`);
      }
    } catch (e) {
      output.textContent = `GET ${url}\n→ not sent or failed`;
      announce(`${what}: failed.`);
      showError(e);
    }
  };
  $("get-profile").addEventListener("click", () => call(config.apiOrigin + "/api/profile", "Profile"));
  $("get-orders").addEventListener("click", () => call(config.apiOrigin + "/api/orders", "Orders"));
  $("call-third-party").addEventListener("click", async () => {
    await call(config.thirdPartyOrigin + "/echo", "Third-party origin");
    const text = $("output").textContent ?? "";
    if (text.includes('"authorizationHeaderReceived": false')) announce("The third-party origin received no token: it is not in resourceOrigins.");
    if (text.includes('"authorizationHeaderReceived": true')) announce("Warning: the third-party origin received an Authorization header!");
  });

  // Every load: complete a sign-in if this URL is the authorization server's answer; otherwise
  // take a token from another open tab, or get one silently (hidden frame, prompt=none) while the
  // user is signed in at the authorization server. It never navigates. In a popup or frame that
  // the SDK opened, it only hands the answer to the page that opened it.
  const returning = location.hash.includes("state=") || location.search.includes("state="); // the code flow answers in the query
  try {
    const token = await sdk.restore(client, { shareTokens: true });
    const how = returning ? "" : " without a login page";
    announce(token ? `Signed in${how}. Granted scope: ${token.scope.join(" ")}.` : "Signed out.");
  } catch (e) {
    announce("The sign-in did not complete.");
    showError(e);
  }
  render();
  document.body.dataset.ready = "true";
}

/**
 * @param {number} seconds
 * @returns {string} `m:ss`
 */
function formatSeconds(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
