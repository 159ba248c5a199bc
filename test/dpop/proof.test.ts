import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDpopKey, createProof } from "../../src/dpop/proof";

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

describe("createDpopKey", () => {
  it("makes an ES256 key whose private half cannot be exported", async () => {
    const key = await createDpopKey();
    expect(key.privateKey.extractable).toBe(false);
    expect(key.privateKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    await expect(crypto.subtle.exportKey("jwk", key.privateKey)).rejects.toThrow();
    expect(Object.keys(key.jwk).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(key.jwk).not.toHaveProperty("d");
  });

  it("gives the RFC 7638 thumbprint of the public JWK", async () => {
    const { jwk, thumbprint } = await createDpopKey();
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    expect(thumbprint).toBe(createHash("sha256").update(canonical).digest("base64url"));
  });

  it("makes a new key each time", async () => {
    const [a, b] = await Promise.all([createDpopKey(), createDpopKey()]);
    expect(a.thumbprint).not.toBe(b.thumbprint);
  });
});

describe("createProof", () => {
  it("signs a dpop+jwt with the public jwk, htm, htu without query and fragment, iat and a unique jti", async () => {
    const key = await createDpopKey();
    const before = Math.floor(Date.now() / 1000);
    const proof = await createProof(key, "post", "https://id.example.com:443/token?x=1#y");
    const [h, p, s] = proof.split(".");
    expect(decode(h!)).toEqual({ typ: "dpop+jwt", alg: "ES256", jwk: key.jwk });
    const claims = decode(p!);
    expect(claims).toMatchObject({ htm: "POST", htu: "https://id.example.com/token" });
    expect(Object.keys(claims).sort()).toEqual(["htm", "htu", "iat", "jti"]);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    // At least 96 bits of randomness (RFC 9449 §4.2): 43 base64url characters are 256.
    expect(claims.jti).toMatch(/^[\w-]{43}$/);
    const publicKey = await crypto.subtle.importKey("jwk", key.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const valid = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      publicKey,
      Buffer.from(s!, "base64url"),
      new TextEncoder().encode(h + "." + p),
    );
    expect(valid).toBe(true);
    const again = decode((await createProof(key, "POST", "https://id.example.com/token")).split(".")[1]!);
    expect(again.jti).not.toBe(claims.jti);
  });

  it("adds ath (SHA-256 of the access token) and nonce when given", async () => {
    const key = await createDpopKey();
    const token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    const proof = await createProof(key, "GET", "https://api.example.com/me", { accessToken: token, nonce: "eyJ7S_zG.eyJH0-Z.HX4w-7v" });
    const claims = decode(proof.split(".")[1]!);
    // RFC 9449 §7.1's example token and its ath.
    expect(claims.ath).toBe("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
    expect(claims.nonce).toBe("eyJ7S_zG.eyJH0-Z.HX4w-7v");
    expect(claims.htm).toBe("GET");
  });
});
