import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthError, isAuthError } from "../../src/protocol/errors";
import { QUERY_RESPONSE, parseAuthorizationResponse, splitQuery } from "../../src/protocol/response";

// RFC 6749 §4.2.2's example response.
const RFC_EXAMPLE = "#access_token=2YotnFZFEjr1zMsicMWpAA&state=xyz&token_type=example&expires_in=3600";

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** The error `parseAuthorizationResponse(input)` throws (fails the test when it returns). */
const errorOf = (input: string): unknown => {
  try {
    parseAuthorizationResponse(input);
  } catch (e) {
    return e;
  }
  throw new Error("did not throw: " + input);
};

const expectInvalid = (input: string, description?: string) => {
  const e = errorOf(input);
  expect(e).toBeInstanceOf(AuthError);
  expect(e).toMatchObject({ code: "invalid_response" });
  if (description) expect((e as AuthError).description).toBe(description);
};

const expectPrototypeUntouched = () => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  const blank = {} as Record<string, unknown>;
  for (const name of ["polluted", "x", "y", "z", "access_token", "state", "error", "accessToken"]) {
    expect(blank[name]).toBeUndefined();
  }
};

describe("parseAuthorizationResponse: success", () => {
  it("reads the RFC 6749 §4.2.2 example from a fragment, a bare fragment text and a whole URL", () => {
    const expected = {
      accessToken: "2YotnFZFEjr1zMsicMWpAA",
      state: "xyz",
      tokenType: "example",
      expiresIn: 3600,
      params: { access_token: "2YotnFZFEjr1zMsicMWpAA", state: "xyz", token_type: "example", expires_in: "3600" },
    };
    for (const input of [RFC_EXAMPLE, RFC_EXAMPLE.slice(1), "https://client.example.com/cb?x=1" + RFC_EXAMPLE]) {
      const r = parseAuthorizationResponse(input);
      expect(r).toEqual(expected);
      expect(r!.expiresIn).toBe(3600);
    }
  });

  it("splits scope, decodes + and percent-encoding, and camel-cases other lower-case parameters", () => {
    const r = parseAuthorizationResponse("#access_token=a%2Bb%2Fc%3D&token_type=Bearer&state=s+1&scope=profile%20api%3Aread&session_state=abc&Odd=1&x-y=2")!;
    expect(r.accessToken).toBe("a+b/c=");
    expect(r.state).toBe("s 1");
    expect(r.scope).toEqual(["profile", "api:read"]);
    expect(r.sessionState).toBe("abc");
    expect(r.params).toMatchObject({ Odd: "1", "x-y": "2", session_state: "abc" });
    expect(r).not.toHaveProperty("Odd");
    expect(r).not.toHaveProperty("x-y");
    expect(r).not.toHaveProperty("xY");
  });

  it("leaves expiresIn and scope out when absent, and reads expires_in=0", () => {
    const r = parseAuthorizationResponse("#access_token=a&token_type=Bearer&state=s")!;
    expect(r).not.toHaveProperty("expiresIn");
    expect(r).not.toHaveProperty("scope");
    expect(parseAuthorizationResponse("#access_token=a&expires_in=0")!.expiresIn).toBe(0);
  });

  it("ignores empty pairs and takes a parameter without '=' as empty", () => {
    const r = parseAuthorizationResponse("#&&access_token=a&&state=s&flag&")!;
    expect(r.params).toEqual({ access_token: "a", state: "s", flag: "" });
  });

  it("treats id_token alone as a response", () => {
    expect(parseAuthorizationResponse("#id_token=abc")).toMatchObject({ idToken: "abc" });
  });
});

