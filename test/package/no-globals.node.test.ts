// @vitest-environment node
// The built module outside a browser (SSR, Node tools): no window, document, location, history or
// Web Storage at all. Importing it must work, and must not even read the globals Node does have.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStorage } from "../support/memory-storage";
import { poisonGlobals, restoreGlobals, touched } from "../support/poison-globals";

type Sdk = typeof import("../../src/index");

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");
const require = createRequire(import.meta.url);
afterEach(restoreGlobals);

const EXPORTS = ["AuthError", "buildAuthorizationUrl", "createClient", "isAuthError", "parseAuthorizationResponse", "parseBearerChallenge"];

describe("dist in Node", () => {
  it("runs without a DOM", () => {
    for (const name of ["window", "document", "location", "history", "sessionStorage"]) {
      expect(typeof (globalThis as Record<string, unknown>)[name]).toBe("undefined");
    }
  });

  it("imports dist/implicitly.mjs without reading any page global", async () => {
    vi.resetModules();
    poisonGlobals();
    let sdk: Sdk;
    try {
      sdk = (await import(/* @vite-ignore */ join(DIST, "implicitly.mjs"))) as Sdk;
    } finally {
      restoreGlobals();
    }
    expect(touched).toEqual([]);
    expect(Object.keys(sdk)).toEqual(expect.arrayContaining(EXPORTS));
  });

  it("requires dist/implicitly.cjs without reading any page global", () => {
    const file = require.resolve("../../dist/implicitly.cjs");
    delete require.cache[file];
    poisonGlobals();
    let sdk: Sdk;
    try {
      sdk = require(file) as Sdk;
    } finally {
      restoreGlobals();
    }
    expect(touched).toEqual([]);
    expect(Object.keys(sdk)).toEqual(expect.arrayContaining(EXPORTS));
  });

  it("the pure helpers work in Node", async () => {
    const { AuthError, buildAuthorizationUrl, isAuthError, parseAuthorizationResponse, parseBearerChallenge } = (await import(
      /* @vite-ignore */ join(DIST, "implicitly.mjs")
    )) as Sdk;
    expect(buildAuthorizationUrl("https://id.example.com/a?x=1", { state: "s" })).toBe("https://id.example.com/a?x=1&state=s");
    expect(parseAuthorizationResponse("https://app.example.com/cb#access_token=a&state=s")).toMatchObject({ accessToken: "a", state: "s" });
    expect(() => parseAuthorizationResponse("#state=a&state=b")).toThrow(AuthError);
    expect(parseBearerChallenge('Bearer error="invalid_token"')).toEqual({ error: "invalid_token" });
    expect(isAuthError(new AuthError("login_required"))).toBe(true);
  });

  it("createClient works with explicit options, and reports a missing page as no_browser, not a ReferenceError", async () => {
    const { createClient } = (await import(/* @vite-ignore */ join(DIST, "implicitly.mjs"))) as Sdk;
    const storage = new MemoryStorage();
    const client = createClient({
      authorizationEndpoint: "https://id.example.com/authorize",
      clientId: "spa",
      redirectUri: "https://app.example.com/cb",
      resourceOrigins: ["https://api.example.com"],
      storage,
    });
    const url = new URL(await client.authorizationUrl());
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example.com/cb");
    expect(storage.getItem("implicitly:spa https://id.example.com/authorize")).toContain(url.searchParams.get("state"));
    expect(() => createClient({ authorizationEndpoint: "https://id.example.com/authorize", clientId: "spa" })).toThrow(
      expect.objectContaining({ name: "AuthError", code: "no_browser", description: "redirectUri" }),
    );
  });

  it("handleRedirect, login, restore, renew and loginWithPopup reject no_browser, not a ReferenceError", async () => {
    const { createClient, restore, renew, loginWithPopup } = (await import(/* @vite-ignore */ join(DIST, "implicitly.mjs"))) as Sdk;
    const storage = new MemoryStorage();
    const client = createClient({
      authorizationEndpoint: "https://id.example.com/authorize",
      clientId: "spa",
      redirectUri: "https://app.example.com/",
      storage,
    });
    const noBrowser = { name: "AuthError", code: "no_browser" };
    await expect(client.handleRedirect()).rejects.toMatchObject(noBrowser);
    await expect(client.login()).rejects.toMatchObject(noBrowser);
    await expect(restore(client)).rejects.toMatchObject(noBrowser);
    await expect(renew(client)).rejects.toMatchObject(noBrowser);
    await expect(loginWithPopup(client)).rejects.toMatchObject(noBrowser);
    expect(storage.writes).toEqual([]);
  });
});
