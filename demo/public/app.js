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
  page_in_frame:
    "The authorization server showed a page in the hidden frame instead of answering prompt=none: is this silent redirect URI registered, may the server be framed, does it support prompt=none? Sign in with the button meanwhile.",
  timeout: "The authorization server did not answer in time.",
  state_mismatch:
    "This response does not belong to a sign-in (or sign-out) started in this tab, or it was used already (a reload or the back button?). Sign in again.",
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
<div class="columns">
<section aria-labelledby="session-heading">
  <h2 id="session-heading">Session</h2>
  <p id="status" role="status" aria-live="polite">Loading…</p>
  <p class="hint">On every load: <code class="call">handleSignOut(client)</code>, then <code class="call">restore(client, { shareTokens: true })</code>.</p>
  <div id="error" class="error" role="alert" hidden>
    <p><strong><code id="error-code"></code></strong> <span id="error-description"></span></p>
    <p id="error-hint"></p>
    <p id="error-link" hidden><a id="error-uri" rel="noopener noreferrer" target="_blank">More about this error</a></p>
  </div>
  <div id="signed-out" hidden>
    <p>
      <input type="checkbox" id="ask-orders">
      <label for="ask-orders">Also ask for the <code>orders</code> scope</label>
    </p>
    <div class="actions">
      <span class="action"><button type="button" id="login">Sign in</button> <code class="call">client.login({ scope })</code></span>
      <span class="action"><button type="button" id="login-popup" class="secondary">Sign in with a popup</button> <code class="call">loginWithPopup(client, { scope })</code></span>
    </div>
  </div>
  <div id="signed-in" hidden>
    <dl>
      <dt id="user-label" hidden>Signed in as</dt>
      <dd id="user" hidden></dd>
      <dt>Scope</dt>
      <dd id="scope"></dd>
      <dt>Token expires</dt>
      <dd>in <span id="countdown" role="timer"></span> <span id="expires-at" class="muted"></span></dd>
    </dl>
    <p>
      <input type="checkbox" id="auto-renew">
      <label for="auto-renew">Renew the token silently before it expires</label> <code class="call">autoRenew(client)</code>
    </p>
    <p class="hint">The token lives in this page's memory only. After a reload, or in a new tab, the
    app gets a new one without a login page (a hidden frame with <code>prompt=none</code>) while you
    are signed in at the authorization server. <strong>Sign out</strong> revokes the token and ends
    that session too, in every tab, so a reload stays signed out.</p>
    <div class="actions">
      <span class="action"><button type="button" id="logout" class="secondary">Sign out</button> <code class="call">signOut(client)</code></span>
    </div>
  </div>
</section>
<section aria-labelledby="api-heading">
  <h2 id="api-heading">Call the API</h2>
  <p class="hint">The app signs in with the <code>profile</code> scope, so “Get orders” is refused
  with <code>insufficient_scope</code> until you allow the <code>orders</code> scope too.</p>
  <div class="actions">
    <span class="action"><button type="button" id="get-profile">Get profile</button> <code class="call">client.fetch(api + "/api/profile")</code></span>
    <span class="action"><button type="button" id="get-orders">Get orders</button> <code class="call">client.fetch(api + "/api/orders")</code></span>
    <span class="action"><button type="button" id="call-third-party" class="secondary">Call a third-party origin</button> <code class="call">client.fetch(thirdParty + "/echo")</code></span>
  </div>
  <p id="result" aria-live="polite"></p>
  <div id="step-up" class="notice" hidden>
    <p id="step-up-text"></p>
    <span class="action"><button type="button" id="allow-more">Allow access to orders</button> <code class="call">loginWithPopup(client, { scope: [...granted, ...needed] })</code></span>
  </div>
  <pre id="output" aria-label="Last response" tabindex="0" hidden></pre>
  <h3 id="log-heading">Requests the SDK sent</h3>
  <table id="log" aria-labelledby="log-heading">
    <thead><tr><th>Request</th><th>Status</th><th>Authorization sent</th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="log-empty" class="hint">None yet. (Sign-ins and sign-outs are page navigations, not requests of the SDK.)</p>
