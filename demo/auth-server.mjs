// The demo's OAuth 2.0 authorization server: oauth2orize's implicit grant (RFC 6749 §4.2) on
// express + express-session, with a login form, a consent page, token introspection (RFC 7662),
// token revocation (RFC 7009) and an end-session endpoint for the app's sign-out. Everything is held in memory; restart to forget it all.
import crypto from "node:crypto";
import { promisify } from "node:util";
import express from "express";
import session from "express-session";
import oauth2orize from "oauth2orize";
import fragmentMode from "oauth2orize/lib/response/fragment.js";
import queryMode from "oauth2orize/lib/response/query.js";
import { addCodeGrant } from "./code-grant.mjs";
import { cors, escapeHtml, listen, logRequests, PUBLIC_DIR } from "./lib.mjs";

const { AuthorizationError } = oauth2orize;
const scrypt = /** @type {(password: string, salt: Buffer, keylen: number) => Promise<Buffer>} */ (promisify(crypto.scrypt));

/** The scopes this server knows, with the words the consent page uses for them. */
export const SCOPES = Object.freeze({
  profile: "See your profile (name and e-mail address)",
  orders: "See your orders",
});

/** The demo user. The password is printed by `npm run demo` and shown on the login form. */
export const DEMO_USER = Object.freeze({
  username: "demo",
  password: "implicitly-demo",
  name: "Dana Demo",
  email: "dana.demo@example.com",
});

/** The demo SPA's client identifier. */
export const DEMO_CLIENT_ID = "implicitly-demo-spa";

/**
 * @typedef {object} Client
 * @property {string} id
 * @property {string} name - shown on the login and consent pages
 * @property {string[]} redirectUris - compared exactly, character for character
 * @property {string[]} scopes - the scopes the client may ask for
 * @property {string[]} defaultScope - used when a request names no scope
 *
 * @typedef {object} TokenRecord
 * @property {string} clientId
 * @property {string} username
 * @property {string[]} scope
 * @property {number} issuedAt - ms since epoch
 * @property {number} expiresAt - ms since epoch
 * @property {boolean} revoked
 *
 * @typedef {object} AuthServerOptions
 * @property {string[]} redirectUris - the demo SPA's redirect URIs (exact match); their origins
 *   may frame the redirects of `/authorize`
 * @property {{ id: string, secret: string }[]} [resourceServers] - who may call the introspection endpoint
 * @property {number} [port] - default 0 (a free port)
 * @property {string} [host] - a loopback address, default `127.0.0.1`
 * @property {number} [tokenLifetime] - access token lifetime in seconds, default 120
 * @property {string} [clientId] - default {@link DEMO_CLIENT_ID}
 * @property {{ freeAttempts?: number, delay?: number, maxDelay?: number }} [loginThrottle] - after
 *   `freeAttempts` (3) wrong passwords for a username, further tries are refused for `delay` (1) s,
 *   doubling with each failure up to `maxDelay` (60) s
 * @property {() => number} [clock] - the time in ms since epoch, default `Date.now` (tests move it)
 * @property {AuthServerQuirks} [quirks] - behave like servers people run, where they bend the spec
 * @property {(line: string) => void} [log] - request log; nothing is logged when undefined
 *
 * @typedef {object} AuthServerQuirks - each off by default
 * @property {boolean} [queryErrors] - errors go back in the query (`redirect_uri?error=…&state=…`),
 *   not the fragment, as Django OAuth Toolkit does; tokens still go in the fragment
 * @property {boolean} [interactivePromptNone] - `prompt=none` is ignored where it would need an
 *   answer without a page: the login or consent page is shown instead (both refuse framing), as
 *   Django OAuth Toolkit does; a signed-in user who allowed the scope still gets a token at once
 * @property {boolean} [openerPolicy] - every page sends `Cross-Origin-Opener-Policy: same-origin`,
 *   as Microsoft's and Amazon Cognito's sign-in pages do: a popup's link to the app is cut
 *
 * @typedef {object} AuthServer
 * @property {string} origin
 * @property {string} authorizationEndpoint
 * @property {string} introspectionEndpoint
 * @property {string} revocationEndpoint
 * @property {string} endSessionEndpoint - `/session/end` (GET or POST): ends the user's session here
 * @property {string} tokenEndpoint - the code flow's token endpoint (demo/code-grant.mjs)
 * @property {() => number} revokeRefreshTokens - revokes every refresh token; returns how many
 * @property {() => { issued: number, refreshed: number, reused: number }} codeStats - what the token endpoint did
 * @property {string} clientId
 * @property {number} tokenLifetime - seconds
 * @property {(token: string) => boolean} revoke - revokes a token; false when it was unknown
 * @property {() => Promise<void>} close
 */

