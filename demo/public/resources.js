// The resources page (`npm run demo -- --provider oidc --flow code --resources`): one sign-in, a
// token per API (RFC 8707), each API on its own origin; a third API found from its 401 (RFC 9728)
// that asks for a stronger sign-in (RFC 9470). Every step is one SDK call, named in the log.
// With `--dpop` the tokens are DPoP-bound, and with `--persist` the session survives a reload.
import * as sdk from "/dist/implicitly.mjs";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Adds a line to the page's log. Never a token: the table shows a hash of each. */
function log(/** @type {string} */ text) {
  const item = document.createElement("li");
  item.textContent = text;
  $("log").append(item);
}

/** The first 8 hex digits of a token's SHA-256: tells two tokens apart without showing either. */
async function fingerprint(/** @type {string} */ token) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest.slice(0, 4), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const response = await fetch("/config.json");
const config = await response.json();
/** @type {{ apis: { name: string, url: string, scope: string }[], discovered: { name: string, url: string }, nameAtSignIn?: boolean }} */
const { apis: known, discovered, nameAtSignIn = false } = config.resources;

// One client, the code flow: the grant covers the scopes of the APIs the page knows.
const client = sdk.createOidcClient({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: config.redirectUris.resources,
  silentRedirectUri: config.redirectUris.silent,
  scope: ["openid", ...known.map((api) => api.scope)],
  flow: sdk.codeFlow,
  tokenEndpoint: config.tokenEndpoint,
  clockSkew: config.clockSkew,
  expiringNotice: config.expiringNotice,
  // With `--dpop`: every token (the client's and each API's) bound to one key of this page.
  ...(config.dpop && { dpop: sdk.dpop }),
});
// With `--persist`: the DPoP-bound refresh token and its key kept in IndexedDB, before anything
// else uses the client. The APIs' tokens come from that refresh token too.
if (config.persist) sdk.persistSession(client);
// One token per API: each API's URL is its resource indicator. Tokens the refresh token cannot
// give come from the hidden frame (`renew`), with that API's `resource`.
const apis = sdk.resources(client, {
  apis: known.map((api) => ({ url: api.url, resource: api.url, scope: [api.scope] })),
  renew: sdk.renew,
  // With `--dpop`: the client's own sign-ins name every API (also one added after discovery).
  nameAtSignIn,
  // The only authorization server a discovered API may send the user to is this app's: the
  // default, the client's `issuer` (`authorizationServers: [...]` would name others).
});

/** What the payments API asked for: its resource and `acr_values` (RFC 9470), once it did. */
let stepUp = /** @type {{ resource: string, acrValues: string } | undefined} */ (undefined);
apis.on("unauthorized", ({ resource, challenge }) => {
  log(`${resource} answered ${challenge?.error ?? "401"}${challenge?.acrValues ? ` (acr_values=${challenge.acrValues})` : ""}: that API's token is dropped`);
  if (challenge?.error === "insufficient_user_authentication" && challenge.acrValues) {
    stepUp = { resource, acrValues: challenge.acrValues };
    render();
  }
});

/** Shows what an API answered: which token (its hash), and the audience, scope and acr it checked. */
async function showAnswer(/** @type {string} */ name, /** @type {string} */ resource, /** @type {Record<string, string>} */ body) {
  const token = apis.getToken(resource);
  const cells = [name, token ? await fingerprint(token.accessToken) : "", body.aud, body.scope, body.acr ?? ""];
  let row = /** @type {HTMLTableRowElement | null} */ (document.querySelector(`#tokens tr[data-api="${name}"]`));
  if (!row) {
    row = document.createElement("tr");
    row.dataset.api = name;
    $("tokens").append(row);
  }
  row.replaceChildren(
    ...cells.map((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      return cell;
    }),
  );
}

/** Calls one API with `apis.fetch`: its own token, got first when none is held. */
async function call(/** @type {string} */ name, /** @type {string} */ url) {
  const answer = await apis.fetch(url);
  const body = await answer.json();
  log(`apis.fetch("${url}"): ${answer.status}${answer.ok ? `, aud ${body.aud}, scope ${body.scope}` : ""}`);
  if (answer.ok) await showAnswer(name, url, body);
  return answer;
}

