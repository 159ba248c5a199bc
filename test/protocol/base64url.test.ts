import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64url, decodeBase64url } from "../../src/protocol/base64url";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("base64url", () => {
  it("encodes without padding, with the URL-safe alphabet (RFC 4648 §10 vectors)", () => {
    expect(base64url(bytes())).toBe("");
    expect(base64url(new TextEncoder().encode("foob"))).toBe("Zm9vYg");
    expect(base64url(new TextEncoder().encode("fooba"))).toBe("Zm9vYmE");
    expect(base64url(bytes(0xfb, 0xff, 0xbf))).toBe("-_-_");
  });
});

describe("decodeBase64url", () => {
  it("decodes what base64url encodes", () => {
    expect([...decodeBase64url("-_-_")!]).toEqual([0xfb, 0xff, 0xbf]);
    expect(new TextDecoder().decode(decodeBase64url("Zm9vYmE"))).toBe("fooba");
    expect(decodeBase64url("")!.length).toBe(0);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect([...decodeBase64url(base64url(b))!]).toEqual([...b]);
      }),
    );
  });

  it.each([
    ["padding", "Zm9vYg=="],
    ["a single padding char", "Zm9vYmE="],
    ["'+' of standard base64", "+/+/"],
    ["whitespace", "Zm9v Yg"],
    ["a newline", "Zm9v\nYg"],
    ["a length of 4n+1", "Zm9vY"],
    ["stray trailing bits", "Zm9vYh"],
    ["non-ASCII", "Zm9vYé"],
    ["percent-encoding", "Zm9v%59g"],
  ])("rejects %s", (_, text) => expect(decodeBase64url(text)).toBeUndefined());

  it("accepts exactly the canonical encodings", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), maxLength: 12 }), (s) => {
        const d = decodeBase64url(s);
        if (d) expect(base64url(d)).toBe(s);
        else expect(s.length % 4 == 1 || base64url(Buffer.from(s, "base64url")) !== s).toBe(true);
      }),
    );
  });
});
