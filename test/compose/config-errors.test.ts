// @vitest-environment jsdom
// Configuration errors that teach, as plain-JavaScript users meet them through the public
// createClient and createOidcClient: a misspelled option is refused with the closest known name, a
// feature option that holds something else is refused (never a TypeError), and every
// invalid_config says what was given (without a URL's secrets) and the rule it broke, while its
// description stays the option's name.
import { describe, expect, it } from "vitest";
import { codeFlow, createClient, createOidcClient, dpop, isAuthError } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";

const BASE = { authorizationEndpoint: "https://id.example.com/authorize", clientId: "spa", redirectUri: "https://app.example.com/cb" };

/** The error of `make()` (fails the test when nothing is thrown). */
const errorOf = (make: () => unknown): Error & { code?: string; description?: string } => {
  try {
    make();
  } catch (e) {
    return e as Error;
  }
  throw new Error("accepted");
};
const clientError = (extra: Record<string, unknown>) => errorOf(() => createClient({ ...BASE, ...extra } as never));

describe("unknown options", () => {
  it.each([
    ["silentRedirectURI", "silentRedirectUri"],
    ["clientID", "clientId"],
    ["redirectUrl", "redirectUri"],
    ["resourceOrigin", "resourceOrigins"],
    ["tokenEndpont", "tokenEndpoint"],
    ["scopes", "scope"],
    ["athorizationEndpoint", "authorizationEndpoint"],
    ["extraParameters", "extraParams"],
    ["revokeEndpoint", "revocationEndpoint"],
  ])("%s is refused, naming %s", (typo, known) => {
    const e = clientError({ [typo]: "x" });
    expect(isAuthError(e)).toBe(true);
    expect(e).toMatchObject({ code: "invalid_config", description: typo });
    expect(e.message).toBe(`invalid_config: unknown option "${typo}": did you mean ${known}?`);
  });

  it("knows every feature's options, also those read later (renew, signOut) or by another factory", () => {
    expect(() =>
      createClient({
        ...BASE,
        storage: new MemoryStorage(),
        silentRedirectUri: "https://app.example.com/silent",
        silentTimeout: 5,
        revocationEndpoint: "https://id.example.com/revoke",
        endSessionEndpoint: "https://id.example.com/end",
        tokenEndpoint: "https://id.example.com/token",
        tokenTimeout: 5,
        responseMode: "fragment",
        issuer: "https://id.example.com",
        flow: codeFlow,
        dpop,
      }),
    ).not.toThrow();
    expect(() =>
      createOidcClient({
        issuer: "https://id.example.com",
        clientId: "spa",
        redirectUri: BASE.redirectUri,
        jwksUri: "https://id.example.com/jwks",
        algorithms: ["ES256"],
      }),
    ).not.toThrow();
  });

  it("createOidcClient refuses a misspelled option too, naming the closest of its own or the core's", () => {
    const e = errorOf(() => createOidcClient({ issuer: "https://id.example.com", clientId: "spa", redirectUri: BASE.redirectUri, jwksUrl: "x" } as never));
    expect(e).toMatchObject({ code: "invalid_config", description: "jwksUrl" });
    expect(e.message).toContain("did you mean jwksUri?");
  });

  it("a name planted on Object.prototype is no option, and refuses nothing", () => {
    (Object.prototype as Record<string, unknown>).silentRedirectURI = "x";
    try {
      expect(() => createClient(BASE)).not.toThrow();
    } finally {
      delete (Object.prototype as Record<string, unknown>).silentRedirectURI;
    }
  });
});

describe("feature options hold the exported function", () => {
  it.each<[string, unknown, string]>([
    ["flow", "code", '"code"'],
    ["flow", true, "a boolean"],
    ["flow", () => undefined, "a function"],
    ["flow", dpop, "a function"],
    ["dpop", true, "a boolean"],
    ["dpop", codeFlow, "a function"],
  ])("%s: %s is refused with invalid_config, not a TypeError", (option, value, shown) => {
    const e = clientError({ tokenEndpoint: "https://id.example.com/token", [option]: value });
    expect(isAuthError(e)).toBe(true);
    expect(e).toMatchObject({ code: "invalid_config", description: option });
    const name = option == "flow" ? "codeFlow" : "dpop";
    expect(e.message).toBe(`invalid_config: ${option}: ${shown} is not ${name} (import { ${name} } from "implicitly")`);
  });
});

describe("each invalid_config says what was given and the rule", () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      "resourceOrigins",
      { resourceOrigins: ["api.example.com"] },
      "resourceOrigins",
      'resourceOrigins[0]: "api.example.com" is not an absolute https: (or loopback http:) origin (or origin + path)',
    ],
    [
      "resourceOrigins",
      { resourceOrigins: ["https://api.example.com", 42] },
      "resourceOrigins",
      "resourceOrigins[1]: a number is not an absolute https: (or loopback http:) origin (or origin + path)",
    ],
    ["resourceOrigins", { resourceOrigins: "https://api.example.com" }, "resourceOrigins", 'resourceOrigins: "https://api.example.com" is not an array'],
    [
      "authorizationEndpoint",
      { authorizationEndpoint: "http://id.example.com/authorize" },
      "authorizationEndpoint",
      'authorizationEndpoint: "http://id.example.com/authorize" is not an absolute https: (or loopback http:) URL without #fragment',
    ],
    ["clientId", { clientId: 42 }, "clientId", "clientId: a number is not a string of visible ASCII"],
    ["clientId", { clientId: undefined }, "clientId", "clientId: nothing is not a string of visible ASCII"],
    ["scope", { scope: ['a"b'] }, "scope", "scope: an array is not a list of scope tokens (RFC 6749 §3.3)"],
    ["stateTtl", { stateTtl: 0 }, "stateTtl", "stateTtl: a number is not a number of seconds > 0"],
    ["clockSkew", { clockSkew: "30" }, "clockSkew", 'clockSkew: "30" is not a number of seconds >= 0'],
    ["extraParams", { extraParams: { state: "x" } }, "extraParams", 'extraParams.state: "state" is set by the client'],
    ["extraParams", { extraParams: { audience: 1 } }, "extraParams", "extraParams.audience: a number is not a string"],
    ["storage", { storage: "sessionStorage" }, "storage", 'storage: "sessionStorage" is not a Storage'],
    ["fetch", { fetch: null }, "fetch", "fetch: null is not a function"],
  ])("%s", (_name, extra, description, message) => {
    const e = clientError(extra);
    expect(e).toMatchObject({ code: "invalid_config", description });
    expect(e.message).toBe("invalid_config: " + message);
  });

  it("a path is the page's own origin; a bare host is refused, never read as a path of the page", () => {
    expect(() => createClient({ ...BASE, resourceOrigins: ["/api/"] })).not.toThrow();
    expect(clientError({ resourceOrigins: ["api.example.com/v1"] })).toMatchObject({ code: "invalid_config", description: "resourceOrigins" });
  });

  it("shows a URL without its user info, query and fragment, which may hold secrets", () => {
    const e = clientError({ authorizationEndpoint: "http://alice:s3cret@id.example.com/authorize?client_secret=hush#tok" });
    expect(e.message).toBe(
      'invalid_config: authorizationEndpoint: "http://…@id.example.com/authorize…" is not an absolute https: (or loopback http:) URL without #fragment',
    );
    expect(e.message).not.toMatch(/alice|s3cret|hush|tok/);
    expect(e.description).toBe("authorizationEndpoint");
  });

  it("the options themselves", () => {
    expect(errorOf(() => createClient(undefined as never)).message).toBe("invalid_config: options: nothing is not an object");
  });
});