describe("parseAuthorizationResponse: error responses", () => {
  it("reads error, error_description and error_uri", () => {
    const r = parseAuthorizationResponse(
      "https://client.example.com/cb#error=access_denied&error_description=The+user+denied+the+request&error_uri=https%3A%2F%2Fid.example.com%2Ferrors%2Fdenied&state=xyz",
    );
    expect(r).toMatchObject({
      error: "access_denied",
      errorDescription: "The user denied the request",
      errorUri: "https://id.example.com/errors/denied",
      state: "xyz",
    });
    expect(r).not.toHaveProperty("accessToken");
  });

  it("drops a bare or malformed error_description and error_uri next to a well-formed error (Glewlwyd), keeping the error", () => {
    for (const fragment of [
      "#error=unauthorized_client&error_description&state=xyz",
      "#error=unauthorized_client&error_description=&error_uri=&state=xyz",
      "#error_description=say+%22hi%22&error=unauthorized_client&error_uri=https%3A%2F%2Fe.test%2Fa+b&state=xyz",
    ]) {
      const r = parseAuthorizationResponse(fragment)!;
      expect(r).toMatchObject({ error: "unauthorized_client", state: "xyz" });
      expect(Object.keys(r.params).sort()).toEqual(["error", "state"]);
      expect(r).not.toHaveProperty("errorDescription");
      expect(r).not.toHaveProperty("errorUri");
    }
  });

  it("keeps refusing a malformed error_description without an error, or next to a malformed one, or repeated", () => {
    expectInvalid("#access_token=a&token_type=Bearer&error_description&state=xyz", "error_description malformed");
    expectInvalid("#error=a%22b&error_description&state=xyz", "error malformed");
    expectInvalid("#error=e&error_description=a&error_description&state=xyz", "error_description repeated");
  });

  it("reads an error response without state (the client decides what that means)", () => {
    expect(parseAuthorizationResponse("#error=server_error")).toMatchObject({ error: "server_error" });
    expect(parseAuthorizationResponse("#error=server_error")).not.toHaveProperty("state");
  });
});

describe("parseAuthorizationResponse: no response", () => {
  it.each([
    "",
    "#",
    "https://app.example.com/",
    "https://app.example.com/page?x=1",
    "https://app.example.com/page#",
    "https://app.example.com/page#/settings",
    "https://app.example.com/page#section-2",
    "#/orders?id=3",
    // Hash routes are the app's, whatever their query says (issue: a `state` in a route).
    "#/orders?state=shipped",
    "#/orders?x=1&state=shipped",
    "https://app.example.com/#/orders?x=1&state=shipped&error=x",
    "#!/list&access_token=a&state=s&token_type=Bearer",
    "!/list&state=s",
    "/#/a&state=s",
    "#foo=bar&baz=1",
    "/callback",
    "/callback?access_token=a&state=s&token_type=Bearer",
    "https://app.example.com/cb?access_token=a&state=s&token_type=Bearer",
    "https://app.example.com/cb?error=access_denied&state=s",
    "#/route%zz",
    "#access_tokenx=a&xstate=b&errors=1",
  ])("%j → null", (input) => {
    expect(parseAuthorizationResponse(input)).toBeNull();
  });
});

