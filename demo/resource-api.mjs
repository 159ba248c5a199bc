// An API of the demo's resources mode (issue 25): a resource server on its own origin that takes
// only JWT access tokens (RFC 9068) for its own audience (RFC 8707), checked with the OpenID
// provider's published keys. With `metadata`, it advertises its protected-resource metadata
// (RFC 9728) in its 401 challenges; with `acrValues`, it asks a token whose sign-in was not of
// those levels for a stronger one (RFC 9470 `insufficient_user_authentication`). With `dpop`, it
// takes DPoP-bound tokens only (RFC 9449): the proof checked as the demo's main API checks it.
import { createPublicKey, verify } from "node:crypto";
import express from "express";
import { createProofCheck, DPOP } from "./dpop-proof.mjs";
import { cors, listen, logRequests } from "./lib.mjs";

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The RFC 9728 §3.1 well-known path of a resource whose identifier has no path. */
export const METADATA_PATH = "/.well-known/oauth-protected-resource";

/**
 * @typedef {object} ResourceApiOptions
 * @property {string} name - shown in its answers and log lines (e.g. `profile`)
 * @property {string} issuer - the authorization server whose tokens it takes (`iss`)
 * @property {string} jwksUri - where that server publishes its signing keys
 * @property {string} scope - the scope its one endpoint, `GET /`, needs
 * @property {string | string[]} allowedOrigin - the SPA's origin(s): the only ones CORS lets in
 * @property {boolean} [metadata] - serve RFC 9728 metadata and name it (`resource_metadata`) in
 *   every `401` challenge
 * @property {string} [acrValues] - space-separated: a token whose `acr` is none of them gets
 *   `401 insufficient_user_authentication` with these `acr_values` (RFC 9470)
 * @property {boolean} [dpop] - take DPoP-bound tokens only (RFC 9449): `Authorization: DPoP`,
 *   a valid proof for this request and token (`jti` once), whose key's thumbprint is the token's
 *   `cnf.jkt`; its challenges are `WWW-Authenticate: DPoP` (RFC 9449 §7.1)
 * @property {number} [port] - default 0 (a free port)
 * @property {string} [host] - a loopback address, default `127.0.0.1`
 * @property {(req: import("node:http").IncomingMessage) => void} [onRequest] - sees every request
 * @property {(line: string) => void} [log] - request log; never tokens
 *
 * @typedef {object} ResourceApi
 * @property {string} origin - also its resource indicator (its `aud`)
 * @property {() => Promise<void>} close
 */

/**
 * Starts one API: `GET /` answers who called with which token (its audience, scope and
 * `acr`), and only for a token of this API's audience. A missing token gets `401` with a bare
 * `Bearer` challenge (plus `resource_metadata` with `metadata`), a token that is not a valid JWT
 * of the issuer for this audience `401 invalid_token`, one without the scope `403
 * insufficient_scope`. With `dpop` the same, under the DPoP scheme: a token that is not sent as
 * `DPoP`, has no `cnf.jkt`, or comes with a proof that fails or is of another key gets `401`
 * (`invalid_dpop_proof` for the proof, `invalid_token` for the token).
 *
 * @param {ResourceApiOptions} options
 * @returns {Promise<ResourceApi>}
 */
