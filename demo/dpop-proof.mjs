// The DPoP proof check (RFC 9449 §4.3) of the demo's resource servers: the main API
// (demo/api-server.mjs) and the resources mode's APIs (demo/resource-api.mjs) share it.
import { createHash, createPublicKey, verify } from "node:crypto";

// RFC 9449 §7.1: the token68 syntax of the Bearer scheme (RFC 6750 §2.1), under the DPoP scheme.
export const DPOP = /^DPoP +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** How far a proof's `iat` may be from this server's clock, in seconds (RFC 9449 §11.1). */
export const PROOF_WINDOW = 60;

const b64 = (/** @type {Buffer} */ buffer) => Buffer.from(buffer).toString("base64url");
const sha256 = (/** @type {string} */ text) => b64(createHash("sha256").update(text).digest());

/**
 * Makes the proof check of one resource server: its own record of the `jti`s it saw within the
 * `iat` window, so that a proof is taken once (RFC 9449 §11.1), also when replayed with the
 * same request.
 *
 * The check: a compact JWS of three parts; `typ` `dpop+jwt`, `alg` `ES256`, a public EC P-256
 * `jwk` (no `d`); the signature made with that key; `htm` the request's method, `htu` its URL
 * (without query and fragment); `iat` within {@link PROOF_WINDOW} seconds; a `jti` not seen
 * before; and `ath` the SHA-256 of the access token (§4.3, §7).
 *
 * @returns {(proof: unknown, method: string, url: string, token: string) => string | undefined}
 *   takes the `DPoP` header, the request's method and URL and its access token, and returns the
 *   key's JWK thumbprint (RFC 7638), for the caller to match with the token's `cnf.jkt`; undefined
 *   when the proof fails
 */
export function createProofCheck() {
  /** @type {Map<string, number>} the `jti`s seen, each with when it leaves the window (ms) */
  const seen = new Map();
  return (proof, method, url, token) => {
    try {
      if (typeof proof !== "string") return undefined;
      const [h, p, sig, extra] = proof.split(".");
      if (extra !== undefined || !sig) return undefined;
      const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
      const { jwk } = header;
      if (header.typ !== "dpop+jwt" || header.alg !== "ES256" || jwk?.kty !== "EC" || jwk.crv !== "P-256" || "d" in jwk) return undefined;
      const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
      if (!verify("sha256", Buffer.from(h + "." + p), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(sig, "base64url"))) return undefined;
      const now = Date.now();
      if (claims.htm !== method || claims.htu !== url || typeof claims.jti !== "string" || !(Math.abs(now / 1000 - claims.iat) < PROOF_WINDOW))
        return undefined;
      if (claims.ath !== sha256(token)) return undefined;
      // Once: a proof seen before is a replay. Only jtis still inside the window are kept (an older
      // proof fails its iat anyway).
      for (const [jti, until] of seen) if (until < now) seen.delete(jti);
      if (seen.has(claims.jti)) return undefined;
      seen.set(claims.jti, claims.iat * 1000 + PROOF_WINDOW * 1000);
      return sha256(JSON.stringify({ crv: "P-256", kty: "EC", x: jwk.x, y: jwk.y }));
    } catch {
      return undefined;
    }
  };
}
