import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBearerChallenge } from "../../src/protocol/challenge";

describe("parseBearerChallenge", () => {
  it("reads the RFC 6750 §3 examples", () => {
    expect(parseBearerChallenge('Bearer realm="example"')).toEqual({ realm: "example" });
    expect(parseBearerChallenge('Bearer realm="example", error="invalid_token", error_description="The access token expired"')).toEqual({
      realm: "example",
      error: "invalid_token",
      errorDescription: "The access token expired",
    });
  });

  it("splits scope and reads error_uri", () => {
    expect(parseBearerChallenge('Bearer error="insufficient_scope", scope="profile  orders", error_uri="https://e.test/x"')).toEqual({
      error: "insufficient_scope",
      scope: ["profile", "orders"],
      errorUri: "https://e.test/x",
    });
  });

  it("reads a DPoP challenge (RFC 9449 §7.1) when asked for that scheme, with the same parameters and algs", () => {
    const header = 'DPoP algs="ES256 PS256", error="invalid_token", error_description="The access token is revoked"';
    expect(parseBearerChallenge(header, "DPoP")).toEqual({ algs: "ES256 PS256", error: "invalid_token", errorDescription: "The access token is revoked" });
    expect(parseBearerChallenge('Bearer realm="api", dpop error="insufficient_scope", scope="orders"', "DPoP")).toEqual({
      error: "insufficient_scope",
      scope: ["orders"],
    });
    // Each scheme finds its own challenge only.
    expect(parseBearerChallenge(header)).toBeNull();
    expect(parseBearerChallenge('Bearer error="invalid_token"', "DPoP")).toBeNull();
  });

  it("finds the Bearer challenge among several, whatever its position", () => {
    expect(parseBearerChallenge('Basic realm="x", Bearer realm="api", error="invalid_token"')).toEqual({
      realm: "api",
      error: "invalid_token",
    });
    expect(parseBearerChallenge('Bearer error="invalid_token", Basic realm="x"')).toEqual({ error: "invalid_token" });
    expect(parseBearerChallenge('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toBeNull();
  });

  it("matches the scheme and parameter names case-insensitively and accepts token values", () => {
    expect(parseBearerChallenge("BEARER Error=invalid_token, REALM=api")).toEqual({ error: "invalid_token", realm: "api" });
  });

  it("unescapes quoted-pairs", () => {
    expect(parseBearerChallenge('Bearer error_description="say \\"hi\\" \\\\ bye"')).toEqual({
      errorDescription: 'say "hi" \\ bye',
    });
  });

  it("does not read a token68 as parameters", () => {
    expect(parseBearerChallenge("Bearer abc==")).toEqual({});
    expect(parseBearerChallenge("Negotiate abc=, Bearer error=x")).toEqual({ error: "x" });
    expect(parseBearerChallenge("Basic realm=x, Bearer")).toEqual({});
  });

  it("ignores a Bearer challenge that repeats a parameter and takes the next one", () => {
    expect(parseBearerChallenge('Bearer error="a", error="b"')).toBeNull();
    expect(parseBearerChallenge('Bearer error="a", ERROR="b", Bearer error="c"')).toEqual({ error: "c" });
  });

  it("returns null for nothing, other schemes and garbage", () => {
    expect(parseBearerChallenge(null)).toBeNull();
    expect(parseBearerChallenge(undefined)).toBeNull();
    expect(parseBearerChallenge("")).toBeNull();
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
    expect(parseBearerChallenge('"Bearer"')).toBeNull();
    expect(parseBearerChallenge("=Bearer")).toBeNull();
    expect(parseBearerChallenge("Bearerx error=a")).toBeNull();
  });

  it.each(['Bearer scope=""', 'Bearer scope="  "', 'Bearer error="insufficient_scope", scope=""'])("%s: scope is an empty list, never a string", (header) => {
    const c = parseBearerChallenge(header)!;
    expect(c.scope).toEqual([]);
    expect(c.scope!.join(" ")).toBe("");
  });

  it("never lets a parameter name reach a prototype", () => {
    const c = parseBearerChallenge('Bearer __proto__="x", constructor="y", error="e", prototype=z');
    expect(c).toEqual({ error: "e", prototype: "z" });
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("is total: random headers give null or a challenge, never an exception", () => {
    const piece = fc.constantFrom("Bearer", "bearer", "Basic", " ", ",", "=", '"', '""', "\\", "realm", "error", "scope", "a b", "__proto__", "\t", "x=", "é");
    const header = fc.oneof(
      fc.string(),
      fc.array(piece, { maxLength: 30 }).map((a) => a.join("")),
    );
    fc.assert(
      fc.property(header, (h) => {
        const c = parseBearerChallenge(h);
        expect(c === null || typeof c == "object").toBe(true);
        // `scope`, when there, is always a list (`challenge.scope.join()` never throws).
        if (c && "scope" in c) expect(Array.isArray(c.scope)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
    expect(({} as Record<string, unknown>).realm).toBeUndefined();
  });
});

describe("parseBearerChallenge: RFC 9728 and RFC 9470 parameters", () => {
  it("reads resource_metadata (RFC 9728 §5.1) and a step-up's acr_values and max_age (RFC 9470 §3)", () => {
    expect(parseBearerChallenge('Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"')).toEqual({
      resourceMetadata: "https://resource.example.com/.well-known/oauth-protected-resource",
    });
    expect(
      parseBearerChallenge(
        'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
      ),
    ).toEqual({ error: "insufficient_user_authentication", errorDescription: "A different authentication level is required", acrValues: "myACR" });
    expect(parseBearerChallenge('Bearer error="insufficient_user_authentication", max_age="5"')).toEqual({
      error: "insufficient_user_authentication",
      maxAge: "5",
    });
  });
});
