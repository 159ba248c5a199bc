import { describe, expect, it, vi } from "vitest";
import { randomString } from "../../src/browser/random";

describe("randomString", () => {
  it("is at least 43 base64url characters (256 bits), different every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = randomString();
      expect(s.length).toBeGreaterThanOrEqual(43);
      expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
      seen.add(s);
    }
    expect(seen.size).toBe(1000);
  });

  it("takes its bytes from crypto.getRandomValues (at least 32 of them), never Math.random", () => {
    const getRandomValues = vi.spyOn(crypto, "getRandomValues");
    const mathRandom = vi.spyOn(Math, "random");
    randomString();
    expect(getRandomValues).toHaveBeenCalledTimes(1);
    const array = getRandomValues.mock.calls[0]![0] as ArrayBufferView;
    expect(array.byteLength).toBeGreaterThanOrEqual(32);
    expect(mathRandom).not.toHaveBeenCalled();
  });

  it("is exactly the base64url encoding of those bytes", () => {
    const fill = (byte: number) =>
      vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        new Uint8Array(array!.buffer, array!.byteOffset, array!.byteLength).fill(byte);
        return array;
      });
    fill(0xff);
    expect(randomString()).toBe("_".repeat(42) + "8");
    fill(0xfb);
    expect(randomString()).toBe("-_v7".repeat(10) + "-_s");
    fill(0);
    expect(randomString()).toBe("A".repeat(43));
  });
});