describe("parseAuthorizationResponse: malformed responses → invalid_response", () => {
  it.each([
    ["#access_token=a&access_token=b&state=s", "access_token repeated"],
    ["#access_token=a&state=s&state=s", "state repeated"],
    ["#state=s&st%61te=t", "state repeated"],
    ["#error=access_denied&error=server_error", "error repeated"],
    ["#access_token=a&foo=1&foo=2", "foo repeated"],
    ["#access_token=a&token_type=Bearer&token_type=mac", "token_type repeated"],
    ["#access_token=a&expires_in=1&expires_in=2", "expires_in repeated"],
    ["#access_token=a&scope=x&scope=y", "scope repeated"],
  ])("a parameter given twice: %s", (input, description) => {
    expectInvalid(input, description);
  });

  it.each([
    "#access_token=%zz&state=s",
    "#access_token=a&state=%",
    "#access_token=a&state=%4",
    "#access_token=a&state=%E0%A4%A",
    "#access_token=a&state=%C3",
    "#access_token=a&state=%ED%A0%80",
    "#access_token=a&%zz=1",
    "#access_token=a&x=%FF",
  ])("bad percent-encoding: %s", (input) => {
    expectInvalid(input, "bad percent-encoding");
  });

  it.each([
    // RFC 6750 §2.1 b64token: what cannot be sent as a Bearer credential (a space, a comma, a quote…).
    ["access_token", ["", "%C3%A9", "a%0Ab", "a%09b", "a%7Fb", "%00", "a+b", "a%20b", "a,b", "a%2Cb", "a%22b", "a=b", "=a", "a;b", "a%5Cb"]],
    ["state", ["", "caf%C3%A9", "a%0Db"]],
    ["token_type", ["", "Bear+er", "Bearer%0A", "%C3%A9"]],
    ["expires_in", ["", "-1", "+1", "1.5", "1e3", "0x10", "%203600", "3600%20", "1234567890123456", "%EF%BC%91"]],
    ["scope", ["", "+", "a++b", "+a", "a+", "a%22b", "a%5Cb", "a%09b", "caf%C3%A9"]],
    ["error", ["", "a%22b", "a%5Cb", "a%0Ab", "%C3%A9"]],
    // Without an error (a success response): malformed. (Next to one: dropped, see above.)
    ["error_description", ["", "say+%22hi%22", "back%5Cslash", "line%0Abreak"]],
    ["error_uri", ["", "https://e.test/a+b", "https://e.test/%22", "https://e.test/%5C"]],
  ] as const)("%s outside its ABNF", (name, values) => {
    const marker = name == "access_token" ? "state=s" : "access_token=a";
    for (const value of values) expectInvalid(`#${marker}&${name}=${value}`, name + " malformed");
  });

  it("accepts the edges of each ABNF", () => {
    const vschars = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("");
    const b64token = "AZaz09-._~+/==";
    const r = parseAuthorizationResponse(
      "#access_token=" +
        encodeURIComponent(b64token) +
        "&state=" +
        encodeURIComponent(vschars) +
        "&token_type=Bea-rer_.1&expires_in=123456789012345&scope=" +
        encodeURIComponent("!#[]~ a:b"),
    )!;
    expect(r.accessToken).toBe(b64token);
    expect(r.state).toBe(vschars);
    expect(r.expiresIn).toBe(123456789012345);
    expect(r.scope).toEqual(["!#[]~", "a:b"]);
  });

  it("fails an app's unrelated parameters only when the fragment is a response", () => {
    expect(parseAuthorizationResponse("#tab=1&tab=2")).toBeNull();
    expectInvalid("#tab=1&tab=2&state=s", "tab repeated");
  });
});

describe("parseAuthorizationResponse: prototypes", () => {
  it("keeps __proto__, constructor and prototype as plain parameters, reaching no prototype", () => {
    const r = parseAuthorizationResponse(
      "#access_token=a&state=s&__proto__=x&constructor=y&prototype=z" +
        "&__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bpolluted%5D=1&constructor.prototype.polluted=1",
    )!;
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(r.constructor).toBe(Object);
    expect(Object.getPrototypeOf(r.params)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(r.params, "__proto__")?.value).toBe("x");
    expect(r.params.constructor).toBe("y");
    expect(r.params.prototype).toBe("z");
    expect(r.accessToken).toBe("a");
    expectPrototypeUntouched();
  });

  it("never shadows Object.prototype's methods on the result", () => {
    const r = parseAuthorizationResponse("#access_token=a&to_string=x&value_of=y&has_own_property=z&is_prototype_of=w")!;
    expect(r.toString).toBe(Object.prototype.toString);
    expect(r.valueOf).toBe(Object.prototype.valueOf);
    expect(r.hasOwnProperty).toBe(Object.prototype.hasOwnProperty);
    expect(String(r)).toBe("[object Object]");
    expect(r.params).toMatchObject({ to_string: "x", value_of: "y" });
  });

  it("puts __proto__ and constructor through the error paths without polluting", () => {
    expectInvalid("#__proto__=a&__proto__=b&state=s", "__proto__ repeated");
    expectInvalid("#constructor=a&constructor=b&state=s", "constructor repeated");
    expect(parseAuthorizationResponse("#__proto__=a&constructor=b&toString=c&state=s")).toMatchObject({ state: "s" });
    expectPrototypeUntouched();
  });
});

