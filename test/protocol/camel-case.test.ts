import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cachedNames, camelCase } from "../../src/protocol/camel-case";
import { parseAuthorizationResponse } from "../../src/protocol/response";
import { parseBearerChallenge } from "../../src/protocol/challenge";

describe("camelCase", () => {
  it("converts lower-case wire names, and leaves out others and Object.prototype's", () => {
    const params = Object.assign(Object.create(null) as Record<string, string>, { error_description: "d", session_state: "s", Odd: "1", to_string: "x" });
    expect(camelCase(params)).toEqual({ errorDescription: "d", sessionState: "s" });
  });

  it("caches known wire names only: names a server or an attacker makes up never fill the cache", () => {
    parseAuthorizationResponse("#access_token=a&token_type=Bearer&expires_in=1&state=s&error_uri=https%3A%2F%2Fe.test%2F");
    const known = cachedNames();
    expect(known).toEqual(expect.arrayContaining(["access_token", "token_type", "expires_in"]));
    const name = fc.stringMatching(/^[a-z]{1,8}(_[a-z]{1,8}){1,3}$/);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 20 }), (names) => {
        const fragment = "#state=s&" + names.map((n) => n + "=1").join("&");
        try {
          parseAuthorizationResponse(fragment);
        } catch {
          // a repeated name: still parsed up to there
        }
        parseBearerChallenge("Bearer " + names.map((n) => n + '="1"').join(", "));
      }),
      { numRuns: 500 },
    );
    // Still converted, every time.
    expect(parseAuthorizationResponse("#state=s&made_up_name=1")!.madeUpName).toBe("1");
    expect(cachedNames().filter((n) => !known.includes(n))).toEqual([]);
    expect(cachedNames().length).toBeLessThanOrEqual(8);
  });
});
