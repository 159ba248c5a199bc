// The demo's protected API (an OAuth 2.0 resource server). It checks each Bearer token with the
// authorization server's introspection endpoint (RFC 7662) on every request, so a revoked token
// stops working at once, and answers errors as RFC 6750 §3 says.
import express from "express";
import { createProofCheck, DPOP } from "./dpop-proof.mjs";
import { cors, listen, logRequests } from "./lib.mjs";
import { DEMO_USER } from "./auth-server.mjs";

/** The demo user's data, keyed by username. */
const PROFILES = { [DEMO_USER.username]: { username: DEMO_USER.username, name: DEMO_USER.name, email: DEMO_USER.email } };
const ORDERS = {
  [DEMO_USER.username]: [
    { id: "A-1001", item: "Rubber duck", quantity: 2, status: "shipped" },
    { id: "A-1002", item: "Mechanical pencil", quantity: 1, status: "processing" },
  ],
};

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
/**
 * @typedef {object} ApiServerOptions
 * @property {boolean} [dpop] - also accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP`, the proof checked here, the binding (`cnf.jkt`) by introspection; a bound token sent as Bearer is refused
 * @property {string} introspectionEndpoint - the authorization server's RFC 7662 endpoint
 * @property {{ id: string, secret: string }} credentials - this API's credentials there
 * @property {string | string[]} allowedOrigin - the SPA's origin (and any app registered with
 *   `--app-origin`): the only ones CORS lets in
 * @property {number} [port] - default 0 (a free port)
 * @property {string} [host] - a loopback address, default `127.0.0.1`
 * @property {string} [realm] - the `realm` of its challenges, default `implicitly-demo`
 * @property {(req: import("node:http").IncomingMessage) => void} [onRequest] - sees every request
 *   as it arrives (tests use it to check which headers reached this origin)
 * @property {ApiServerQuirks} [quirks] - behave like APIs people run, where they bend the spec
 * @property {(line: string) => void} [log] - request log; nothing is logged when undefined
 *
 * @typedef {object} ApiServerQuirks - each off by default
 * @property {boolean} [bareChallenges] - 401 and 403 without `WWW-Authenticate`, as Glewlwyd's
 *   userinfo (401) and Django OAuth Toolkit's protected views (403) answer
 * @property {boolean} [hiddenChallenges] - `WWW-Authenticate` sent but not exposed to the page by
 *   CORS (no `Access-Control-Expose-Headers`), as with many cross-origin APIs
 *
 * @typedef {object} ApiServer
 * @property {string} origin
 * @property {() => Promise<void>} close
 */

/**
 * Starts the demo API: `GET /api/profile` needs scope `profile`, `GET /api/orders` scope `orders`.
 *
 * A missing token gets `401` with `WWW-Authenticate: Bearer realm="…"`; an unknown, expired or
 * revoked one `401` with `error="invalid_token"`; a malformed `Authorization` header `400` with
 * `error="invalid_request"`; a token without the scope `403` with `error="insufficient_scope"` and
 * the `scope` needed (RFC 6750 §3, §3.1). CORS admits `allowedOrigin` only, lets it send
 * `Authorization` and read `WWW-Authenticate`. `quirks` change that.
 *
 * @param {ApiServerOptions} options
 * @returns {Promise<ApiServer>}
 * @throws {import("./lib.mjs").PortInUseError} when the port is taken
 */