describe("parseAuthorizationResponse: property", () => {
  const piece = fc.constantFrom(
    "access_token",
    "state",
    "token_type",
    "expires_in",
    "scope",
    "error",
    "error_description",
    "error_uri",
    "id_token",
    "__proto__",
    "constructor",
    "prototype",
    "to_string",
    "has_own_property",
    "polluted",
    "__proto__[polluted]",
    "=",
    "&",
    "&",
    "#",
    "?",
    "+",
    " ",
    "%",
    "%2",
    "%zz",
    "%25",
    "%E0%A4",
    "%C3%A9",
    "%00",
    "%22",
    "%5C",
    "%5B",
    "%5D",
    "Bearer",
    "1",
    "3600",
    "-1",
    "x",
    "é",
    "\u{1F600}",
    "\uD800",
    ":",
    "/",
  );
  const fragment = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.array(piece, { maxLength: 24 }).map((parts) => parts.join("")),
    fc
      .tuple(fc.constantFrom("", "#", "https://app.example.com/cb#", "/cb?x#"), fc.array(piece, { maxLength: 24 }))
      .map(([head, parts]) => head + parts.join("")),
  );

  it("random fragments give null or a response, or throw an invalid_response AuthError; never pollute", () => {
    fc.assert(
      fc.property(fragment, (input) => {
        let result: unknown;
        try {
          result = parseAuthorizationResponse(input);
        } catch (e) {
          if (!isAuthError(e) || e.code != "invalid_response") throw e;
          return;
        }
        expect(result === null || Object.getPrototypeOf(result) === Object.prototype).toBe(true);
      }),
      { numRuns: 10_000 },
    );
    expectPrototypeUntouched();
  });
});