/**
 * Starts the demo authorization server.
 *
 * Endpoints: `GET /authorize` (implicit grant, `response_type=token`; `prompt=none` for silent
 * renewal), `POST /login`, `GET /authorize/continue`, `POST /authorize/decision`, `POST /logout`,
 * `POST /introspect` (RFC 7662, HTTP Basic authentication of a resource server), `POST /revoke`
 * (RFC 7009, public client: `client_id` in the body) and `GET`/`POST /session/end` (the parameters
 * of OpenID Connect RP-Initiated Logout: ends the session, then back to the app with `state`).
 *
 * A page of a sign-in that is over (the browser's Back button after the app got its token) shows
 * a short page with a link back to the app instead of an error.
 *
 * Requests naming an unknown client or an unregistered redirect URI get an error page and are
 * never redirected (RFC 6749 §4.2.2.1); every other error goes back to the client in the fragment
 * (in the query with `quirks.queryErrors`).
 *
 * Framing: the redirects of `GET /authorize` may be framed by the origins of the redirect URIs
 * (the SPA), so `prompt=none` works in a hidden iframe; every HTML page (login, consent, errors)
 * refuses all framing.
 *
 * @param {AuthServerOptions} options
 * @returns {Promise<AuthServer>}
 * @throws {import("./lib.mjs").PortInUseError} when the port is taken
 */
