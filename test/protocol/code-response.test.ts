import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/protocol/errors";
import { parseCodeResponse } from "../../src/protocol/code-response";

const CB = "https://app.example.com/cb";

describe("parseCodeResponse from the query (RFC 6749 §4.1.2)", () => {
  it("reads code, state and iss, and cleans them out of the URL", () => {
    const [r, clean] = parseCodeResponse(CB + "?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz&iss=https%3A%2F%2Fid.example.com");
    expect(r).toMatchObject({ code: "SplxlOBeZQQYbYS6WxSbIA", state: "xyz", iss: "https://id.example.com" });
    expect(clean).toBe(CB);
  });

  it("keeps the app's own query parameters, as they were and in their order, and the fragment", () => {
    const [r, clean] = parseCodeResponse(CB + "?tab=2&code=c&list=a&list=b&state=s&x=%ZZ#/route");
    expect(r).toMatchObject({ code: "c", state: "s" });
    expect(clean).toBe(CB + "?tab=2&list=a&list=b&x=%ZZ#/route");
  });

  it("takes a token in the query out of the URL too, as part of the response (so that it is refused)", () => {
    const [r, clean] = parseCodeResponse(CB + "?tab=1&access_token=secret&state=s");
    expect(r).toMatchObject({ params: { access_token: "secret", state: "s" } });
    expect(clean).toBe(CB + "?tab=1");
  });

  it("reads an error response with its state, description and uri", () => {
    const [r] = parseCodeResponse(CB + "?error=access_denied&error_description=The+user+said+no&state=s&error_uri=https%3A%2F%2Fid%2Fe");
    expect(r).toMatchObject({ error: "access_denied", errorDescription: "The user said no", state: "s", errorUri: "https://id/e" });
  });

  it("drops a bare error_description or a malformed error_uri next to a well-formed error (Glewlwyd), keeping the error", () => {
    const [r, clean] = parseCodeResponse(CB + "?keep=1&error=unauthorized_client&error_description&error_uri=a%20b&state=s");
    expect(r).toMatchObject({ error: "unauthorized_client", state: "s" });
    expect(Object.keys((r as { params: object }).params).sort()).toEqual(["error", "state"]);
    expect(clean).toBe(CB + "?keep=1");
    const [bad] = parseCodeResponse(CB + "?code=c&error_description&state=s");
    expect(bad).toMatchObject({ code: "invalid_response", description: "error_description malformed", state: "s" });
  });

  it("is null for a URL without a response, which is left as it is", () => {
    expect(parseCodeResponse(CB + "?tab=2#code=x&state=y")).toEqual([null, CB + "?tab=2#code=x&state=y"]);
    expect(parseCodeResponse(CB)).toEqual([null, CB]);
  });

  it.each([
    ["?code=a&code=b&state=s", "code repeated"],
    ["?code=a&state=t&state=s", "state repeated"],
    ["?code=%ZZ&state=s", "bad percent-encoding"],
    ["?code=a%00b&state=s", "code malformed"],
    ["?code=a&state=s&error=bad%22quote", "error malformed"],
    ["?code=a&state=s&iss=a%20b", "iss malformed"],
  ])("%s is malformed (%s), names its state and is still cleaned out", (query, why) => {
    const [r, clean] = parseCodeResponse(CB + "?keep=1&" + query.slice(1));
    expect(r).toBeInstanceOf(AuthError);
    expect(r).toMatchObject({ code: "invalid_response", description: why, state: "s" });
    expect(clean).toBe(CB + "?keep=1");
  });

  it("never reaches a prototype: __proto__ and constructor are the app's parameters", () => {
    const [r, clean] = parseCodeResponse(CB + "?__proto__=x&constructor=y&code=c&state=s");
    expect((r as { params: object }).params).not.toHaveProperty("constructor", "y");
    expect(Object.getPrototypeOf((r as { params: object }).params)).toBeNull();
    expect(clean).toBe(CB + "?__proto__=x&constructor=y");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("parseCodeResponse from the fragment (response_mode=fragment)", () => {
  it("reads the whole fragment and removes it; the query is the app's", () => {
    const [r, clean] = parseCodeResponse(CB + "?tab=2#code=c&state=s", true);
    expect(r).toMatchObject({ code: "c", state: "s" });
    expect(clean).toBe(CB + "?tab=2");
  });

  it("counts an implicit-grant token as a response, so that the client refuses it", () => {
    const [r] = parseCodeResponse(CB + "#access_token=a&token_type=Bearer", true);
    expect(r).toMatchObject({ params: { access_token: "a" } });
  });

  it("refuses any repeated parameter there", () => {
    expect(parseCodeResponse(CB + "#code=c&state=s&x=1&x=2", true)[0]).toMatchObject({ code: "invalid_response", description: "x repeated" });
  });

  it("ignores the query's code when reading the fragment", () => {
    expect(parseCodeResponse(CB + "?code=c&state=s", true)).toEqual([null, CB + "?code=c&state=s"]);
  });
});

describe("parseCodeResponse: properties", () => {
  const piece = fc.oneof(fc.constantFrom("code", "state", "iss", "error", "__proto__", "constructor", "session_state", "tab"), fc.string());
  const pair = fc.tuple(piece, fc.string()).map(([k, v]) => k + "=" + v);
  it("returns a response, null or an invalid_response AuthError, and a clean URL without code or state, for 10,000 random URLs", () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.boolean(), (pairs, fragment) => {
        const href = CB + (fragment ? "#" : "?") + pairs.join("&");
        const [r, clean] = parseCodeResponse(href, fragment);
        if (r instanceof AuthError) expect(r.code).toBe("invalid_response");
        else if (r) expect(Object.getPrototypeOf(r.params)).toBeNull();
        else expect(clean).toBe(href);
        if (r) expect(new URL(clean).searchParams.has("code") && !fragment ? new URL(clean).searchParams.get("code") : null).toBeNull();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
