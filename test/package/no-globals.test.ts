import { afterEach, describe, expect, it, vi } from "vitest";
import { poisonGlobals, restoreGlobals, touched } from "../support/poison-globals";

// The module may be imported where the page's globals are missing or hostile (SSR, workers,
// sandboxed frames): importing it must not touch any of them.

afterEach(restoreGlobals);

describe("importing src/index", () => {
  it("reads none of location, history, sessionStorage, document, window, crypto, fetch", async () => {
    vi.resetModules();
    poisonGlobals();
    let mod: typeof import("../../src/index");
    try {
      mod = await import("../../src/index");
    } finally {
      restoreGlobals();
    }
    expect(touched).toEqual([]);
    expect(Object.keys(mod)).toEqual(
      expect.arrayContaining(["AuthError", "buildAuthorizationUrl", "createClient", "isAuthError", "parseAuthorizationResponse", "parseBearerChallenge"]),
    );
  });

  it("leaves the pure helpers usable while those globals throw", async () => {
    vi.resetModules();
    poisonGlobals();
    try {
      const { AuthError, buildAuthorizationUrl, isAuthError, parseAuthorizationResponse, parseBearerChallenge } = await import("../../src/index");
      expect(buildAuthorizationUrl("https://id.example.com/a?x=1", { state: "s" })).toBe("https://id.example.com/a?x=1&state=s");
      expect(parseAuthorizationResponse("#access_token=a&state=s")).toMatchObject({ accessToken: "a", state: "s" });
      expect(() => parseAuthorizationResponse("#state=a&state=b")).toThrow(AuthError);
      expect(parseBearerChallenge('Bearer error="invalid_token"')).toEqual({ error: "invalid_token" });
      expect(isAuthError(new AuthError("login_required"))).toBe(true);
      expect(touched).toEqual([]);
    } finally {
      restoreGlobals();
    }
  });

  it("the poisoned globals do throw (the check above can fail)", () => {
    poisonGlobals();
    try {
      expect(() => (globalThis as { location?: unknown }).location).toThrow(/location read during import/);
      expect(touched).toEqual(["location"]);
    } finally {
      restoreGlobals();
    }
    expect(location.href).toBe("http://localhost:3000/");
  });
});
