// The demo authorization server's code flow: oauth2orize's authorization code grant (RFC 6749
// §4.1) with PKCE (`oauth2orize-pkce`, RFC 7636; S256 only), a token endpoint for the public SPA
// (CORS for its origins, no client secret) and refresh tokens with rotation and reuse detection
// (RFC 9700 §4.14.2). Added to the server of demo/auth-server.mjs; everything stays in memory.
import crypto from "node:crypto";
import express from "express";
import oauth2orize from "oauth2orize";
import pkce from "oauth2orize-pkce";
import { cors } from "./lib.mjs";

const { AuthorizationError, TokenError } = oauth2orize;

/**
 * @typedef {object} CodeGrantOptions
 * @property {import("oauth2orize").OAuth2Server} server - the oauth2orize server
 * @property {import("express").Express} app - its express app, before the routes that follow
 * @property {Map<string, { id: string }>} clients - the registered clients
 * @property {Map<string, object>} tokens - the access tokens (shared with introspection and revocation)
 * @property {(username: string, clientId: string, scope: string[]) => void} consent - records an Allow
 * @property {string[]} clientOrigins - the origins allowed to call the token endpoint
 * @property {() => number} clock
 * @property {number} tokenLifetime - access tokens, seconds
 * @property {number} [codeLifetime] - authorization codes, seconds (default 60)
 * @property {number} [refreshLifetime] - refresh tokens, seconds (default 8 h)
 *
 * @typedef {object} CodeGrant
 * @property {string} tokenEndpoint - path `/token`
 * @property {() => number} revokeRefreshTokens - revokes every refresh token (tests: a refused refresh); returns how many
 * @property {() => { issued: number, refreshed: number, reused: number }} stats - what the token endpoint did
 */

/**
 * Adds the code grant: `response_type=code` at `/authorize` (the login, consent and `prompt=none`
 * of the implicit grant apply as they are), and `POST /token` for `grant_type=authorization_code`
 * and `grant_type=refresh_token`.
 *
 * - Codes are one-time, live `codeLifetime` seconds, are bound to the client, the redirect URI and
 *   the S256 `code_challenge`; `plain` PKCE and requests without a challenge are refused.
 * - Each refresh rotates the refresh token; reusing a spent one revokes its whole family (the user
 *   must sign in again), as servers that detect refresh-token reuse do. A refresh may narrow the
 *   scope, never widen it (`invalid_scope`).
 * - Refresh tokens are never accepted as access tokens (they are not in `tokens`), and
 *   `POST /revoke` with one revokes its family.
 *
 * @param {CodeGrantOptions} options
 * @returns {CodeGrant}
 */
