import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { verifyIdToken, type VerifyIdTokenOptions } from "../../src/oidc/id-token";
import { createKeySet, type KeySet } from "../../src/oidc/jwks";
import { atHash, b64u, generateKey, jsonFetch, part, sign, signHs256, type TestKey } from "../support/jws";

const ISSUER = "https://id.example.com";
const CLIENT = "my-spa";
const NONCE = "n-0S6_WzA2Mj";
const ACCESS_TOKEN = "2YotnFZFEjr1zMsicMWpAA";
const NOW = 1_700_000_000_000;
const T = NOW / 1000;

let rs: TestKey, es: TestKey, ps: TestKey, ed: TestKey, attacker: TestKey, rotated: TestKey;
let keys: KeySet;
let claims: Record<string, unknown>;

beforeAll(async () => {
  [rs, es, ps, ed, attacker, rotated] = await Promise.all([
    generateKey("RS256", "rs-1"),
    generateKey("ES256", "es-1"),
    generateKey("PS384", "ps-1"),
    generateKey("EdDSA", "ed-1"),
    generateKey("RS256", "rs-1"), // same kid as the issuer's key, but the attacker's
    generateKey("ES256", "es-2"),
  ]);
  keys = createKeySet(ISSUER + "/jwks", jsonFetch(() => ({ keys: [rs.jwk, es.jwk, ps.jwk, ed.jwk] })).fetchFn);
  claims = {
    iss: ISSUER,
    sub: "248289761001",
    aud: CLIENT,
    exp: T + 600,
    iat: T - 5,
    nonce: NONCE,
    at_hash: await atHash(ACCESS_TOKEN),
    name: "Jane Doe",
  };
});

/** Options changed by `o`; a member given as `undefined` is left out (the default applies). */
type Change = { [K in keyof VerifyIdTokenOptions]?: VerifyIdTokenOptions[K] | undefined };

const opts = (o: Change = {}): VerifyIdTokenOptions => {
  const all: Change = { issuer: ISSUER, clientId: CLIENT, nonce: NONCE, accessToken: ACCESS_TOKEN, keys, now: NOW, ...o };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as unknown as VerifyIdTokenOptions;
};

/** A token signed by `key` (the issuer's RS256 key by default) with `claims` changed by `change`. */
const token = (change: Record<string, unknown> = {}, key = rs, header: Record<string, unknown> = {}) =>
  sign(key, { alg: key.alg, kid: key.kid, ...header }, JSON.parse(JSON.stringify({ ...claims, ...change })));

const rejects = async (t: string | Promise<string>, code: string, why: string, o?: Change) =>
  expect(verifyIdToken(await t, opts(o))).rejects.toMatchObject({ name: "AuthError", code, message: expect.stringContaining(why) });