</section>
</div>`;

/** True for a URL that is fine to link to: `https:`, or `http:` on loopback. */
const safeLink = (/** @type {unknown} */ uri) => {
  try {
    const url = new URL(String(uri));
    return url.protocol === "https:" || (url.protocol === "http:" && /^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname));
  } catch {
    return false;
  }
};

/**
 * Runs a demo page: creates the client, completes a sign-in or sign-out on load, and wires the buttons.
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
  /** The outcome of the last API button, next to the buttons. @param {string} text */
  const result = (text) => {
    $("result").textContent = text;
  };
  const clearError = () => {
    $("error").hidden = true;
  };
  /** @param {unknown} error @param {string} [hint] - instead of the code's usual one */
  const showError = (error, hint) => {
    const e = /** @type {{ code?: string, description?: string, message?: string, uri?: string }} */ (error);
    const known = sdk.isAuthError(error);
    const code = known ? String(e.code) : "";
    const description = (known ? e.description : e.message) ?? "";
    $("error-code").textContent = (known ? code : "Error") + (description ? ":" : "");
    $("error-description").textContent = description;
    // Own properties only: a server code such as "toString" gets the generic text.
    const own = Object.hasOwn(HINTS, code) ? HINTS[/** @type {keyof typeof HINTS} */ (code)] : undefined;
    $("error-hint").textContent = hint ?? (known ? (own ?? (/^id_token_/.test(code) ? HINTS.id_token : "The sign-in did not complete.")) : "");
    // The server's error_uri, as a link only when it is a web page (never javascript: or relative).
    const link = known && safeLink(e.uri);
    $("error-link").hidden = !link;
    if (link) $("error-uri").setAttribute("href", String(e.uri));
    $("error").hidden = false;
  };
  const clearMessages = () => {
    clearError();
    result("");
    $("output").hidden = true;
    $("output").textContent = "";
    $("step-up").hidden = true;
  };

  /** The request log: the latest requests first, at most 8. */
  const logRow = (/** @type {import("/client.js").SentRequest} */ sent, /** @type {Promise<void>} */ done) => {
    const row = document.createElement("tr");
    // The scheme the request carried (never the token): Bearer, DPoP (with its proof), or none.
    const scheme = { Bearer: "Bearer", DPoP: "DPoP + proof", other: "another scheme", none: "none" }[sent.scheme];
    const cells = [`${sent.method} ${sent.url}`, "…", scheme].map((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
      return cell;
    });
    if (sent.authorization) cells[2].className = "sent";
    const body = /** @type {HTMLTableSectionElement} */ ($("log").querySelector("tbody"));
    body.prepend(row);
    while (body.rows.length > 8) body.deleteRow(-1);
    $("log-empty").hidden = true;
    done.then(() => void (cells[1].textContent = sent.status === undefined ? "failed" : String(sent.status)));
  };

  let client, config;
  try {
    ({ client, config } = await createDemoClient(sdk, page, { onRequest: logRow }));
  } catch (e) {
    announce("The demo could not load its configuration.");
    showError(e);
    return;
  }
  // For poking at in the browser's console, and for the browser tests.
  window.demoClient = client;
  // The page's own words are the default mode's (OAuth 2.0, implicit grant): the title, heading and
  // banner name the mode the demo really runs.
  const mode = describeMode(config);
  const h1 = /** @type {HTMLElement} */ (document.querySelector("h1"));
  const build = h1.textContent?.split(", ").at(-1) ?? "";
  h1.textContent = `${mode.name}, ${build}`;
  document.title = `implicitly demo · ${mode.name} · ${build}`;
  h1.insertAdjacentHTML("afterend", '<p id="mode" class="mode"></p>');
  $("mode").textContent = mode.banner;

  // Who is signed in: the verified ID token's claims (OpenID Connect), else the API's profile,
  // read once per sign-in.
  /** @type {string | undefined} */
  let profileName;
  /** @type {Promise<void> | undefined} */
  let profileLoad;
  const loadProfile = () =>
    (profileLoad ??= client.getUser
      ? Promise.resolve()
      : client
          .fetch(config.apiOrigin + "/api/profile")
          .then(async (response) => {
            if (response.ok) profileName = `${(await response.json()).name} (from the API's profile)`;
          })
          .catch(() => undefined) // not signed in after all: nothing to show
          .then(render));
  const forgetProfile = () => {
    profileName = profileLoad = undefined;
  };

  const render = () => {
    const token = client.getToken();
    $("signed-in").hidden = !token;
    $("signed-out").hidden = !!token;
    $("scope").textContent = token ? token.scope.join(" ") : "";
    const user = client.getUser?.();
    const name = user ? `${user.name ?? user.sub} (from the verified ID token)` : token ? profileName : "";
    $("user").textContent = name ?? "";
    $("user").hidden = $("user-label").hidden = !name;
    const end = token?.expiresAt;
    $("countdown").textContent = !token ? "" : end === undefined ? "never (the server sent no expires_in)" : formatSeconds((end - Date.now()) / 1000);
    $("expires-at").textContent = end === undefined ? "" : `(at ${new Date(end).toLocaleTimeString("en-GB")})`;
  };
  setInterval(render, 1000);

  const EXPIRING = "Your token is about to expire.";
  client.on("token", () => {
    clearError();
    // A renewal answered the warning.
    if ($("status").textContent === EXPIRING) announce("Your token was renewed.");
    render();
    loadProfile();
  });
  client.on("expiring", () => announce(EXPIRING));
  client.on("expired", () => {
    render();
    announce("Your token expired or the API no longer accepts it. Sign in again.");
  });
  client.on("logout", () => {
    // Nothing of the previous user stays on the page.
    forgetProfile();
    clearMessages();
    render();
    announce("Signed out.");
  });

  /** @type {(() => void) | undefined} */
  let stopRenewing;
  $("auto-renew").addEventListener("change", (event) => {
    stopRenewing?.();
    stopRenewing = /** @type {HTMLInputElement} */ (event.target).checked ? sdk.autoRenew(client) : undefined;
  });

  /** Disables the buttons that start a sign-in while one runs in a popup. @param {boolean} busy */
  const popupOpen = (busy) => {
    for (const id of ["login", "login-popup", "allow-more", "logout"]) /** @type {HTMLButtonElement} */ ($(id)).disabled = busy;
  };
  const chosenScope = () => (/** @type {HTMLInputElement} */ ($("ask-orders")).checked ? [...DEFAULT_SCOPE, "orders"] : DEFAULT_SCOPE);

  $("login").addEventListener("click", async () => {
    clearMessages();
    forgetProfile();
    announce("Going to the authorization server…");
    try {
      await client.login({ scope: chosenScope() });
    } catch (e) {
      announce("Could not start the sign-in.");
      showError(e);
    }
  });

  $("login-popup").addEventListener("click", async () => {
    clearMessages();
    forgetProfile();
    // No await before this call: the browser allows the popup only during the click.
    const popup = sdk.loginWithPopup(client, { scope: chosenScope() });
    announce("Signing in in a popup…");
    popupOpen(true);
    try {
      const { token } = await popup;
      announce(`Signed in with a popup. Granted scope: ${token.scope.join(" ")}.`);
    } catch (e) {
      announce("The sign-in did not complete.");
      showError(e);
    } finally {
      popupOpen(false);
    }
  });

  /** @param {{ tokenTypeHint: string, revoked: boolean, status?: number }[]} revocations */
  const revocationText = (revocations) =>
    revocations
      .map((r) => {
        const what = r.tokenTypeHint === "refresh_token" ? "The refresh token" : "The token";
        if (r.revoked) return `${what} was revoked.`;
        return `${what} was not revoked (${r.status === undefined ? "the server could not be reached" : `HTTP ${r.status}`}); it stops working when it expires.`;
      })
      .join(" ");

  $("logout").addEventListener("click", async () => {
    try {
      // Signed out here first (every tab), then the token is revoked and, when the server has an
      // end-session endpoint, the browser goes there to end the session; it comes back here.
      const { revocations, endingSession } = await sdk.signOut(client);
      announce(endingSession ? "Signed out here. Ending the session at the authorization server…" : `Signed out. ${revocationText(revocations)}`);
    } catch (e) {
      announce("Signed out here, but the session at the authorization server could not be ended.");
      showError(e);
    }
  });

  /** The last API call, repeated once more scope was allowed. @type {[url: string, what: string] | undefined} */
  let lastCall;
  /** The scope the last refusal asked for. @type {string[]} */
  let missing = [];

  /**
   * Calls `url` through client.fetch and shows the outcome next to the buttons.
   * @param {string} url
   * @param {string} what - for the result line
   */
  const call = async (url, what) => {
    clearMessages();
    lastCall = [url, what];
    const output = $("output");
    output.hidden = false;
    output.textContent = `GET ${url} …`;
    try {
      const response = await client.fetch(url);
      const body = await response.json().catch(() => null);
      output.textContent = `GET ${url}\n→ ${response.status}\n${JSON.stringify(body, null, 2)}`;
      if (response.ok) return result(`${what}: OK.`);
      const header = response.headers.get("WWW-Authenticate");
      // A DPoP-bound token (--dpop) is refused with a DPoP challenge, read the same way.
      const challenge = sdk.parseBearerChallenge(header) || sdk.parseBearerChallenge(header, "DPoP");
      output.textContent += challenge ? `\nWWW-Authenticate: ${header}` : "";
      if (challenge?.error === "insufficient_scope" && challenge.scope?.length) {
        missing = challenge.scope;
        const needed = missing.join(" ");
        result(`${what}: refused (insufficient_scope). The API needs the “${needed}” scope, which this token does not have.`);
        $("step-up-text").textContent =
          `Ask the authorization server for “${needed}” as well, in a popup. You stay signed in; the new token replaces this one only if you allow it.`;
        $("allow-more").textContent = `Allow access to ${needed}`;
        $("step-up").hidden = false;
      } else if (challenge?.error === "invalid_token") {
        result(`${what}: refused (invalid_token). The token expired or was revoked, so the app dropped it. Sign in again.`);
      } else {
        result(`${what}: HTTP ${response.status}${challenge?.error ? ` (${challenge.error})` : ""}.`);
      }
      if (challenge?.errorUri && safeLink(challenge.errorUri)) result(`${$("result").textContent} More: ${challenge.errorUri}`);
    } catch (e) {
      output.textContent = `GET ${url}\n→ not sent or failed`;
      result(`${what}: failed.`);
      showError(e);
    }
  };
  $("get-profile").addEventListener("click", () => call(config.apiOrigin + "/api/profile", "Profile"));
  $("get-orders").addEventListener("click", () => call(config.apiOrigin + "/api/orders", "Orders"));
  $("call-third-party").addEventListener("click", async () => {
    await call(config.thirdPartyOrigin + "/echo", "Third-party origin");
    const text = $("output").textContent ?? "";
    if (text.includes('"authorizationHeaderReceived": false')) result("The third-party origin received no token: it is not in resourceOrigins.");
    if (text.includes('"authorizationHeaderReceived": true')) result("Warning: the third-party origin received an Authorization header!");
  });

  // Step-up: the scope the token has, plus what the API asked for, in one popup.
  $("allow-more").addEventListener("click", async () => {
    const had = client.getToken();
    const scope = [...new Set([...(had?.scope ?? DEFAULT_SCOPE), ...missing])];
    // No await before this call (the popup needs the click).
    const popup = sdk.loginWithPopup(client, { scope });
    popupOpen(true);
    try {
      const { token } = await popup;
      $("step-up").hidden = true;
      announce(`Still signed in. Granted scope now: ${token.scope.join(" ")}.`);
      if (!missing.every((s) => token.scope.includes(s))) {
        result(`The server granted “${token.scope.join(" ")}” only, without “${missing.join(" ")}”.`);
      } else if (lastCall) {
        await call(...lastCall);
      }
    } catch (e) {
      const denied = sdk.isAuthError(e) && e.code === "access_denied";
      showError(e, denied ? "You chose Deny, so the app keeps the token it had, without the new scope." : undefined);
    } finally {
      popupOpen(false);
    }
  });

  // Every load: complete a sign-out if the authorization server sent the user back from one;
  // complete a sign-in if this URL is its answer; otherwise take a token from another open tab,
  // or get one silently (hidden frame, prompt=none) while the user is signed in there. It never
  // navigates. In a popup or frame that the SDK opened, it only hands the answer over.
  /** @type {{ revocations: { tokenTypeHint: string, revoked: boolean, status?: number }[] } | null} */
  let signedOut = null;
  try {
    signedOut = sdk.handleSignOut(client);
  } catch (e) {
    showError(e);
  }
  const returning = location.hash.includes("state=") || location.search.includes("state="); // the code flow answers in the query
  try {
    const token = await sdk.restore(client, { shareTokens: true });
    const how = returning ? "" : " without a login page";
    if (token) announce(`Signed in${how}. Granted scope: ${token.scope.join(" ")}.`);
    else if (signedOut) announce(`Signed out, here and at the authorization server. ${revocationText(signedOut.revocations)}`.trim());
    else announce("Signed out.");
  } catch (e) {
    announce("The sign-in did not complete.");
    showError(e);
  }
  // Who is signed in, before the page says it is ready.
  if (client.getToken()) await loadProfile();
  render();
  document.body.dataset.ready = "true";
}

/**
 * The mode the demo runs in, from the pages' `/config.json`: what the heading says, and a banner
 * in the words of the wire (which server, which `response_type`, which token scheme).
 * @param {Record<string, any>} config
 * @returns {{ name: string, banner: string }}
 */
function describeMode(config) {
  const code = config.flow === "code";
  const protocol = config.issuer ? "OpenID Connect" : "OAuth 2.0";
  const grant = code ? "authorization code flow with PKCE" : config.issuer ? "implicit flow" : "implicit grant";
  const name = `${protocol} ${grant}${config.dpop ? " and DPoP" : ""}`;
  const banner = [
    config.issuer ? "Server: oidc-provider (createOidcClient)" : "Server: the demo's oauth2orize server (createClient)",
    `response_type=${code ? "code, code_challenge_method=S256, refresh tokens" : config.issuer ? "id_token token" : "token"}`,
    code ? `flow: codeFlow${config.dpop ? ", dpop" : ""}` : "no flow option (the implicit grant)",
    `API calls: Authorization: ${config.dpop ? "DPoP + proof" : "Bearer"}`,
  ].join(" · ");
  return { name, banner };
}

/**
 * @param {number} seconds
 * @returns {string} `m:ss`
 */
function formatSeconds(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