export async function startAuthServer(options) {
  const {
    redirectUris,
    resourceServers = [],
    port = 0,
    host = "127.0.0.1",
    tokenLifetime = 120,
    clientId = DEMO_CLIENT_ID,
    clock = Date.now,
    quirks = {},
    log,
  } = options;
  const throttle = { freeAttempts: 3, delay: 1, maxDelay: 60, ...options.loginThrottle };
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) throw new Error("auth server: redirectUris required");
  if (!(tokenLifetime > 0)) throw new Error("auth server: tokenLifetime must be a positive number of seconds");

  /** @type {Map<string, Client>} */
  const clients = new Map([
    [clientId, { id: clientId, name: "implicitly demo SPA", redirectUris: [...redirectUris], scopes: Object.keys(SCOPES), defaultScope: ["profile"] }],
  ]);
  const clientOrigins = [...new Set(redirectUris.map((uri) => new URL(uri).origin))];
  /** @type {Map<string, typeof DEMO_USER & { hash: { salt: Buffer, key: Buffer } }>} */
  const users = new Map([[DEMO_USER.username, { ...DEMO_USER, hash: hashPassword(DEMO_USER.password) }]]);
  // Compared against when the username is unknown, so both cases take as long.
  const dummyHash = hashPassword(crypto.randomUUID());
  /** @type {Map<string, TokenRecord>} */
  const tokens = new Map();
  /** Scopes each user has allowed each client: `username \n clientId` → scopes. */
  const consents = new Map();
  /** Failed sign-ins per username: count and the time before which no new try is accepted. */
  const failures = new Map();

  const server = oauth2orize.createServer();
  server.serializeClient((client, done) => done(null, client.id));
  server.deserializeClient((id, done) => done(null, clients.get(id) ?? false));
  // Quirk: errors in the query, with oauth2orize's own query response mode; tokens in the fragment.
  const errorsInQuery = (txn, res, params) => (params.error ? queryMode : fragmentMode)(txn, res, params);
  server.grant(
    oauth2orize.grant.token(quirks.queryErrors ? { modes: { fragment: errorsInQuery } } : {}, (client, user, _ares, areq, done) => {
      const now = clock();
      pruneTokens(now);
      const accessToken = crypto.randomBytes(32).toString("base64url");
      tokens.set(accessToken, {
        clientId: client.id,
        username: user.username,
        scope: areq.scope,
        issuedAt: now,
        expiresAt: now + tokenLifetime * 1000,
        revoked: false,
      });
      const key = user.username + "\n" + client.id;
      consents.set(key, [...new Set([...(consents.get(key) ?? []), ...areq.scope])]);
      done(null, accessToken, { expires_in: tokenLifetime, scope: areq.scope.join(" ") });
    }),
  );
  // Extension parameters the token grant does not parse itself.
  server.grant("*", (req) => ({ prompt: typeof req.query.prompt === "string" ? req.query.prompt : undefined }));

  /**
   * Checks the client and its redirect URI first: without both, errors cannot be sent back and
   * get an error page instead. Then the scope, whose errors do go back to the client.
   */
  const validate = (areq, done) => {
    const client = clients.get(areq.clientID);
    if (!client) return done(new AuthorizationError("Unknown client_id", "unauthorized_client"));
    if (typeof areq.redirectURI !== "string" || !client.redirectUris.includes(areq.redirectURI)) {
      return done(new AuthorizationError("redirect_uri is missing or not registered for this client", "invalid_request"));
    }
    if (areq.state !== undefined && typeof areq.state !== "string") {
      delete areq.state;
      return done(new AuthorizationError("state must be given once", "invalid_request"), client, areq.redirectURI);
    }
    areq.scope ??= client.defaultScope;
    const unknown = areq.scope.filter((s) => !client.scopes.includes(s));
    if (unknown.length > 0) {
      return done(new AuthorizationError("Unknown scope: " + unknown.join(" "), "invalid_scope"), client, areq.redirectURI);
    }
    return done(null, client, areq.redirectURI);
  };

  /**
   * Decides whether a request can be answered without a page. Only `prompt=none` is: it issues
   * a token when the user is signed in and has allowed this scope before, and otherwise answers
   * `login_required` / `consent_required` (OpenID Connect Core §3.1.2.6) instead of showing UI.
   * Interactive requests always show the consent page, so "Deny" can always be tried.
   */
  const immediate = (client, user, scope, _type, areq, done) => {
    if (areq.prompt !== "none") return done(null, false);
    // Quirk: the page instead of the answer, where one is needed.
    const page = quirks.interactivePromptNone;
    if (!user) return done(page ? null : new AuthorizationError("The user is not signed in", "login_required"), false);
    const allowed = consents.get(user.username + "\n" + client.id) ?? [];
    if (!scope.every((s) => allowed.includes(s))) {
      return done(page ? null : new AuthorizationError("The user has not allowed this scope", "consent_required"), false);
    }
    return done(null, true, { scope });
  };

  const app = express();
  app.disable("x-powered-by");
  app.use(logRequests("auth", log));
  // Quirk: the pages cut a popup's link to the page that opened it (window.opener, popup.closed).
  if (quirks.openerPolicy) app.use((_req, res, next) => (res.set("Cross-Origin-Opener-Policy", "same-origin"), next()));
  const sessions = session({
    name: "implicitly_demo_auth",
    secret: crypto.randomBytes(32).toString("hex"),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax", secure: false, maxAge: 60 * 60 * 1000 },
  });
  /** @type {import("express").RequestHandler} */
  const loadUser = (req, _res, next) => {
    const username = req.session?.username;
    req.user = username === undefined ? undefined : users.get(username);
    next();
  };
  const form = express.urlencoded({ extended: false, limit: "8kb" });
  const txnOptions = { idLength: 24 };
  // The code flow with PKCE and refresh tokens (demo/code-grant.mjs): /authorize also takes
  // response_type=code, and POST /token exchanges codes and refresh tokens.
  const codeGrant = addCodeGrant({
    server,
    app,
    clients,
    tokens,
    consent: (username, id, scope) => consents.set(username + "\n" + id, [...new Set([...(consents.get(username + "\n" + id) ?? []), ...scope])]),
    clientOrigins,
    clock,
    tokenLifetime,
  });

  app.get("/style.css", (_req, res) => res.sendFile("style.css", { root: PUBLIC_DIR }));
  app.get("/favicon.svg", (_req, res) => res.sendFile("favicon.svg", { root: PUBLIC_DIR }));
  app.get("/", (_req, res) => sendPage(res, 200, "implicitly demo authorization server", homePage()));

  app.get("/authorize", sessions, loadUser, authorizeHeaders, finishedRequest, server.authorization(txnOptions, validate, immediate), nextStep);
  app.get(
    "/authorize/continue",
    sessions,
    loadUser,
    finishedTransaction,
    server.resume(txnOptions, (_txn, done) => done(null, false)),
    nextStep,
  );
  app.post("/authorize/decision", sessions, loadUser, form, requireUser, finishedTransaction, rememberAnswer, server.decision(txnOptions));

  app.post("/login", sessions, form, async (req, res, next) => {
    try {
      const { transaction_id: tid, username, password } = req.body ?? {};
      const txns = req.session.authorize;
      if (typeof tid !== "string" || !txns?.[tid]) {
        return sendError(res, 400, "invalid_request", "This sign-in has expired. Go back to the app and sign in again.");
      }
      const client = clients.get(txns[tid].client);
      if (typeof username !== "string" || typeof password !== "string") {
        return sendPage(res, 400, "Sign in", loginPage(tid, client, "Enter a username and a password."));
      }
      const key = username.toLowerCase();
      const wait = Math.ceil(((failures.get(key)?.until ?? 0) - clock()) / 1000);
      if (wait > 0) {
        res.set("Retry-After", String(wait));
        const message = `Too many failed sign-ins for this user. Wait ${wait} s and try again.`;
        return sendPage(res, 429, "Sign in", loginPage(tid, client, message, username));
      }
      const user = users.get(username);
      const ok = await verifyPassword(password, user?.hash ?? dummyHash);
      if (!user || !ok) {
        recordFailure(key);
        return sendPage(res, 401, "Sign in", loginPage(tid, client, "Wrong username or password.", username));
      }
      failures.delete(key);
      // A new session id after sign-in (no session fixation), keeping the pending requests.
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.authorize = txns;
        req.session.username = user.username;
        req.session.save((err) => (err ? next(err) : res.redirect(303, "/authorize/continue?transaction_id=" + encodeURIComponent(tid))));
      });
    } catch (err) {
      next(err);
    }
  });

  app.post("/logout", sessions, form, (req, res, next) => {
    const tid = req.body?.transaction_id;
    const txns = req.session.authorize;
    req.session.regenerate((err) => {
      if (err) return next(err);
      if (typeof tid === "string" && txns?.[tid]) {
        // Signed out in the middle of a request: sign in again, as someone else perhaps.
        req.session.authorize = txns;
        return req.session.save((err) => (err ? next(err) : res.redirect(303, "/authorize/continue?transaction_id=" + encodeURIComponent(tid))));
      }
      sendPage(res, 200, "Signed out", `<h1>Signed out</h1><p>You are signed out of the demo authorization server.</p>`);
    });
  });

  // The app's sign-out, with the parameters of RP-Initiated Logout (GET, or POST from a form): the
  // session ends, and the browser goes back to a registered redirect URI of the client with `state`.
  app.all("/session/end", sessions, form, (req, res, next) => {
    if (req.method !== "GET" && req.method !== "POST") return next();
    const { client_id: id, post_logout_redirect_uri: back, state } = { ...req.query, ...req.body };
    const client = typeof id === "string" ? clients.get(id) : undefined;
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie("implicitly_demo_auth");
      if (!client || typeof back !== "string" || !client.redirectUris.includes(back)) {
        return sendPage(res, 200, "Signed out", `<h1>Signed out</h1><p>You are signed out of the demo authorization server.</p>`);
      }
      const url = new URL(back);
      if (typeof state === "string") url.searchParams.set("state", state);
      res.redirect(303, url.href);
    });
  });

  // RFC 7662: only resource servers with credentials may ask about tokens.
  app.post("/introspect", form, (req, res) => {
    res.set("Cache-Control", "no-store");
    if (!authenticateResourceServer(req.headers.authorization)) {
      return res.status(401).set("WWW-Authenticate", 'Basic realm="introspection"').json({ error: "invalid_client" });
    }
    const token = req.body?.token;
    if (typeof token !== "string") return res.status(400).json({ error: "invalid_request" });
    const record = tokens.get(token);
    if (!record || record.revoked || record.expiresAt <= clock()) return res.json({ active: false });
    res.json({
      active: true,
      scope: record.scope.join(" "),
      client_id: record.clientId,
      username: record.username,
      sub: record.username,
      token_type: "Bearer",
      iat: Math.floor(record.issuedAt / 1000),
      exp: Math.floor(record.expiresAt / 1000),
    });
  });

  // RFC 7009 for a public client: it names itself and may revoke only its own tokens.
  app.use("/revoke", cors(clientOrigins, { methods: "POST", headers: "Content-Type" }));
  app.post("/revoke", form, (req, res) => {
    res.set("Cache-Control", "no-store");
    const { token, client_id: id } = req.body ?? {};
    if (typeof id !== "string" || !clients.has(id)) return res.status(401).json({ error: "invalid_client" });
    if (typeof token !== "string") return res.status(400).json({ error: "invalid_request" });
    const record = tokens.get(token);
    if (record && record.clientId === id) record.revoked = true;
    // Unknown tokens get 200 as well (RFC 7009 §2.2).
    res.status(200).end();
  });

  // Errors of an authorization request with a valid client and redirect URI go back in the
  // fragment (in the query with the queryErrors quirk).
  app.use(server.authorizationErrorHandler());
  // Anything else, including unknown clients and redirect URIs: an error page, never a redirect.
  app.use((err, _req, res, _next) => {
    const status = Number.isInteger(err.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status === 500 && log) log(`[auth] error: ${err.message}`);
    const code = typeof err.code === "string" ? err.code : "server_error";
    sendError(res, status, code, status === 500 ? "Something went wrong." : err.message);
  });
  app.use((_req, res) => sendError(res, 404, "not_found", "There is no page here."));

  const listening = await listen(app, { label: "authorization server", port, host });
  const { origin } = listening;
  return {
    origin,
    authorizationEndpoint: origin + "/authorize",
    introspectionEndpoint: origin + "/introspect",
    revocationEndpoint: origin + "/revoke",
    endSessionEndpoint: origin + "/session/end",
    tokenEndpoint: origin + codeGrant.tokenEndpoint,
    revokeRefreshTokens: codeGrant.revokeRefreshTokens,
    codeStats: codeGrant.stats,
    clientId,
    tokenLifetime,
    revoke(token) {
      const record = tokens.get(token);
      if (!record) return false;
      record.revoked = true;
      return true;
    },
    close: listening.close,
  };

  /** Shows the login form, or the consent page once the user is signed in. */
  function nextStep(req, res) {
    const { transactionID, client, req: areq } = req.oauth2;
    if (!req.user) return sendPage(res, 200, "Sign in", loginPage(transactionID, client));
    sendPage(res, 200, "Allow access?", consentPage(transactionID, client, req.user, areq.scope));
  }

  /**
   * Headers of every `/authorize` answer. Its redirects (a token, or an error such as
   * `login_required` for `prompt=none`) may load in a frame of the SPA's origin, and only there:
   * silent renewal runs `prompt=none` in a hidden iframe. Pages (login, consent, errors) replace
   * this with their own headers and stay unframeable (see {@link pageHeaders}).
   */
  function authorizeHeaders(_req, res, next) {
    res.set({
      "Content-Security-Policy": `default-src 'none'; frame-ancestors ${clientOrigins.join(" ")}; base-uri 'none'`,
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    });
    next();
  }

  /**
   * A page of a sign-in that is over: the transaction was answered already (Back from the app to
   * the consent page), or never existed here. Says so, with a way back to the app.
   */
  function finishedTransaction(req, res, next) {
    const tid = req.query.transaction_id ?? req.body?.transaction_id;
    if (typeof tid === "string" && req.session.authorize?.[tid]) return next();
    sendFinished(res);
  }

  /** The same for an authorization request this browser has had answered already (Back to the login page). */
  function finishedRequest(req, res, next) {
    const { state, prompt } = req.query;
    if (prompt !== "none" && typeof state === "string" && req.session.answered?.includes(state)) return sendFinished(res, req.query.redirect_uri);
    next();
  }

  /** Remembers the state of each request the user answered (at most 20 per session), for {@link finishedRequest}. */
  function rememberAnswer(req, _res, next) {
    const state = req.session.authorize[req.body.transaction_id]?.req?.state;
    if (typeof state === "string") req.session.answered = [...(req.session.answered ?? []).slice(-19), state];
    next();
  }

  /** @param {import("express").Response} res @param {unknown} [back] - the request's redirect URI, used when registered */
  function sendFinished(res, back) {
    const registered = clients.get(clientId)?.redirectUris ?? [];
    const app = registered.includes(/** @type {string} */ (back)) ? /** @type {string} */ (back) : registered[0];
    sendPage(
      res,
      200,
      "Sign-in finished",
      `<h1>This sign-in is finished</h1>
<p>You already answered this request, so there is nothing more to do on this page. (Did you press Back?)</p>
${app ? `<p><a class="button" href="${escapeHtml(app)}">Back to the app</a></p>` : ""}`,
    );
  }

  /** Lets only a signed-in user through (the decision endpoint). */
  function requireUser(req, res, next) {
    if (req.user) return next();
    sendError(res, 403, "access_denied", "Sign in first.");
  }

  function recordFailure(key) {
    const entry = failures.get(key) ?? { count: 0, until: 0 };
    entry.count += 1;
    const over = entry.count - throttle.freeAttempts;
    if (over >= 0) entry.until = clock() + Math.min(throttle.maxDelay, throttle.delay * 2 ** over) * 1000;
    failures.delete(key);
    failures.set(key, entry);
    // Bounded memory: forget the oldest entries (Map keeps insertion order).
    while (failures.size > 10_000) failures.delete(failures.keys().next().value);
  }

  function pruneTokens(now) {
    // Revoked and expired tokens are kept a while so introspection can answer for them, then dropped.
    for (const [token, record] of tokens) if (record.expiresAt + 3600_000 < now) tokens.delete(token);
  }

  function authenticateResourceServer(header) {
    const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? "");
    if (!match) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    let id, secret;
    try {
      // RFC 6749 §2.3.1: both parts are form-encoded before base64.
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
    } catch {
      return false;
    }
    const known = resourceServers.find((rs) => rs.id === id);
    return !!known && safeEqual(secret, known.secret);
  }

  /** Headers of every HTML page: a strict CSP, and no framing by anyone. */
  function pageHeaders(res) {
    res.set({
      "Content-Security-Policy": `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${clientOrigins.join(" ")}; frame-ancestors 'none'; base-uri 'none'`,
      "X-Frame-Options": "DENY",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    });
  }

  function sendPage(res, status, title, body) {
    pageHeaders(res);
    res.status(status).type("html").send(layout(title, body));
  }

  function sendError(res, status, code, description) {
    const body = `<h1>This request cannot go on</h1>
<p class="error" role="alert"><strong><code>${escapeHtml(code)}</code></strong>: ${escapeHtml(description)}</p>
<p>Requests from an unknown app, or that would send you to an address the app has not
registered, end here: the server does not redirect them.</p>`;
    sendPage(res, status, "Error", body);
  }
}

