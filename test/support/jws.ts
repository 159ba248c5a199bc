// Test helpers: generate signing keys with WebCrypto and sign JWS compact serializations, so the
// tests exercise real signatures rather than fixtures.
import { webcrypto } from "node:crypto";

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** base64url of bytes or of a string's UTF-8. */
export const b64u = (data: Uint8Array | string): string => Buffer.from(typeof data == "string" ? new TextEncoder().encode(data) : data).toString("base64url");

/** Encodes a JSON value (or raw text) as a base64url JWS part. */
export const part = (value: unknown): string => b64u(typeof value == "string" ? value : JSON.stringify(value));

const ALGS: Record<string, { gen: RsaHashedKeyGenParams | EcKeyGenParams; sign: AlgorithmIdentifier | EcdsaParams | RsaPssParams }> = {
  RS256: {
    gen: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    sign: { name: "RSASSA-PKCS1-v1_5" },
  },
  PS384: {
    gen: { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-384" },
    sign: { name: "RSA-PSS", saltLength: 48 } as RsaPssParams,
  },
  ES256: { gen: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams },
  ES384: { gen: { name: "ECDSA", namedCurve: "P-384" }, sign: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams },
  EdDSA: { gen: { name: "Ed25519" } as unknown as EcKeyGenParams, sign: { name: "Ed25519" } },
};

/** A signing key pair and its public JWK (with `kid`, `alg` and `use`). */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JsonWebKey & { kid: string };
}

/** Generates a key pair for `alg` (RS256, PS384, ES256, ES384, EdDSA). */
export const generateKey = async (alg: string, kid = alg + "-key", modulusLength = 2048): Promise<TestKey> => {
  const a = ALGS[alg]!;
  const gen = "modulusLength" in a.gen ? { ...a.gen, modulusLength } : a.gen;
  const pair = (await subtle.generateKey(gen, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = { ...(await subtle.exportKey("jwk", pair.publicKey)), kid, alg, use: "sig" };
  delete jwk.key_ops;
  delete jwk.ext;
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
};

/** Signs `header.payload` with `key`; both are JSON values or raw JSON text. */
export const sign = async (key: TestKey, header: unknown, payload: unknown): Promise<string> => {
  const input = part(header) + "." + part(payload);
  const sig = await subtle.sign(ALGS[key.alg]!.sign, key.privateKey, new TextEncoder().encode(input));
  return input + "." + b64u(new Uint8Array(sig));
};

/** HS256 over `header.payload`, keyed with `secret`. */
export const signHs256 = async (secret: Uint8Array<ArrayBuffer> | string, header: unknown, payload: unknown): Promise<string> => {
  const raw = typeof secret == "string" ? new TextEncoder().encode(secret) : secret;
  const k = await subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const input = part(header) + "." + part(payload);
  return input + "." + b64u(new Uint8Array(await subtle.sign("HMAC", k, new TextEncoder().encode(input))));
};

/** `at_hash` of an access token for a SHA-2 size: left half of the hash, base64url. */
export const atHash = async (accessToken: string, bits = 256): Promise<string> => {
  const h = new Uint8Array(await subtle.digest("SHA-" + bits, new TextEncoder().encode(accessToken)));
  return b64u(h.subarray(0, h.length / 2));
};

/** A `fetch` stand-in answering JSON bodies from `serve()`, counting its calls. */
export const jsonFetch = (serve: (url: string) => unknown, status = 200) => {
  const calls: string[] = [];
  const fetchFn = async (input: RequestInfo | URL): Promise<Response> => {
    const url = String(input);
    calls.push(url);
    const body = serve(url);
    return new Response(typeof body == "string" ? body : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  return { fetchFn: fetchFn as typeof fetch, calls };
};
