import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJsonObject } from "../../src/protocol/json";

describe("parseJsonObject", () => {
  it("parses a JSON object into objects without a prototype", () => {
    const o = parseJsonObject('{"a":1,"b":{"c":[{"d":null}]},"e":"x"}')!;
    expect(o).toEqual({ a: 1, b: { c: [{ d: null }] }, e: "x" });
    expect(Object.getPrototypeOf(o)).toBeNull();
    expect(Object.getPrototypeOf(o.b)).toBeNull();
    expect(Array.isArray((o.b as Record<string, unknown>).c)).toBe(true);
    expect(Object.getPrototypeOf(((o.b as Record<string, unknown>).c as object[])[0])).toBeNull();
  });

  it.each(["", "x", "[]", "[{}]", "null", "true", "1", '"{}"', "{", '{"a":1}x', "{'a':1}"])("gives undefined for %j", (text) => {
    expect(parseJsonObject(text)).toBeUndefined();
  });

  it("drops __proto__ members at any depth and pollutes nothing", () => {
    const o = parseJsonObject('{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":1}},"l":[{"__proto__":{"polluted":1}}]}')!;
    expect(Object.keys(o)).toEqual(["a", "l"]);
    expect(Object.keys(o.a as object)).toEqual([]);
    expect(Object.keys((o.l as object[])[0]!)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.assign({}, o) as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps constructor and prototype as plain data", () => {
    const o = parseJsonObject('{"constructor":{"prototype":{"polluted":1}}}')!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(o.constructor)).toBeNull();
  });

  it("never throws, and never pollutes, on any JSON", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => `{"__proto__":${JSON.stringify(v)},"a":{"__proto__":${JSON.stringify(v)}}}`),
        ),
        (text) => {
          parseJsonObject(text);
          expect(Object.keys(Object.prototype)).toEqual([]);
        },
      ),
    );
  });
});
