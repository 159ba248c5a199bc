import { describe, expect, it, vi } from "vitest";
import { discover } from "../../src/oidc/discovery";
import { jsonFetch } from "../support/jws";

const ISSUER = "https://id.example.com";
const doc = (issuer = ISSUER) => ({
  issuer,
  authorization_endpoint: issuer + "/auth",
  jwks_uri: issuer + "/jwks",
  response_types_supported: ["id_token token"],
  subject_types_supported: ["public"],
  id_token_signing_alg_values_supported: ["RS256", "ES256"],
  authorization_response_iss_parameter_supported: true,
  end_session_endpoint: issuer + "/session/end",
});

describe("discover", () => {
  it("reads the metadata of the issuer", async () => {
    const { fetchFn, calls } = jsonFetch(() => doc());
    const m = await discover(ISSUER, fetchFn);
    expect(calls).toEqual([ISSUER + "/.well-known/openid-configuration"]);
    expect(m).toMatchObject({
      issuer: ISSUER,
      authorizationEndpoint: ISSUER + "/auth",
      jwksUri: ISSUER + "/jwks",
      idTokenAlgorithms: ["RS256", "ES256"],
      issParameterSupported: true,
    });
    expect(m.metadata.end_session_endpoint).toBe(ISSUER + "/session/end");
  });

  it("says when the iss parameter is not supported", async () => {
    const { authorization_response_iss_parameter_supported: _, ...old } = doc();
    expect((await discover(ISSUER, jsonFetch(() => old).fetchFn)).issParameterSupported).toBe(false);
    expect((await discover(ISSUER, jsonFetch(() => ({ ...old, authorization_response_iss_parameter_supported: "true" })).fetchFn)).issParameterSupported).toBe(
      false,
    );
  });

  it.each([
    ["https://id.example.com/tenant", "https://id.example.com/tenant/.well-known/openid-configuration"],
    ["https://id.example.com/tenant/", "https://id.example.com/tenant/.well-known/openid-configuration"],
    ["https://id.example.com/", "https://id.example.com/.well-known/openid-configuration"],
  ])("appends the well-known path to %s without a double slash (Discovery §4)", async (issuer, url) => {
    const { fetchFn, calls } = jsonFetch(() => doc(issuer));
    expect((await discover(issuer, fetchFn)).issuer).toBe(issuer);
    expect(calls).toEqual([url]);
  });

  it.each([
    ["another issuer", "https://evil.example"],
    ["the issuer with a trailing slash added", ISSUER + "/"],
    ["the issuer in other case", "https://ID.example.com"],
  ])("rejects a document naming %s", async (_, issuer) => {
    await expect(discover(ISSUER, jsonFetch(() => doc(issuer)).fetchFn)).rejects.toMatchObject({
      code: "discovery_failed",
      message: expect.stringContaining("issuer mismatch"),
    });
  });

  it("rejects a document naming the issuer without the configured trailing slash", async () => {
    await expect(discover(ISSUER + "/", jsonFetch(() => doc(ISSUER)).fetchFn)).rejects.toMatchObject({
      code: "discovery_failed",
      message: expect.stringContaining("issuer mismatch"),
    });
  });

  it("rejects a document without issuer", async () => {
    const { issuer: _, ...rest } = doc();
    await expect(discover(ISSUER, jsonFetch(() => rest).fetchFn)).rejects.toMatchObject({
      code: "discovery_failed",
      message: expect.stringContaining("issuer mismatch"),
    });
  });

  it.each(["authorization_endpoint", "jwks_uri", "id_token_signing_alg_values_supported"])("rejects a document without %s", async (name) => {
    const d: Record<string, unknown> = doc();
    delete d[name];
    await expect(discover(ISSUER, jsonFetch(() => d).fetchFn)).rejects.toMatchObject({
      code: "discovery_failed",
      message: expect.stringContaining("metadata incomplete"),
    });
    d[name] = 42;
    await expect(discover(ISSUER, jsonFetch(() => d).fetchFn)).rejects.toMatchObject({ code: "discovery_failed" });
  });

  it.each([
    ["an HTTP error", jsonFetch(() => doc(), 404).fetchFn],
    ["a body that is not JSON", jsonFetch(() => "<html>").fetchFn],
    ["a JSON array", jsonFetch(() => [doc()]).fetchFn],
    [
      "a network error",
      (async () => {
        throw new TypeError("Failed to fetch");
      }) as typeof fetch,
    ],
  ])("reports %s as discovery_failed", async (_, fetchFn) => {
    await expect(discover(ISSUER, fetchFn)).rejects.toMatchObject({ code: "discovery_failed", message: expect.stringContaining("no metadata for " + ISSUER) });
  });

  it("uses globalThis.fetch at call time when no fetch is given", async () => {
    const { fetchFn, calls } = jsonFetch(() => doc());
    vi.stubGlobal("fetch", fetchFn);
    try {
      await discover(ISSUER);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(calls).toHaveLength(1);
  });

  it("cannot be polluted by the document", async () => {
    const body = JSON.stringify(doc()).replace("{", '{"__proto__":{"polluted":"yes","jwks_uri":"https://evil.example/jwks"},');
    const m = await discover(ISSUER, jsonFetch(() => body).fetchFn);
    expect(m.jwksUri).toBe(ISSUER + "/jwks");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m.metadata)).toBeNull();
  });
});
