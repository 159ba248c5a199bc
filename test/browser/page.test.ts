// @vitest-environment node
// Server-side rendering, Node: no page (no location, no window). What needs a page rejects `no_browser` (an
// AuthError an app can branch on), never a ReferenceError, and stores nothing first.
import { describe, expect, it } from "vitest";
import { inPage } from "../../src/browser/page";
import { createClient } from "../../src/client/client";
import { createOidcClient } from "../../src/oidc/oidc-client";
import { AuthError } from "../../src/protocol/errors";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import { restore } from "../../src/session/restore";
import { MemoryStorage } from "../support/memory-storage";

const ENDPOINT = "https://id.example.com/authorize";
const APP = "https://app.example.com/";
const NO_BROWSER = { name: "AuthError", code: "no_browser" };

const make = () => {
  const storage = new MemoryStorage();
  const client = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: APP, storage });
  return { client, storage };
};

describe("outside a page", () => {
  it("has no window (and no location, history or document)", () => {
    for (const name of ["window", "location", "history", "document"]) expect(name in globalThis).toBe(false);
  });

  it("inPage() throws no_browser, naming what needed the page", () => {
    expect(() => inPage("redirectUri")).toThrow(AuthError);
    expect(() => inPage("redirectUri")).toThrow(expect.objectContaining({ ...NO_BROWSER, description: "redirectUri" }));
    expect(() => inPage()).toThrow(expect.objectContaining({ ...NO_BROWSER, description: undefined }));
  });

  it("createClient() without redirectUri says there is no page to default to", () => {
    expect(() => createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa" })).toThrow(
      expect.objectContaining({ ...NO_BROWSER, description: "redirectUri" }),
    );
    expect(() => createOidcClient({ issuer: "https://id.example.com", clientId: "spa" })).toThrow(
      expect.objectContaining({ ...NO_BROWSER, description: "redirectUri" }),
    );
    // A bad option is still invalid_config, and one given explicitly needs no page.
    expect(() => createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: "http://app.example.com/" })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "redirectUri" }),
    );
  });

  it("handleRedirect() rejects no_browser, with or without a URL", async () => {
    const { client, storage } = make();
    await expect(client.handleRedirect()).rejects.toMatchObject(NO_BROWSER);
    await expect(client.handleRedirect(APP + "#access_token=a&token_type=Bearer&state=s")).rejects.toMatchObject(NO_BROWSER);
    expect(client.getToken()).toBeNull();
    expect(storage.writes).toEqual([]);
  });

  it("login() rejects no_browser before storing a pending login", async () => {
    const { client, storage } = make();
    await expect(client.login()).rejects.toMatchObject(NO_BROWSER);
    expect(storage.writes).toEqual([]);
  });

  it("authorizationUrl() still works: it needs no page", async () => {
    const { client, storage } = make();
    expect(new URL(await client.authorizationUrl()).searchParams.get("redirect_uri")).toBe(APP);
    expect(storage.writes).toHaveLength(1);
  });

  it.each([
    ["restore()", restore],
    ["renew()", renew],
    ["loginWithPopup()", loginWithPopup],
  ] as const)("%s rejects no_browser, storing nothing", async (_, feature) => {
    const { client, storage } = make();
    const outcome = feature(client);
    expect(outcome).toBeInstanceOf(Promise); // a rejection, never a synchronous throw
    await expect(outcome).rejects.toMatchObject(NO_BROWSER);
    expect(storage.writes).toEqual([]);
  });
});