export async function startApiServer(options) {
  const {
    dpop = false,
    introspectionEndpoint,
    credentials,
    allowedOrigin,
    port = 0,
    host = "127.0.0.1",
    realm = "implicitly-demo",
    quirks = {},
    onRequest,
    log,
  } = options;
  // Its own record of the proofs it took: each once.
  const checkProof = createProofCheck();
  const basic = "Basic " + Buffer.from(`${encodeURIComponent(credentials.id)}:${encodeURIComponent(credentials.secret)}`).toString("base64");

  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((req, _res, next) => (onRequest?.(req), next()));
  app.use(logRequests("api", log));
  app.use(
    cors([allowedOrigin].flat(), {
      methods: "GET",
      headers: dpop ? "Authorization, DPoP" : "Authorization",
      ...(quirks.hiddenChallenges ? {} : { expose: "WWW-Authenticate" }),
    }),
  );
  app.use((_req, res, next) => (res.set("Cache-Control", "no-store"), next()));

  app.get("/", (_req, res) => res.json({ endpoints: { "/api/profile": "scope profile", "/api/orders": "scope orders" } }));
  app.get("/api/profile", requireScope("profile"), (_req, res) => res.json(PROFILES[res.locals.username] ?? {}));
  app.get("/api/orders", requireScope("orders"), (_req, res) => res.json({ orders: ORDERS[res.locals.username] ?? [] }));
  // For the browser tests: a redirect out of /api/ on this origin, where a token sent to the /api/
  // path prefix must not follow (browsers keep Authorization on same-origin redirects).
  app.get("/api/moved", (_req, res) => res.redirect(302, "/outside"));
  app.use((_req, res) => res.status(404).json({ error: "not_found" }));
  app.use((err, _req, res, _next) => {
    if (log) log(`[api] error: ${err.message}`);
    res.status(500).json({ error: "server_error" });
  });

  const listening = await listen(app, { label: "API server", port, host });
  return { origin: listening.origin, close: listening.close };

  /**
   * Lets the request through when its Bearer token is active and carries `scope`.
   * @param {string} scope
   * @returns {import("express").RequestHandler}
   */
  function requireScope(scope) {
    return async (req, res, next) => {
      try {
        const header = req.headers.authorization;
        // With `dpop`: a DPoP-bound token, its proof checked here, its binding (`cnf.jkt`) by introspection.
        const bound = dpop && DPOP.exec(header ?? "");
        if (bound) {
          const jkt = checkProof(req.headers.dpop, req.method, `http://${req.headers.host}${req.path}`, bound[1]);
          if (!jkt) return dpopChallenge(res, "invalid_dpop_proof", "The DPoP proof is missing or invalid");
          const info = await introspect(bound[1]);
          if (!info) return res.status(503).json({ error: "temporarily_unavailable", message: "Cannot reach the authorization server" });
          if (info.active !== true || info.cnf?.jkt !== jkt)
            return dpopChallenge(res, "invalid_token", "The access token is unknown, expired, revoked or bound to another key");
          const granted = typeof info.scope === "string" ? info.scope.split(" ") : [];
          if (!granted.includes(scope))
            return res.status(403).set("WWW-Authenticate", `DPoP error="insufficient_scope", scope="${scope}"`).json({ error: "insufficient_scope", scope });
          res.locals.username = info.username ?? info.sub;
          return next();
        }
        if (header === undefined || !/^Bearer(\s|$)/i.test(header)) {
          // No credentials: a bare challenge, no error code (RFC 6750 §3.1).
          return challenge(res, 401, {}, { message: "Send an access token: Authorization: Bearer <token>" });
        }
        const match = BEARER.exec(header);
        if (!match) {
          return challenge(res, 400, { error: "invalid_request", error_description: "Malformed Bearer credentials" });
        }
        const info = await introspect(match[1]);
        if (!info) return res.status(503).json({ error: "temporarily_unavailable", message: "Cannot reach the authorization server" });
        // A DPoP-bound token used as a Bearer token (stolen, say) is refused.
        if (info.active !== true || info.cnf?.jkt) {
          return challenge(res, 401, { error: "invalid_token", error_description: "The access token is unknown, expired or revoked" });
        }
        const granted = typeof info.scope === "string" ? info.scope.split(" ") : [];
        if (!granted.includes(scope)) {
          return challenge(res, 403, { error: "insufficient_scope", error_description: `This needs the ${scope} scope`, scope });
        }
        // The demo server says `username`; the OpenID provider (`--provider oidc`) says `sub`.
        res.locals.username = info.username ?? info.sub;
        next();
      } catch (err) {
        next(err);
      }
    };
  }

  /** Sends a `401` with a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1). */
  function dpopChallenge(res, error, description) {
    res
      .status(401)
      .set("WWW-Authenticate", `DPoP algs="ES256", error="${error}", error_description="${description}"`)
      .json({ error, error_description: description });
  }

  /**
   * Sends a `WWW-Authenticate: Bearer` challenge with a JSON body that says the same.
   * @param {import("express").Response} res
   * @param {number} status
   * @param {Record<string, string>} params - auth-params after `realm`
   * @param {object} [body] - default: `params`
   */
  function challenge(res, status, params, body = params) {
    const attributes = [["realm", realm], ...Object.entries(params)].map(([k, v]) => `${k}="${v.replace(/["\\]/g, "\\$&")}"`);
    // Quirk: the status and the body only.
    if (!quirks.bareChallenges) res.set("WWW-Authenticate", "Bearer " + attributes.join(", "));
    res.status(status).json(body);
  }

  /**
   * Asks the authorization server about a token.
   * @param {string} token
   * @returns {Promise<{ active?: boolean, scope?: string, username?: string, sub?: string } | undefined>} undefined when it cannot be reached
   */
  async function introspect(token) {
    try {
      const response = await fetch(introspectionEndpoint, {
        method: "POST",
        headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ token, token_type_hint: "access_token" }),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) return undefined;
      return await response.json();
    } catch {
      return undefined;
    }
  }
}
