import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAuthError } from "../../src/protocol/errors";
import { parseTokenResponse } from "../../src/protocol/token-response";

const JSON_TYPE = "application/json";
// RFC 6749 §5.1's example, with a refresh token.
const RFC =
  '{"access_token":"2YotnFZFEjr1zMsicMWpAA","token_type":"example","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","example_parameter":"example_value"}';

const fails = (status: number, type: string | null, body: string) => {
  try {
    parseTokenResponse(status, type, body);
  } catch (e) {
    return e as { code: string; description?: string; uri?: string };
  }
  throw new Error("did not throw");
};

describe("parseTokenResponse: a success (RFC 6749 §5.1)", () => {
  it("reads RFC 6749 §5.1's example into the shape of an authorization response", () => {
    const r = parseTokenResponse(200, JSON_TYPE, RFC);
    expect(r).toMatchObject({ accessToken: "2YotnFZFEjr1zMsicMWpAA", tokenType: "example", expiresIn: 3600 });
    expect({ ...r.params }).toEqual({
      access_token: "2YotnFZFEjr1zMsicMWpAA",
      token_type: "example",
      expires_in: "3600",
      refresh_token: "tGzv3JOkF0XG5Qx2TlKWIA",
    });
    expect(r.scope).toBeUndefined();
  });

  it("splits the scope and keeps an id_token", () => {
    const r = parseTokenResponse(
      200,
      "application/json; charset=utf-8",
      '{"access_token":"a","token_type":"bearer","scope":"openid profile","id_token":"h.p.s"}',
    );
    expect(r.scope).toEqual(["openid", "profile"]);
    expect(r.params.id_token).toBe("h.p.s");
    expect(r.tokenType).toBe("bearer");
  });

  it.each([["text/html"], ["text/plain"], ["application/jsonx"], ["application/x-json"], [null], [""]])(
    "refuses Content-Type %s: token_content_type",
    (type) => {
      expect(fails(200, type, RFC).code).toBe("token_content_type");
    },
  );

  it.each([["not json"], [""], ["[]"], ['"a"'], ["null"], ["1"]])("refuses a body that is not a JSON object (%j): token_not_json", (body) => {
    expect(fails(200, JSON_TYPE, body).code).toBe("token_not_json");
  });

  it.each([
    ['{"access_token":1,"token_type":"Bearer"}', "access_token"],
    ['{"access_token":"a b\\u0000","token_type":"Bearer"}', "access_token"],
    // RFC 6750 §2.1 b64token: what could not be sent as `Bearer <token>` is refused.
    ['{"access_token":"abc def","token_type":"Bearer"}', "access_token"],
    ['{"access_token":"abc,def","token_type":"Bearer"}', "access_token"],
    ['{"access_token":"abc\\"def","token_type":"Bearer"}', "access_token"],
    ['{"access_token":"a=b","token_type":"Bearer"}', "access_token"],
    ['{"access_token":"a","token_type":["Bearer"]}', "token_type"],
    ['{"access_token":"a","token_type":"Bearer","expires_in":"3600"}', "expires_in"],
    ['{"access_token":"a","token_type":"Bearer","expires_in":-1}', "expires_in"],
    ['{"access_token":"a","token_type":"Bearer","expires_in":1.5}', "expires_in"],
    ['{"access_token":"a","token_type":"Bearer","expires_in":1e300}', "expires_in"],
    ['{"access_token":"a","token_type":"Bearer","scope":"a  b"}', "scope"],
    ['{"access_token":"a","token_type":"Bearer","scope":["a"]}', "scope"],
    ['{"access_token":"a","token_type":"Bearer","refresh_token":{}}', "refresh_token"],
    ['{"access_token":"a","token_type":"Bearer","id_token":"not a jws"}', "id_token"],
  ])("refuses %s: invalid_response naming %s", (body, name) => {
    const e = fails(200, JSON_TYPE, body);
    expect(e.code).toBe("invalid_response");
    expect(e.description).toContain(name);
  });

  it("has no prototype, and a __proto__ or constructor member reaches nothing", () => {
    const r = parseTokenResponse(200, JSON_TYPE, '{"__proto__":{"polluted":1},"constructor":"x","access_token":"a","token_type":"Bearer"}');
    expect(Object.getPrototypeOf(r.params)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(r.params).sort()).toEqual(["access_token", "token_type"]);
  });
});