/** @param {string} title @param {string} body */
function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · demo authorization server</title>
<link rel="stylesheet" href="/style.css">
<link rel="icon" href="/favicon.svg">
</head>
<body class="auth-server">
<header><p class="brand">Demo authorization server</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function homePage() {
  return `<h1>Demo authorization server</h1>
<p>This server issues access tokens to the implicitly demo app with the OAuth 2.0 implicit grant.
Start from the app, not from here.</p>`;
}

/** @param {string} tid @param {Client | undefined} client @param {string} [error] @param {string} [username] - kept after a failed try */
function loginPage(tid, client, error, username = "") {
  return `<h1>Sign in</h1>
<p><strong>${escapeHtml(client?.name ?? "An app")}</strong> asks you to sign in.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/login" class="stack">
<input type="hidden" name="transaction_id" value="${escapeHtml(tid)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required${username ? ` value="${escapeHtml(username)}"` : " autofocus"}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? " autofocus" : ""}>
<button type="submit">Sign in</button>
</form>
<p class="hint">Demo user: <code>${escapeHtml(DEMO_USER.username)}</code>, password <code>${escapeHtml(DEMO_USER.password)}</code></p>`;
}

/** @param {string} tid @param {Client} client @param {{ name: string, username: string }} user @param {string[]} scope */
function consentPage(tid, client, user, scope) {
  const items = scope.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(SCOPES[/** @type {keyof typeof SCOPES} */ (s)] ?? s)}</li>`).join("\n");
  return `<h1>Allow access?</h1>
<p>Signed in as <strong>${escapeHtml(user.name)}</strong> (${escapeHtml(user.username)}).</p>
<p><strong>${escapeHtml(client.name)}</strong> wants to:</p>
<ul>
${items}
</ul>
<form method="post" action="/authorize/decision" class="actions">
<input type="hidden" name="transaction_id" value="${escapeHtml(tid)}">
<button type="submit" name="allow" value="1">Allow</button>
<button type="submit" name="cancel" value="1" class="secondary">Deny</button>
</form>
<form method="post" action="/logout">
<input type="hidden" name="transaction_id" value="${escapeHtml(tid)}">
<button type="submit" class="link">Not you? Sign out</button>
</form>`;
}

/** @param {string} password @returns {{ salt: Buffer, key: Buffer }} */
function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  return { salt, key: crypto.scryptSync(password, salt, 32) };
}

/** @param {string} password @param {{ salt: Buffer, key: Buffer }} hash */
async function verifyPassword(password, hash) {
  const key = await scrypt(password, hash.salt, 32);
  return crypto.timingSafeEqual(key, hash.key);
}

/** Compares two strings in time that does not depend on where they differ. */
function safeEqual(a, b) {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