export async function startResourceApi(options) {
  const { name, issuer, jwksUri, scope, allowedOrigin, metadata = false, acrValues, dpop = false, port = 0, host = "127.0.0.1", onRequest, log } = options;
  // The scheme of its credentials and challenges; with DPoP, its own record of the proofs it took.
  const scheme = dpop ? "DPoP" : "Bearer";
  const checkProof = createProofCheck();
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((req, _res, next) => (onRequest?.(req), next()));
  app.use(logRequests(`api ${name}`, log));
  app.use(cors([allowedOrigin].flat(), { methods: "GET", headers: dpop ? "Authorization, DPoP" : "Authorization", expose: "WWW-Authenticate" }));
  app.use((_req, res, next) => (res.set("Cache-Control", "no-store"), next()));

  // The origin holds the port, known only once listening.
  let origin = "";
  if (metadata) {
    app.get(METADATA_PATH, (_req, res) =>
      res.json({
        resource: origin + "/",
        authorization_servers: [issuer],
        scopes_supported: [scope],
        bearer_methods_supported: ["header"],
        resource_name: `The ${name} API`,
        // RFC 9728 §2: it takes DPoP-bound tokens only, with ES256 proofs.
        ...(dpop && { dpop_signing_alg_values_supported: ["ES256"], dpop_bound_access_tokens_required: true }),
      }),
    );
  }
  app.get("/", async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      if (!header) return challenge(res, 401, {});
      // With DPoP, a token sent as Bearer is refused as a token this API does not take (RFC 9449 §7.2).
      if (dpop && /^Bearer(\s|$)/i.test(header))
        return challenge(res, 401, { error: "invalid_token", error_description: "This API takes DPoP-bound tokens only" });
      const match = (dpop ? DPOP : BEARER).exec(header);
      if (!match) return challenge(res, 400, { error: "invalid_request", error_description: `Malformed ${scheme} credentials` });
      // The proof before the token: a request whose proof fails tells nothing about its token.
      const jkt = dpop ? checkProof(req.headers.dpop, req.method, `http://${req.headers.host}${req.path}`, match[1]) : undefined;
      if (dpop && !jkt) return challenge(res, 401, { error: "invalid_dpop_proof", error_description: "The DPoP proof is missing or invalid" });
      const claims = await checkToken(match[1]);
      if (!claims) return challenge(res, 401, { error: "invalid_token", error_description: `Not a valid token for ${origin}` });
      // The binding (RFC 9449 §6.1): the token names the key that signed the proof.
      if (dpop && claims.cnf?.jkt !== jkt)
        return challenge(res, 401, { error: "invalid_token", error_description: "The token is not bound to the proof's key" });
      const granted = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
      if (!granted.includes(scope)) return challenge(res, 403, { error: "insufficient_scope", error_description: `This needs the ${scope} scope`, scope });
      if (acrValues && !acrValues.split(" ").includes(claims.acr)) {
        return challenge(res, 401, { error: "insufficient_user_authentication", error_description: "A stronger sign-in is required", acr_values: acrValues });
      }
      res.json({ api: name, sub: claims.sub, aud: claims.aud, scope: claims.scope, ...(claims.acr === undefined ? {} : { acr: claims.acr }) });
    } catch (err) {
      next(err);
    }
  });
  app.use((_req, res) => res.status(404).json({ error: "not_found" }));
  app.use((err, _req, res, _next) => {
    if (log) log(`[api ${name}] error: ${err.message}`);
    res.status(500).json({ error: "server_error" });
  });

  const listening = await listen(app, { label: `API ${name}`, port, host });
  origin = listening.origin;
  return { origin, close: listening.close };

  /**
   * Sends a `WWW-Authenticate` challenge of its scheme (with DPoP, `algs` first), naming the
   * metadata with `metadata`, and a JSON body that says the same.
   * @param {import("express").Response} res
   * @param {number} status
   * @param {Record<string, string>} params
   */
  function challenge(res, status, params) {
    const all = {
      realm: `implicitly-demo-${name}`,
      ...(dpop && { algs: "ES256" }),
      ...params,
      ...(metadata && status === 401 ? { resource_metadata: origin + METADATA_PATH } : {}),
    };
    res.set(
      "WWW-Authenticate",
      scheme +
        " " +
        Object.entries(all)
          .map(([k, v]) => `${k}="${v.replace(/["\\]/g, "\\$&")}"`)
          .join(", "),
    );
    res.status(status).json(params);
  }

  /**
   * Checks a JWT access token: signed (RS256 or ES256) by a key of the issuer's JWKS, of type
   * `at+jwt`, for this API's audience, from the issuer, and not expired.
   * @param {string} token
   * @returns {Promise<Record<string, any> | undefined>} its claims, or undefined when it fails
   */
  async function checkToken(token) {
    try {
      const [h, p, sig, extra] = token.split(".");
      if (extra !== undefined || !sig) return undefined;
      const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
      if (!/^(application\/)?at\+jwt$/i.test(header.typ ?? "")) return undefined;
      // Fetched on every request: a demo, where the keys are new on every start.
      const jwks = await (await fetch(jwksUri, { signal: AbortSignal.timeout(5000) })).json();
      const jwk = jwks.keys?.find((/** @type {{ kid?: string }} */ k) => k.kid === header.kid);
      if (!jwk) return undefined;
      const key = createPublicKey({ key: jwk, format: "jwk" });
      const data = Buffer.from(h + "." + p);
      const signature = Buffer.from(sig, "base64url");
      const ok =
        header.alg === "RS256"
          ? verify("sha256", data, key, signature)
          : header.alg === "ES256"
            ? verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature)
            : false;
      if (!ok || claims.iss !== issuer || !(claims.exp > Date.now() / 1000)) return undefined;
      // The resource indicator is this origin, with or without its `/` path (as a parsed URL has it).
      const audiences = [claims.aud].flat();
      return audiences.includes(origin) || audiences.includes(origin + "/") ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
