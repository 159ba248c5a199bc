import { beforeAll, describe, expect, it, vi } from "vitest";
import { createKeySet } from "../../src/oidc/jwks";
import { generateKey, jsonFetch, type TestKey } from "../support/jws";

const JWKS = "https://id.example.com/jwks";
let rsa: TestKey, ec: TestKey, rsa2: TestKey, ec384: TestKey, weak: TestKey;

beforeAll(async () => {
  [rsa, ec, rsa2, ec384, weak] = await Promise.all([
    generateKey("RS256", "rsa-1"),
    generateKey("ES256", "ec-1"),
    generateKey("RS256", "rsa-2"),
    generateKey("ES384", "ec384-1"),
    generateKey("RS256", "weak", 1024),
  ]);
});

const clock = (start = 1_700_000_000_000) => {
  let t = start;
  vi.spyOn(Date, "now").mockImplementation(() => t);
  return (seconds: number) => (t += seconds * 1000);
};

describe("createKeySet", () => {
  it("fetches the set once, on first use, and picks the key by kid", async () => {
    const { fetchFn, calls } = jsonFetch(() => ({ keys: [rsa.jwk, ec.jwk, rsa2.jwk] }));
    const keys = createKeySet(JWKS, fetchFn);
    expect(calls).toEqual([]);
    const k1 = await keys({ alg: "RS256", kid: "rsa-2" });
    expect(calls).toEqual([JWKS]);
    expect(k1.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
    expect(k1.usages).toEqual(["verify"]);
    const k2 = await keys({ alg: "ES256", kid: "ec-1" });
    expect(k2.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    await keys({ alg: "RS256", kid: "rsa-1" });
    expect(calls).toHaveLength(1);
  });

  it("returns the very key: it verifies what the matching private key signed", async () => {
    const keys = createKeySet(JWKS, jsonFetch(() => ({ keys: [rsa.jwk, rsa2.jwk] })).fetchFn);
    const data = new TextEncoder().encode("hello");
    const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", rsa2.privateKey, data);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", await keys({ alg: "RS256", kid: "rsa-2" }), sig, data)).toBe(true);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", await keys({ alg: "RS256", kid: "rsa-1" }), sig, data)).toBe(false);
  });

  it("shares one fetch between concurrent callers", async () => {
    const { fetchFn, calls } = jsonFetch(() => ({ keys: [rsa.jwk, ec.jwk] }));
    const keys = createKeySet(JWKS, fetchFn);
    await Promise.all([1, 2, 3, 4, 5].map(() => keys({ alg: "RS256", kid: "rsa-1" })));
    expect(calls).toHaveLength(1);
  });

  it("uses globalThis.fetch at call time when no fetch is given", async () => {
    const { fetchFn, calls } = jsonFetch(() => ({ keys: [ec.jwk] }));
    const keys = createKeySet(JWKS);
    vi.stubGlobal("fetch", fetchFn);
    try {
      await keys({ alg: "ES256", kid: "ec-1" });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(calls).toEqual([JWKS]);
  });

  describe("without kid", () => {
    it("takes the one key that suits the alg", async () => {
      const keys = createKeySet(JWKS, jsonFetch(() => ({ keys: [rsa.jwk, ec.jwk] })).fetchFn);
      expect((await keys({ alg: "ES256" })).algorithm).toMatchObject({ name: "ECDSA" });
      expect((await keys({ alg: "RS256" })).algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5" });
    });

    it("refuses to guess among several suitable keys", async () => {
      const keys = createKeySet(JWKS, jsonFetch(() => ({ keys: [rsa.jwk, rsa2.jwk] })).fetchFn);
      await expect(keys({ alg: "RS256" })).rejects.toMatchObject({ code: "id_token_kid", message: expect.stringContaining("several keys") });
    });
  });

  describe("key suitability", () => {
    const only = (jwk: object, alg = "RS256", kid = "x") => createKeySet(JWKS, jsonFetch(() => ({ keys: [jwk] })).fetchFn)({ alg, kid });

    it.each([
      ["a key with another kid", () => ({ ...rsa.jwk, kid: "y" }), "RS256"],
      ["an EC key for RS256", () => ({ ...ec.jwk, kid: "x" }), "RS256"],
      ["an RSA key for ES256", () => ({ ...rsa.jwk, kid: "x", alg: undefined }), "ES256"],
      ["a P-384 key for ES256", () => ({ ...ec384.jwk, kid: "x", alg: undefined }), "ES256"],
      ["a key whose alg is RS512", () => ({ ...rsa.jwk, kid: "x", alg: "RS512" }), "RS256"],
      ["an encryption key", () => ({ ...rsa.jwk, kid: "x", use: "enc" }), "RS256"],
    ])("skips %s", async (_, jwk, alg) => {
      await expect(only(jwk(), alg)).rejects.toMatchObject({ code: "id_token_kid", message: expect.stringContaining("no key for kid x") });
    });

    it("takes the suitable one of keys sharing a kid", async () => {
      const keys = createKeySet(
        JWKS,
        jsonFetch(() => ({
          keys: [
            { ...rsa.jwk, kid: "x" },
            { ...ec.jwk, kid: "x" },
          ],
        })).fetchFn,
      );
      expect((await keys({ alg: "ES256", kid: "x" })).algorithm).toMatchObject({ name: "ECDSA" });
      expect((await keys({ alg: "RS256", kid: "x" })).algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5" });
    });

    it("accepts a key without alg and use", async () => {
      const { alg: _a, use: _u, ...bare } = rsa.jwk;
      await expect(only({ ...bare, kid: "x" })).resolves.toBeTruthy();
    });

    it("accepts a PS384 header with an RSA key of no alg", async () => {
      const { alg: _a, ...bare } = rsa.jwk;
      expect((await only({ ...bare, kid: "x" }, "PS384")).algorithm).toMatchObject({ name: "RSA-PSS", hash: { name: "SHA-384" } });
    });

    it("refuses RSA keys under 2048 bits", async () => {
      await expect(only(weak.jwk, "RS256", "weak")).rejects.toMatchObject({ code: "id_token_kid", message: expect.stringContaining("unusable") });
    });

    it("refuses a key WebCrypto cannot import", async () => {
      await expect(only({ kty: "EC", crv: "P-256", kid: "x", x: "AAAA", y: "AAAA" }, "ES256")).rejects.toMatchObject({
        code: "id_token_kid",
        message: expect.stringContaining("unusable"),
      });
    });

    it.each(["HS256", "none", "RS1", "ES256K"])("refuses alg %s", async (alg) => {
      const { fetchFn, calls } = jsonFetch(() => ({ keys: [rsa.jwk] }));
      await expect(createKeySet(JWKS, fetchFn)({ alg, kid: "rsa-1" })).rejects.toMatchObject({ code: "id_token_alg" });
      expect(calls).toEqual([]);
    });
  });

  describe("key rotation and unknown kids", () => {
    it("refetches once for a new kid after rotation, then never loops on unknown kids", async () => {
      const tick = clock();
      let published = [rsa.jwk];
      const { fetchFn, calls } = jsonFetch(() => ({ keys: published }));
      const keys = createKeySet(JWKS, fetchFn);

      await keys({ alg: "RS256", kid: "rsa-1" });
      expect(calls).toHaveLength(1);

      // The provider rotates; a token signed with the new key arrives later.
      tick(300);
      published = [rsa2.jwk];
      await expect(keys({ alg: "RS256", kid: "rsa-2" })).resolves.toBeTruthy();
      expect(calls).toHaveLength(2);

      // Made-up kids right after: no fetch at all (cooldown), and a clear error.
      for (let i = 0; i < 50; i++)
        await expect(keys({ alg: "RS256", kid: "nope-" + i })).rejects.toMatchObject({ code: "id_token_kid", message: expect.stringContaining("nope-" + i) });
      expect(calls).toHaveLength(2);

      // After the cooldown an unknown kid costs exactly one fetch, still failing.
      tick(30);
      await expect(keys({ alg: "RS256", kid: "nope" })).rejects.toMatchObject({ code: "id_token_kid" });
      expect(calls).toHaveLength(3);
      await expect(keys({ alg: "RS256", kid: "nope" })).rejects.toMatchObject({ code: "id_token_kid" });
      expect(calls).toHaveLength(3);

      // The current key still works from the cache, with no fetch.
      await keys({ alg: "RS256", kid: "rsa-2" });
      expect(calls).toHaveLength(3);
    });

    it("has a configurable cooldown", async () => {
      const tick = clock();
      const { fetchFn, calls } = jsonFetch(() => ({ keys: [rsa.jwk] }));
      const keys = createKeySet(JWKS, fetchFn, 300);
      await keys({ alg: "RS256", kid: "rsa-1" });
      tick(299);
      await expect(keys({ alg: "RS256", kid: "new" })).rejects.toMatchObject({ code: "id_token_kid" });
      expect(calls).toHaveLength(1);
      tick(1);
      await expect(keys({ alg: "RS256", kid: "new" })).rejects.toMatchObject({ code: "id_token_kid" });
      expect(calls).toHaveLength(2);
    });
  });

  describe("fetch failures", () => {
    it.each([
      ["an HTTP error", jsonFetch(() => ({ keys: [] }), 500).fetchFn],
      ["a body that is not JSON", jsonFetch(() => "<html>").fetchFn],
      ["a body without keys", jsonFetch(() => ({ jwks: [] })).fetchFn],
      ["keys that are not a list", jsonFetch(() => ({ keys: {} })).fetchFn],
      [
        "a network error",
        (async () => {
          throw new TypeError("Failed to fetch");
        }) as typeof fetch,
      ],
      [
        "a fetch that throws at once",
        (() => {
          throw new TypeError("nope");
        }) as typeof fetch,
      ],
    ])("reports %s as jwks_failed", async (_, fetchFn) => {
      await expect(createKeySet(JWKS, fetchFn)({ alg: "RS256", kid: "rsa-1" })).rejects.toMatchObject({
        code: "jwks_failed",
        message: expect.stringContaining(JWKS),
      });
    });

    it("retries after the cooldown, and keeps the old keys when a refetch fails", async () => {
      const tick = clock();
      let up = false;
      const { fetchFn, calls } = jsonFetch(() => (up ? { keys: [rsa.jwk] } : "down"));
      const keys = createKeySet(JWKS, fetchFn);
      await expect(keys({ alg: "RS256", kid: "rsa-1" })).rejects.toMatchObject({ code: "jwks_failed" });
      up = true;
      await expect(keys({ alg: "RS256", kid: "rsa-1" })).rejects.toMatchObject({ code: "id_token_kid" });
      expect(calls).toHaveLength(1);
      tick(30);
      await expect(keys({ alg: "RS256", kid: "rsa-1" })).resolves.toBeTruthy();
      expect(calls).toHaveLength(2);
      up = false;
      tick(30);
      await expect(keys({ alg: "RS256", kid: "other" })).rejects.toMatchObject({ code: "jwks_failed" });
      await expect(keys({ alg: "RS256", kid: "rsa-1" })).resolves.toBeTruthy();
      expect(calls).toHaveLength(3);
    });
  });

  it("ignores __proto__ in the JWK Set document", async () => {
    const body = '{"keys":[' + JSON.stringify(rsa.jwk).replace("{", '{"__proto__":{"polluted":"yes"},') + '],"__proto__":{"polluted":"yes"}}';
    const keys = createKeySet(JWKS, jsonFetch(() => body).fetchFn);
    await expect(keys({ alg: "RS256", kid: "rsa-1" })).resolves.toBeTruthy();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
