import { afterEach, describe, expect, it, vi } from "vitest";
import { pkce } from "../../src/code/pkce";

// RFC 7636 Appendix B: these 32 octets give this verifier, whose S256 challenge is this.
const OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];

afterEach(() => vi.restoreAllMocks());

describe("pkce", () => {
  it("makes RFC 7636 Appendix B's verifier from crypto.getRandomValues and its S256 challenge with WebCrypto", async () => {
    const random = vi.spyOn(crypto, "getRandomValues").mockImplementation(((array: Uint8Array) => {
      array.set(OCTETS);
      return array;
    }) as typeof crypto.getRandomValues);
    const digest = vi.spyOn(crypto.subtle, "digest");
    expect(await pkce()).toEqual({ verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" });
    expect(random).toHaveBeenCalledTimes(1);
    expect((random.mock.calls[0]![0] as Uint8Array).length).toBe(32);
    expect(digest).toHaveBeenCalledWith("SHA-256", expect.anything());
  });

  it("gives a fresh verifier of 43 unreserved characters each time (RFC 7636 §4.1)", async () => {
    const seen = new Set<string>();
    for (let n = 0; n < 50; n++) {
      const { verifier, challenge } = await pkce();
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(challenge).not.toBe(verifier);
      seen.add(verifier);
    }
    expect(seen.size).toBe(50);
  });
});