describe("verifyIdToken", () => {
  describe("an access token is never an ID token (RFC 8725 §3.11, RFC 9068)", () => {
    it.each(["at+jwt", "application/at+jwt", "AT+JWT", "Application/At+JWT"])("refuses typ %s as invalid_id_token", async (typ) => {
      await rejects(token({}, rs, { typ }), "invalid_id_token", "typ " + typ);
    });

    it.each([[{}], [{ toString: 1 }], [["at+jwt"]], [1], [null], [true]])(
      "refuses a typ that is not a string (%j) as invalid_id_token, never a TypeError",
      async (typ) => {
        await rejects(token({}, rs, { typ }), "invalid_id_token", "typ not a string");
      },
    );

    it.each(["JWT", "jwt", "application/jwt"])("accepts typ %s", async (typ) => {
      await expect(verifyIdToken(await token({}, rs, { typ }), opts())).resolves.toMatchObject({ sub: "248289761001" });
    });
  });

  describe("valid tokens", () => {
    it("accepts an RS256 token and returns its claims", async () => {
      const c = await verifyIdToken(await token(), opts());
      expect(c).toMatchObject({ iss: ISSUER, sub: "248289761001", aud: CLIENT, nonce: NONCE, name: "Jane Doe" });
      expect(Object.getPrototypeOf(c)).toBeNull();
    });

    it("accepts ES256 (raw r||s signatures)", async () => {
      await expect(verifyIdToken(await token({}, es), opts())).resolves.toMatchObject({ sub: "248289761001" });
    });

    it("accepts PS384, with a SHA-384 at_hash", async () => {
      await expect(verifyIdToken(await token({ at_hash: await atHash(ACCESS_TOKEN, 384) }, ps), opts())).resolves.toMatchObject({ sub: "248289761001" });
    });

    it("accepts EdDSA (Ed25519), with a SHA-512 at_hash", async () => {
      await expect(verifyIdToken(await token({ at_hash: await atHash(ACCESS_TOKEN, 512) }, ed), opts())).resolves.toMatchObject({ sub: "248289761001" });
    });

    it("accepts aud as a one-element list, and several audiences with azp = client id", async () => {
      await expect(verifyIdToken(await token({ aud: [CLIENT] }), opts())).resolves.toBeTruthy();
      await expect(verifyIdToken(await token({ aud: [CLIENT, "api"], azp: CLIENT }), opts())).resolves.toBeTruthy();
    });

    it("does not need at_hash when no access token came with the ID token", async () => {
      await expect(verifyIdToken(await token({ at_hash: undefined }), opts({ accessToken: undefined }))).resolves.toBeTruthy();
    });

    it("tolerates clockSkew seconds on exp and iat", async () => {
      await expect(verifyIdToken(await token({ exp: T - 29, iat: T + 29 }), opts())).resolves.toBeTruthy();
      await expect(verifyIdToken(await token({ exp: T - 59, iat: T + 59 }), opts({ clockSkew: 60 }))).resolves.toBeTruthy();
    });

    it("uses the current time by default", async () => {
      vi.spyOn(Date, "now").mockReturnValue(NOW);
      await expect(verifyIdToken(await token(), opts({ now: undefined }))).resolves.toBeTruthy();
      vi.spyOn(Date, "now").mockReturnValue(NOW + 3600_000);
      await rejects(token(), "id_token_exp", "expired", { now: undefined });
    });

    it("accepts an alg listed in algorithms", async () => {
      await expect(verifyIdToken(await token({}, es), opts({ algorithms: ["RS256", "ES256"] }))).resolves.toBeTruthy();
    });
  });

  describe("form", () => {
    it("rejects a malformed token", async () => {
      await rejects("not.a.jwt!", "invalid_id_token", "base64url");
      await rejects((await token()) + ".x", "invalid_id_token", "compact");
    });
  });

  describe("alg", () => {
    it("rejects alg none (unsigned), however spelled", async () => {
      for (const alg of ["none", "None", "NONE"]) {
        const t = part({ alg }) + "." + part(claims) + ".";
        await rejects(t, "id_token_alg", "alg " + alg + " not allowed");
      }
    });

    it("rejects HS256 signed with the issuer's public key as the HMAC secret", async () => {
      for (const secret of [JSON.stringify(rs.jwk), rs.jwk.n!, new Uint8Array(Buffer.from(rs.jwk.n!, "base64url"))]) {
        const t = await signHs256(secret, { alg: "HS256", kid: "rs-1" }, claims);
        await rejects(t, "id_token_alg", "HS256");
        await rejects(t, "id_token_alg", "HS256", { algorithms: ["HS256", "RS256"] });
      }
    });

    it("rejects an alg outside algorithms", async () => {
      await rejects(token({}, es), "id_token_alg", "ES256", { algorithms: ["RS256"] });
    });

    it("rejects a token whose alg does not fit the key it names", async () => {
      await rejects(token({}, es, { kid: "rs-1" }), "id_token_kid", "no key for kid rs-1");
    });
  });

  describe("signature", () => {
    it("rejects a corrupted signature", async () => {
      const t = await token();
      const sig = Buffer.from(t.split(".")[2]!, "base64url");
      sig[10]! ^= 1;
      await rejects(t.slice(0, t.lastIndexOf(".") + 1) + b64u(sig), "id_token_signature", "bad signature");
    });

    it("rejects claims changed after signing", async () => {
      const [h, , s] = (await token()).split(".");
      await rejects(h + "." + part({ ...claims, sub: "admin" }) + "." + s, "id_token_signature", "bad signature");
    });

    it("rejects a token signed by another key under the issuer's kid", async () => {
      await rejects(token({}, attacker), "id_token_signature", "bad signature");
    });

    it("ignores a key embedded in the header (jwk, jku)", async () => {
      await rejects(token({}, attacker, { jwk: attacker.jwk, jku: "https://evil.example/jwks" }), "id_token_signature", "bad signature");
    });

    it("rejects an ES256 signature of the wrong length", async () => {
      const t = await token({}, es);
      await rejects(t + "AAAA", "id_token_signature", "bad signature");
    });

    it("is checked before the claims", async () => {
      const [h, , s] = (await token()).split(".");
      await rejects(h + "." + part({ ...claims, iss: "https://evil.example" }) + "." + s, "id_token_signature", "bad signature");
    });
  });

  describe("claims", () => {
    it("rejects another iss, also one differing by a trailing slash, or none", async () => {
      await rejects(token({ iss: "https://evil.example" }), "id_token_iss", "iss is not " + ISSUER);
      await rejects(token({ iss: ISSUER + "/" }), "id_token_iss", "iss");
      await rejects(token({ iss: undefined }), "id_token_iss", "iss");
    });

    it("never accepts when the issuer option is empty", async () => {
      await rejects(token({ iss: "" }), "id_token_iss", "iss", { issuer: "" });
    });

    it("rejects an aud without the client id", async () => {
      await rejects(token({ aud: "other-app" }), "id_token_aud", "aud lacks " + CLIENT);
      await rejects(token({ aud: ["other-app", "api"], azp: CLIENT }), "id_token_aud", "aud");
      await rejects(token({ aud: undefined }), "id_token_aud", "aud");
      await rejects(token({ aud: { 0: CLIENT } }), "id_token_aud", "aud");
      await rejects(token({ aud: CLIENT + " x" }), "id_token_aud", "aud");
    });

    it("rejects an azp other than the client id", async () => {
      await rejects(token({ azp: "other-app" }), "id_token_azp", "azp is not " + CLIENT);
      await rejects(token({ aud: [CLIENT, "api"], azp: "api" }), "id_token_azp", "azp");
    });

    it("requires azp when there are several audiences", async () => {
      await rejects(token({ aud: [CLIENT, "api"] }), "id_token_azp", "azp");
    });

    it("requires sub", async () => {
      await rejects(token({ sub: undefined }), "id_token_sub", "sub missing");
      await rejects(token({ sub: "" }), "id_token_sub", "sub missing");
      await rejects(token({ sub: 42 }), "id_token_sub", "sub missing");
    });

    it("rejects an expired token, or one without exp", async () => {
      await rejects(token({ exp: T - 31 }), "id_token_exp", "expired");
      await rejects(token({ exp: T - 1 }), "id_token_exp", "expired", { clockSkew: 0 });
      await rejects(token({ exp: undefined }), "id_token_exp", "exp missing");
      await rejects(token({ exp: String(T + 600) }), "id_token_exp", "exp");
    });

    it("rejects an iat in the future, or none", async () => {
      await rejects(token({ iat: T + 31 }), "id_token_iat", "iat in the future");
      await rejects(token({ iat: T + 1 }), "id_token_iat", "iat", { clockSkew: 0 });
      await rejects(token({ iat: undefined }), "id_token_iat", "missing");
      await rejects(token({ iat: "0" }), "id_token_iat", "iat");
    });

    it("rejects a token not yet valid (nbf)", async () => {
      await rejects(token({ nbf: T + 31 }), "id_token_nbf", "not yet valid");
      await rejects(token({ nbf: "0" }), "id_token_nbf", "not yet valid");
      await expect(verifyIdToken(await token({ nbf: T + 29 }), opts())).resolves.toBeTruthy();
    });

    it("rejects a wrong nonce", async () => {
      await rejects(token({ nonce: "replayed" }), "id_token_nonce", "nonce mismatch");
      await rejects(token(), "id_token_nonce", "nonce mismatch", { nonce: "other" });
    });

    it("rejects a missing nonce", async () => {
      await rejects(token({ nonce: undefined }), "id_token_nonce", "nonce missing");
    });

    it("never accepts when the nonce option is empty", async () => {
      await rejects(token({ nonce: "" }), "id_token_nonce", "nonce", { nonce: "" });
      await rejects(token({ nonce: undefined }), "id_token_nonce", "nonce", { nonce: undefined as unknown as string });
    });

    it("rejects an at_hash that does not match the access token", async () => {
      await rejects(token(), "id_token_at_hash", "at_hash does not match", { accessToken: "another-token" });
      await rejects(token({ at_hash: await atHash("another-token") }), "id_token_at_hash", "at_hash");
    });

    it("requires at_hash when an access token came with the ID token", async () => {
      await rejects(token({ at_hash: undefined }), "id_token_at_hash", "at_hash");
    });

    it("hashes with the hash of the alg (SHA-384 for PS384)", async () => {
      await rejects(token({}, ps), "id_token_at_hash", "at_hash");
    });
  });

  describe("keys", () => {
    it("follows a key rotation: an unknown kid refetches the JWK Set once, then verifies", async () => {
      let t = NOW;
      vi.spyOn(Date, "now").mockImplementation(() => t);
      let published = [es.jwk];
      const { fetchFn, calls } = jsonFetch(() => ({ keys: published }));
      const rotating = createKeySet(ISSUER + "/jwks", fetchFn);
      await expect(verifyIdToken(await token({}, es), opts({ keys: rotating }))).resolves.toBeTruthy();
      t += 3600_000;
      published = [es.jwk, rotated.jwk];
      await expect(verifyIdToken(await token({ iat: T + 3600, exp: T + 4200 }, rotated), opts({ keys: rotating, now: t }))).resolves.toBeTruthy();
      expect(calls).toHaveLength(2);
    });

    it("fails on a kid still unknown after the refetch, without looping", async () => {
      let t = NOW;
      vi.spyOn(Date, "now").mockImplementation(() => t);
      const { fetchFn, calls } = jsonFetch(() => ({ keys: [es.jwk] }));
      const k = createKeySet(ISSUER + "/jwks", fetchFn);
      await verifyIdToken(await token({}, es), opts({ keys: k }));
      t += 3600_000;
      const unknown = await token({}, rotated, { kid: "es-9" });
      await rejects(unknown, "id_token_kid", "no key for kid es-9", { keys: k, now: t });
      expect(calls).toHaveLength(2);
      for (let i = 0; i < 10; i++) await rejects(unknown, "id_token_kid", "es-9", { keys: k, now: t });
      expect(calls).toHaveLength(2);
    });
  });

  describe("malformed members (fuzzing)", () => {
    // Every member of the JOSE header or the claims set may be any JSON value: the outcome is
    // the claims or an AuthError, never a TypeError from a member read as the wrong type.
    const settle = async (t: string) => {
      try {
        await verifyIdToken(t, opts({ keys: createKeySet(ISSUER + "/jwks", jsonFetch(() => ({ keys: [es.jwk] })).fetchFn) }));
        return "valid";
      } catch (e) {
        return (e as Error).name;
      }
    };
    const member = fc.jsonValue({ maxDepth: 2 });

    it("header members of any JSON type give AuthError only", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ typ: member, kid: member, alg: fc.oneof(fc.constant("ES256"), member), cty: member }, { requiredKeys: [] }),
          async (header) => {
            expect(["valid", "AuthError"]).toContain(await settle(await sign(es, { alg: "ES256", ...header }, claims)));
          },
        ),
        { numRuns: 150 },
      );
    });

    it("claims of any JSON type give AuthError only", async () => {
      const names = ["iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce", "at_hash", "auth_time"] as const;
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...names), member), async (change) => {
          expect(["valid", "AuthError"]).toContain(await settle(await sign(es, { alg: "ES256", kid: "es-1" }, { ...claims, ...change })));
        }),
        { numRuns: 150 },
      );
    });
  });

  describe("prototype pollution", () => {
    it("does not read claims through a __proto__ member", async () => {
      const payload = (extra: string) => JSON.stringify({ ...claims, nonce: undefined, iss: undefined }).replace("{", "{" + extra + ",");
      const proto = '"__proto__":{"iss":"' + ISSUER + '","nonce":"' + NONCE + '"}';
      const t1 = await sign(rs, { alg: "RS256", kid: "rs-1" }, payload(proto));
      await rejects(t1, "id_token_iss", "iss");
      const withIss = JSON.stringify({ ...claims, nonce: undefined }).replace("{", "{" + proto + ",");
      await rejects(sign(rs, { alg: "RS256", kid: "rs-1" }, withIss), "id_token_nonce", "nonce missing");
      expect(({} as Record<string, unknown>).nonce).toBeUndefined();
      expect(({} as Record<string, unknown>).iss).toBeUndefined();
    });

    it("does not read the header through a __proto__ member", async () => {
      const header = '{"__proto__":{"alg":"RS256","kid":"rs-1"}}';
      await rejects(sign(rs, header, claims), "invalid_id_token", "alg missing");
    });

    it("returns claims that cannot pollute when copied", async () => {
      const body = JSON.stringify(claims).replace("{", '{"__proto__":{"isAdmin":true},');
      const c = await verifyIdToken(await sign(rs, { alg: "RS256", kid: "rs-1" }, body), opts());
      const user = Object.assign({}, c) as Record<string, unknown>;
      expect(user.isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  });
});