export function addCodeGrant({ server, app, clients, tokens, consent, clientOrigins, clock, tokenLifetime, codeLifetime = 60, refreshLifetime = 8 * 3600 }) {
  /** @type {Map<string, { clientId: string, redirectUri: string, username: string, scope: string[], challenge: string, expiresAt: number }>} */
  const codes = new Map();
  /** @type {Map<string, { clientId: string, username: string, scope: string[], family: string, spent: boolean, revoked: boolean, expiresAt: number }>} */
  const refreshTokens = new Map();
  const stats = { issued: 0, refreshed: 0, reused: 0 };
  const random = () => crypto.randomBytes(32).toString("base64url");

  const accessToken = (clientId, username, scope) => {
    const now = clock();
    const token = random();
    tokens.set(token, { clientId, username, scope, issuedAt: now, expiresAt: now + tokenLifetime * 1000, revoked: false });
    return token;
  };
  const refreshToken = (clientId, username, scope, family = random()) => {
    const token = random();
    refreshTokens.set(token, { clientId, username, scope, family, spent: false, revoked: false, expiresAt: clock() + refreshLifetime * 1000 });
    return token;
  };
  const revokeFamily = (family) => {
    for (const record of refreshTokens.values()) if (record.family === family) record.revoked = true;
  };

  server.grant(pkce.extensions());
  server.grant(
    oauth2orize.grant.code((client, redirectUri, user, _ares, areq, done) => {
      // S256 only (RFC 7636 §7.2; RFC 9700 §2.1.1): a client that cannot hash gets no code here.
      if (areq.codeChallengeMethod !== "S256" || !/^[\w-]{43}$/.test(areq.codeChallenge ?? "")) {
        return done(new AuthorizationError("PKCE with code_challenge_method=S256 is required", "invalid_request"));
      }
      const code = random();
      codes.set(code, {
        clientId: client.id,
        redirectUri,
        username: user.username,
        scope: areq.scope,
        challenge: areq.codeChallenge,
        expiresAt: clock() + codeLifetime * 1000,
      });
      consent(user.username, client.id, areq.scope);
      done(null, code);
    }),
  );

  server.exchange(
    oauth2orize.exchange.authorizationCode((client, code, redirectUri, body, done) => {
      const record = codes.get(code);
      codes.delete(code); // one-time, whatever the outcome
      if (!record || record.expiresAt <= clock() || record.clientId !== client.id || record.redirectUri !== redirectUri) return done(null, false);
      const verifier = body.code_verifier;
      if (typeof verifier !== "string" || !/^[\w.~-]{43,128}$/.test(verifier))
        return done(new TokenError("code_verifier missing or malformed", "invalid_grant"));
      if (crypto.createHash("sha256").update(verifier).digest("base64url") !== record.challenge)
        return done(new TokenError("code_verifier does not match", "invalid_grant"));
      stats.issued += 1;
      done(null, accessToken(client.id, record.username, record.scope), refreshToken(client.id, record.username, record.scope), {
        expires_in: tokenLifetime,
        scope: record.scope.join(" "),
      });
    }),
  );

  server.exchange(
    oauth2orize.exchange.refreshToken((client, token, scope, done) => {
      const record = refreshTokens.get(token);
      if (!record || record.clientId !== client.id || record.revoked || record.expiresAt <= clock()) return done(null, false);
      if (record.spent) {
        // A spent refresh token again: stolen, or two refreshes at once. The whole family goes.
        stats.reused += 1;
        revokeFamily(record.family);
        return done(null, false);
      }
      if (scope && !scope.every((s) => record.scope.includes(s))) return done(new TokenError("A refresh cannot widen the scope", "invalid_scope"));
      record.spent = true;
      stats.refreshed += 1;
      const granted = scope ?? record.scope;
      done(null, accessToken(client.id, record.username, granted), refreshToken(client.id, record.username, record.scope, record.family), {
        expires_in: tokenLifetime,
        scope: granted.join(" "),
      });
    }),
  );

  const form = express.urlencoded({ extended: false, limit: "8kb" });
  /** A public client names itself (`client_id`); it has no secret to authenticate with. */
  const publicClient = (req, _res, next) => {
    const id = req.body?.client_id;
    req.user = typeof id === "string" ? clients.get(id) : undefined;
    next(req.user ? undefined : new TokenError("Unknown client_id", "invalid_client", undefined, 401));
  };
  app.use("/token", cors(clientOrigins, { methods: "POST", headers: "Content-Type" }));
  app.post("/token", form, publicClient, server.token(), server.errorHandler());

  // RFC 7009 for refresh tokens (the access tokens are the implicit grant's /revoke, which follows).
  app.post("/revoke", cors(clientOrigins, { methods: "POST", headers: "Content-Type" }), form, (req, res, next) => {
    const record = typeof req.body?.token === "string" ? refreshTokens.get(req.body.token) : undefined;
    if (!record) return next();
    if (record.clientId !== req.body.client_id) return res.status(401).json({ error: "invalid_client" });
    revokeFamily(record.family);
    res.set("Cache-Control", "no-store").status(200).end();
  });

  return {
    tokenEndpoint: "/token",
    revokeRefreshTokens() {
      let count = 0;
      for (const record of refreshTokens.values()) {
        if (record.revoked) continue;
        record.revoked = true;
        count += 1;
      }
      return count;
    },
    stats: () => ({ ...stats }),
  };
}