describe("parseTokenResponse: an error (RFC 6749 §5.2, and servers that bend it)", () => {
  it("passes the server's code, description and uri through", () => {
    const e = fails(400, JSON_TYPE, '{"error":"invalid_grant","error_description":"code used","error_uri":"https://id.example/e"}');
    expect(e).toMatchObject({ code: "invalid_grant", description: "code used", uri: "https://id.example/e" });
    expect(isAuthError(e)).toBe(true);
  });

  it.each([
    [401, "invalid_client"],
    [403, "invalid_code"],
    [400, "unsupported_grant_type"],
    [400, "invalid_scope"],
    [500, "server_error"],
  ])("HTTP %i with error %s: that code", (status, error) => {
    expect(fails(status, JSON_TYPE, JSON.stringify({ error })).code).toBe(error);
  });

  it.each([
    [400, ""],
    [403, ""],
    [500, "<html>Internal Server Error</html>"],
    [400, '{"message":"bad"}'],
    [400, '{"error":5}'],
    [400, '{"error":"bad\\"quote"}'],
    [400, "[]"],
  ])("HTTP %i with body %j: token_http_error naming the status", (status, body) => {
    const e = fails(status, JSON_TYPE, body);
    expect(e.code).toBe("token_http_error");
    expect(e.description).toBe("HTTP " + status);
  });

  it("reads an error with another content type too (the status says it is an error)", () => {
    expect(fails(400, "text/plain", '{"error":"invalid_grant"}').code).toBe("invalid_grant");
  });

  it("drops an error_description outside its syntax rather than passing it on", () => {
    expect(fails(400, JSON_TYPE, '{"error":"invalid_grant","error_description":"\\u0007"}').description).toBeUndefined();
  });

  it.each([["javascript:alert(1)"], ["/app/page"], ["http://id.example/e"], ["data:text/html,x"], ["not a url"]])(
    "drops an error_uri that is not an absolute https: URL (%s), as for an authorization response",
    (uri) => {
      const e = fails(400, JSON_TYPE, JSON.stringify({ error: "invalid_grant", error_uri: uri }));
      expect(e).toMatchObject({ code: "invalid_grant" });
      expect(e.uri).toBeUndefined();
    },
  );

  it("keeps a loopback http: error_uri (a local server)", () => {
    expect(fails(400, JSON_TYPE, '{"error":"invalid_grant","error_uri":"http://127.0.0.1:9000/e"}').uri).toBe("http://127.0.0.1:9000/e");
  });
});

describe("parseTokenResponse: properties", () => {
  const member = fc.oneof(
    fc.constantFrom("access_token", "token_type", "expires_in", "scope", "refresh_token", "id_token", "error", "__proto__", "constructor", "toString"),
    fc.string(),
  );
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string()),
    fc.dictionary(fc.string(), fc.string()),
  );
  const body = fc.oneof(
    fc.dictionary(member, value).map((o) => JSON.stringify(o)),
    fc.string(),
    fc.dictionary(member, value).map((o) => JSON.stringify(o).replace(/^\{/, '{"__proto__":{"polluted":true},')),
  );
  const status = fc.oneof(fc.constant(200), fc.constant(400), fc.integer({ min: 100, max: 599 }));
  const type = fc.oneof(fc.constant(JSON_TYPE), fc.constant(null), fc.string());

  it("throws nothing but AuthError, and every result is well-formed, for 10,000 random answers", () => {
    fc.assert(
      fc.property(status, type, body, (s, t, b) => {
        try {
          const r = parseTokenResponse(s, t, b);
          expect(Object.getPrototypeOf(r.params)).toBeNull();
          for (const v of Object.values(r.params)) expect(typeof v).toBe("string");
          if (r.scope) expect(r.scope.every((x) => x.length > 0)).toBe(true);
        } catch (e) {
          expect(isAuthError(e)).toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