/** The payments API: discovered from its 401 the first time, then called with its own token. */
async function callPayments() {
  const url = discovered.url;
  if (!apis.getToken(url) && !added) {
    // No API matches yet: sent without any token (client.fetch sends the client's own only inside
    // its resourceOrigins, and there are none).
    const refused = await apis.fetch(url);
    log(`apis.fetch("${url}") without a token: ${refused.status}, WWW-Authenticate names resource_metadata`);
    const found = await apis.discover(url, refused);
    log(
      `apis.discover(): resource ${found.resource}, authorization server ${found.authorizationServers.join(" ")} (the app's), scopes ${found.scopesSupported.join(" ")}`,
    );
    apis.add({ url: found.resource, resource: found.resource, scope: found.scopesSupported });
    added = found;
  }
  return call(discovered.name, url);
}
/** @type {import("../../dist/implicitly.mjs").ProtectedResource | undefined} */
let added;

/** Enables what can be done now. */
function render() {
  const signedIn = client.getToken() !== null;
  $("status").textContent = signedIn ? `Signed in. ${stepUp ? `The payments API asks for a stronger sign-in (${stepUp.acrValues}).` : ""}` : "Signed out.";
  /** @type {HTMLButtonElement} */ ($("sign-in")).disabled = signedIn;
  for (const id of ["sign-out", "call-profile", "call-orders", "call-payments"]) /** @type {HTMLButtonElement} */ ($(id)).disabled = !signedIn;
  /** @type {HTMLButtonElement} */ ($("step-up")).disabled = !signedIn || !stepUp;
}

/** Runs a button's action; an AuthError is shown with its code, never thrown away. */
function on(/** @type {string} */ id, /** @type {() => Promise<unknown>} */ action) {
  $(id).addEventListener("click", () =>
    action().then(render, (/** @type {any} */ error) => {
      log(`${id}: ${error.code ?? error.name}: ${error.message}`);
      render();
    }),
  );
}

// oidc-provider gives a token for a resource only when the sign-in named it. Here the sign-in
// names the first API, and its token is the client's own; each other API's is got apart (the
// frame). With `--dpop`, `nameAtSignIn` names every API (a repeated `resource`): each API's token
// then comes from the refresh token (no frame, which a browser blocking third-party cookies
// cannot use), and the client's own token is for userinfo.
const signInParams = nameAtSignIn ? {} : { resource: known[0].url };
on("sign-in", () => client.login({ extraParams: signInParams }));
on("sign-out", async () => {
  await client.logout();
  stepUp = undefined;
  $("tokens").replaceChildren();
  log("client.logout(): every API's token forgotten");
});
on("call-profile", () => call(known[0].name, known[0].url));
on("call-orders", () => call(known[1].name, known[1].url));
on("call-payments", callPayments);
// Step-up (RFC 9470): a new sign-in at the app's own authorization server, asking for the level
// the API named, naming that API; the ID token's acr is checked before anything is held.
on("step-up", async () => {
  const wanted = /** @type {NonNullable<typeof stepUp>} */ (stepUp);
  await sdk.loginWithPopup(client, {
    scope: ["openid", ...known.map((api) => api.scope), ...(added?.scopesSupported ?? [])],
    // (With `--dpop`, nameAtSignIn names every API, the discovered one too: the grant keeps them all.)
    extraParams: { acr_values: wanted.acrValues, prompt: "login", ...(nameAtSignIn ? {} : { resource: wanted.resource }) },
  });
  log(
    `loginWithPopup(client, { acr_values: "${wanted.acrValues}", prompt: "login"${nameAtSignIn ? "" : ", resource"} }): signed in again, ID token acr ${client.getUser()?.acr}`,
  );
  stepUp = undefined;
});

if (nameAtSignIn) {
  $("mode").append(` · DPoP-bound tokens (dpop)${config.persist ? " · persistSession" : ""}`);
  $("sign-in-hint").textContent =
    "The sign-in names every API (resources({ nameAtSignIn: true }): one resource parameter each). Each API's token then comes from the refresh token, " +
    "with its own resource, and no frame" +
    (config.persist ? "; after a reload, from the refresh token kept in IndexedDB (persistSession)." : ".");
}

// Every load: the answer of a sign-in; with --persist, else the stored session (restore()).
const returning = new URLSearchParams(location.search).has("state");
const load = config.persist ? "restore(client)" : "client.handleRedirect()";
try {
  const signedIn = await (config.persist ? sdk.restore(client) : client.handleRedirect());
  if (signedIn && returning) log(`${load}: signed in, the sign-in named ${nameAtSignIn ? "every API" : known[0].url}`);
  else if (signedIn) log(`${load}: signed in without a login page`);
} catch (/** @type {any} */ error) {
  log(`${load}: ${error.code}: ${error.message}`);
}
render();
document.body.dataset.ready = "";
