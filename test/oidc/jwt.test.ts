import { describe, expect, it } from "vitest";
import { decodeJws } from "../../src/oidc/jwt";
import { b64u, part } from "../support/jws";

const header = { alg: "RS256", kid: "k1" };
const payload = { iss: "https://id.example.com", sub: "248289761001" };
const sig = b64u(new Uint8Array([1, 2, 3, 250, 251, 252]));
const jws = (h: unknown = header, p: unknown = payload, s = sig) => part(h) + "." + part(p) + "." + s;

const malformed = (token: string, why: string) =>
  expect(() => decodeJws(token)).toThrow(expect.objectContaining({ code: "invalid_id_token", message: expect.stringContaining(why) }));

describe("decodeJws", () => {
  it("splits and decodes header, payload, signature and signing input", () => {
    const token = jws();
    const d = decodeJws(token);
    expect(d.header).toEqual(header);
    expect(d.payload).toEqual(payload);
    expect([...d.signature]).toEqual([1, 2, 3, 250, 251, 252]);
    expect(new TextDecoder().decode(d.signingInput)).toBe(token.slice(0, token.lastIndexOf(".")));
  });

  it("gives objects without a prototype", () => {
    const d = decodeJws(jws(header, { ...payload, address: { country: "NZ" } }));
    expect(Object.getPrototypeOf(d.header)).toBeNull();
    expect(Object.getPrototypeOf(d.payload)).toBeNull();
    expect(Object.getPrototypeOf(d.payload.address)).toBeNull();
    expect(d.payload.constructor).toBeUndefined();
    expect(d.payload.toString).toBeUndefined();
  });

  it("keeps arrays as arrays", () => {
    expect(decodeJws(jws(header, { aud: ["a", "b"] })).payload.aud).toEqual(["a", "b"]);
  });

  it.each([
    ["two parts", part(header) + "." + part(payload), "compact"],
    ["four parts", jws() + ".x", "compact"],
    ["five parts (JWE)", jws() + ".x.y", "compact"],
    ["empty", "", "compact"],
  ])("rejects %s", (_, token, why) => malformed(token, why));

  it.each([
    ["padding", jws(header, payload, sig + "=")],
    ["standard base64 '+'", jws(header, payload, "ab+c")],
    ["standard base64 '/'", jws(header, payload, "ab/c")],
    ["whitespace", jws(header, payload, "AQID +vv8")],
    ["an impossible length", jws(header, payload, "AQIDB")],
    ["non-canonical trailing bits", jws(header, payload, "AQJ")],
    ["percent-encoding", part(header) + ".%7B%7D." + sig],
  ])("rejects base64url with %s", (_, token) => malformed(token, "base64url"));

  it.each([
    ["an empty header", "." + part(payload) + "." + sig],
    ["a header that is not JSON", jws("{alg:RS256}")],
    ["a header that is an array", jws(["RS256"])],
    ["a header that is null", jws("null")],
    ["a payload that is a string", jws(header, '"claims"')],
    ["a payload that is a number", jws(header, "42")],
    ["a payload with trailing garbage", jws(header, '{"sub":"x"}x')],
  ])("rejects %s", (_, token) => malformed(token, "not a JSON object"));

  it("rejects a payload that is not UTF-8", () => {
    const bad = b64u(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])); // {"a":"\xff\xfe"}
    malformed(part(header) + "." + bad + "." + sig, "not a JSON object");
  });

  it("accepts UTF-8 claims", () => {
    expect(decodeJws(jws(header, { name: "Zoë 山田" })).payload.name).toBe("Zoë 山田");
  });

  it("rejects a header without a string alg", () => {
    malformed(jws({ kid: "k1" }), "alg missing");
    malformed(jws({ alg: 256 }), "alg missing");
  });

  it("rejects a kid that is not a string", () => malformed(jws({ alg: "RS256", kid: 7 }), "kid"));

  it("rejects crit: no extension is understood", () => malformed(jws({ alg: "RS256", crit: ["b64"], b64: false }), "crit"));

  it("accepts an empty signature part (the alg check comes later)", () => {
    expect(decodeJws(jws({ alg: "none" }, payload, "")).signature.length).toBe(0);
  });

  describe("prototype pollution", () => {
    it("drops __proto__ in header and payload and pollutes nothing", () => {
      const h = '{"alg":"RS256","__proto__":{"polluted":"yes","alg":"none"}}';
      const p = '{"sub":"x","__proto__":{"polluted":"yes","admin":true},"nested":{"__proto__":{"polluted":"yes"}}}';
      const d = decodeJws(jws(h, p));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(d.header, "__proto__")).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(d.payload, "__proto__")).toBe(false);
      expect(d.header.alg).toBe("RS256");
      expect(d.payload.admin).toBeUndefined();
      expect((d.payload.nested as Record<string, unknown>).polluted).toBeUndefined();
      // Later copies of the claims cannot pick up a prototype either.
      const copy = Object.assign({}, d.payload);
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect((copy as Record<string, unknown>).admin).toBeUndefined();
    });

    it("does not let constructor.prototype through", () => {
      const d = decodeJws(jws(header, '{"constructor":{"prototype":{"polluted":"yes"}}}'));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(d.payload.constructor)).toBeNull();
    });
  });
});