describe("splitQuery: an authorization response in the query", () => {
  const APP = "https://app.example.com/cb";

  it("takes error, error_description, error_uri, state and iss, and keeps the app's own parameters in order", () => {
    const [response, rest] = splitQuery(
      `${APP}?tab=2&error=access_denied&error_description=The+user+said+no&x=%41&error_uri=https%3A%2F%2Fid.example.com%2Fe&state=xyz&iss=https%3A%2F%2Fid.example.com&flag`,
    );
    expect(rest).toBe(`${APP}?tab=2&x=%41&flag`);
    expect(parseAuthorizationResponse(response)).toEqual({
      error: "access_denied",
      errorDescription: "The user said no",
      errorUri: "https://id.example.com/e",
      state: "xyz",
      iss: "https://id.example.com",
      params: {
        error: "access_denied",
        error_description: "The user said no",
        error_uri: "https://id.example.com/e",
        state: "xyz",
        iss: "https://id.example.com",
      },
    });
  });

  it("leaves every other parameter to the app, unchecked: scope, code, token_type, repeated or badly encoded ones", () => {
    const [response, rest] = splitQuery(`${APP}?scope=a&scope=b&code=c&token_type=mac&expires_in=x&e=%zz&error=server_error&state=s&errors=1&xstate=2`);
    expect(rest).toBe(`${APP}?scope=a&scope=b&code=c&token_type=mac&expires_in=x&e=%zz&errors=1&xstate=2`);
    expect(parseAuthorizationResponse(response)!.params).toEqual({ error: "server_error", state: "s" });
  });

  it("drops the '?' when nothing of the app's is left, and the fragment", () => {
    expect(splitQuery(`${APP}?error=access_denied&state=s`)[1]).toBe(APP);
    expect(splitQuery(`${APP}?error=access_denied&state=s#/route`)[1]).toBe(APP);
    expect(splitQuery(`${APP}?next=/a?b=1&error=e&state=s`)[1]).toBe(`${APP}?next=/a?b=1`);
    expect(splitQuery(`${APP}?&error=e&&tab=1&state=s&`)[1]).toBe(`${APP}?tab=1`);
  });

  it("reads the response's parameters with the fragment's rules", () => {
    expectInvalid(splitQuery(`${APP}?error=a&error=b&state=s`)[0], "error repeated");
    expectInvalid(splitQuery(`${APP}?error=a&state=s&state=t`)[0], "state repeated");
    expectInvalid(splitQuery(`${APP}?error=%zz&state=s`)[0], "bad percent-encoding");
    expectInvalid(splitQuery(`${APP}?error=a%22b&state=s`)[0], "error malformed");
    expectInvalid(splitQuery(`${APP}?error=a%22b&error_description=line%0Abreak&state=s`)[0], "error malformed");
    // Next to a well-formed error, a malformed description is dropped (Glewlwyd): the error stands.
    const r = parseAuthorizationResponse(splitQuery(`${APP}?error=a&error_description=line%0Abreak&state=s`)[0])!;
    expect(r).toMatchObject({ error: "a", state: "s" });
    expect(r).not.toHaveProperty("errorDescription");
    // The state of a malformed response still names the login it ends.
    expect(errorOf(splitQuery(`${APP}?error=a&error=b&state=s`)[0])).toMatchObject({ state: "s" });
  });

  it("never reads a token from the query, nor keeps it in the URL: the response is malformed", () => {
    const [response, rest] = splitQuery(`${APP}?tab=1&access_token=2YotnFZFEjr1zMsicMWpAA&token_type=Bearer&state=xyz`);
    expect(response).not.toContain("2YotnFZFEjr1zMsicMWpAA");
    expect(rest).not.toContain("2YotnFZFEjr1zMsicMWpAA");
    expect(rest).toBe(`${APP}?tab=1&token_type=Bearer`);
    expect(errorOf(response)).toMatchObject({ code: "invalid_response", description: "access_token malformed", state: "xyz" });
    // Even when the names to read leave access_token out, its value does not stay in the URL.
    expect(splitQuery(`${APP}?access_token=secret&code=c&state=s`, /^(code|state)$/)[1]).toBe(`${APP}?access_token`);
  });

  it("finds no response in a query without one (the app's own, or none)", () => {
    for (const url of [
      APP,
      `${APP}?`,
      `${APP}?tab=2`,
      `${APP}?error_description=x`,
      `${APP}?iss=x`,
      `${APP}#error=access_denied&state=s`,
      `${APP}#/r?error=a&state=s`,
    ]) {
      const [response] = splitQuery(url);
      expect(parseAuthorizationResponse(response), url).toBeNull();
    }
    expect(splitQuery(`${APP}?tab=2`)[1]).toBe(`${APP}?tab=2`);
  });

  it("takes other names when told (the parameters of another response)", () => {
    const [response, rest] = splitQuery(`${APP}?code=abc&state=s&tab=1`, /^(code|state)$/);
    expect(rest).toBe(`${APP}?tab=1`);
    expect(parseAuthorizationResponse(response)).toMatchObject({ code: "abc", state: "s" });
    expect(QUERY_RESPONSE.test("code")).toBe(false);
  });

  it("keeps __proto__ and constructor as the app's plain parameters", () => {
    const [response, rest] = splitQuery(`${APP}?__proto__=x&constructor=y&error=e&state=s`);
    expect(rest).toBe(`${APP}?__proto__=x&constructor=y`);
    expect(parseAuthorizationResponse(response)!.params).toEqual({ error: "e", state: "s" });
    expectPrototypeUntouched();
  });
});
