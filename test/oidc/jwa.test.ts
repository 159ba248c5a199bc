import { describe, expect, it } from "vitest";
import { jwa } from "../../src/oidc/jwa";

describe("jwa", () => {
  it.each([
    ["RS256", { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", kty: "RSA" }],
    ["RS512", { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512", kty: "RSA" }],
    ["PS256", { name: "RSA-PSS", hash: "SHA-256", kty: "RSA", saltLength: 32 }],
    ["PS384", { name: "RSA-PSS", hash: "SHA-384", kty: "RSA", saltLength: 48 }],
    ["PS512", { name: "RSA-PSS", hash: "SHA-512", kty: "RSA", saltLength: 64 }],
    ["ES256", { name: "ECDSA", hash: "SHA-256", kty: "EC", namedCurve: "P-256" }],
    ["ES384", { name: "ECDSA", hash: "SHA-384", kty: "EC", namedCurve: "P-384" }],
    ["ES512", { name: "ECDSA", hash: "SHA-512", kty: "EC", namedCurve: "P-521" }],
    ["EdDSA", { name: "Ed25519", hash: "SHA-512", kty: "OKP", namedCurve: "Ed25519" }],
    ["Ed25519", { name: "Ed25519", hash: "SHA-512", kty: "OKP", namedCurve: "Ed25519" }],
  ])("maps %s to WebCrypto", (alg, params) => {
    expect(jwa(alg)).toMatchObject(params);
  });

  it.each([
    "none",
    "None",
    "HS256",
    "HS384",
    "HS512",
    "RS1",
    "rs256",
    "ES256K",
    "RS2566",
    " RS256",
    "RS256 ",
    "EdDSA448",
    "Ed448",
    "",
    "__proto__",
    "toString",
  ])("has nothing for %j", (alg) => expect(jwa(alg)).toBeUndefined());
});
