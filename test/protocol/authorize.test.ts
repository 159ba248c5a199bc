import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl } from "../../src/protocol/authorize";
import { createClient } from "../../src/client/client";
import { MemoryStorage } from "../support/memory-storage";

const ENDPOINT = "https://id.example.com/oauth2/authorize";

/** Every parameter of `url`'s query, in order, with repeats. */
const pairs = (url: string) => [...new URL(url).searchParams];

describe("buildAuthorizationUrl", () => {
  it("builds the RFC 6749 §4.2.1 request", () => {
    const url = buildAuthorizationUrl(ENDPOINT, {
      response_type: "token",
      client_id: "s6BhdRkqt3",
      state: "xyz",
      redirect_uri: "https://client.example.com/cb",
    });
    expect(url).toBe(
      "https://id.example.com/oauth2/authorize?response_type=token&client_id=s6BhdRkqt3&state=xyz&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb",
    );
  });

  it("keeps the endpoint's own query, first and in order", () => {
    const url = buildAuthorizationUrl(ENDPOINT + "?tenant=a&p=B2C_1_signin", { response_type: "token", client_id: "spa" });
    expect(pairs(url)).toEqual([
      ["tenant", "a"],
      ["p", "B2C_1_signin"],
      ["response_type", "token"],
      ["client_id", "spa"],
    ]);
    expect(new URL(url).pathname).toBe("/oauth2/authorize");
  });

  it("never repeats a parameter: one the endpoint carries is replaced", () => {
    const url = buildAuthorizationUrl(ENDPOINT + "?client_id=old&prompt=a&prompt=b&keep=1", { client_id: "spa", prompt: "login" });
    const names = pairs(url).map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    expect(new URL(url).searchParams.get("client_id")).toBe("spa");
    expect(new URL(url).searchParams.get("prompt")).toBe("login");
    expect(new URL(url).searchParams.get("keep")).toBe("1");
  });

  it("repeats a parameter given as a list, once per value in order, in place of the endpoint's (RFC 8707 resource)", () => {
    const url = buildAuthorizationUrl(ENDPOINT + "?resource=urn%3Aold&keep=1", { client_id: "spa", resource: ["https://a.example.com/", "urn:b c"] });
    expect(pairs(url)).toEqual([
      ["keep", "1"],
      ["client_id", "spa"],
      ["resource", "https://a.example.com/"],
      ["resource", "urn:b c"],
    ]);
    // An empty list sends none.
    expect(new URL(buildAuthorizationUrl(ENDPOINT, { resource: [] })).searchParams.has("resource")).toBe(false);
  });

  it("leaves undefined values out, keeping the endpoint's value of that name", () => {
    const url = buildAuthorizationUrl(ENDPOINT + "?scope=openid", { client_id: "spa", scope: undefined, state: undefined });
    expect(pairs(url)).toEqual([
      ["scope", "openid"],
      ["client_id", "spa"],
    ]);
  });

  it("form-encodes names and values so that every one comes back intact", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string({ unit: "grapheme" })), (params) => {
        const url = buildAuthorizationUrl(ENDPOINT + "?fixed=1", params);
        const parsed = new URL(url);
        expect(parsed.origin + parsed.pathname).toBe(ENDPOINT);
        expect(parsed.hash).toBe("");
        const back = Object.fromEntries([...parsed.searchParams].filter(([name]) => name in params));
        expect(back).toEqual({ ...params });
        if (!("fixed" in params)) expect(parsed.searchParams.getAll("fixed")).toEqual(["1"]);
      }),
      { numRuns: 500 },
    );
    const url = buildAuthorizationUrl(ENDPOINT, { redirect_uri: "https://app.test/cb?a=1&b=2#x", state: "a b+c/é" });
    expect(url).not.toContain("#");
    expect(url).toContain("redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fa%3D1%26b%3D2%23x");
    expect(url).toContain("state=a+b%2Bc%2F%C3%A9");
  });

  it("throws TypeError for an endpoint that is not an absolute URL", () => {
    expect(() => buildAuthorizationUrl("/authorize", { a: "b" })).toThrow(TypeError);
  });
});

describe("the client's authorization request", () => {
  const make = (extraParams?: Record<string, string>) =>
    createClient({
      authorizationEndpoint: ENDPOINT + "?tenant=t1&prompt=consent",
      clientId: "spa",
      redirectUri: "https://app.example.com/cb",
      scope: "profile",
      storage: new MemoryStorage(),
      ...(extraParams ? { extraParams } : {}),
    });

  it("sends extraParams, keeps the endpoint's query, and repeats nothing", async () => {
    const url = await make({ audience: "https://api.example.com", prompt: "login", ui_locales: "fr en" }).authorizationUrl({
      extraParams: { login_hint: "a@b.test", ui_locales: "de" },
    });
    const q = new URL(url).searchParams;
    const names = [...q.keys()];
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(["audience", "client_id", "login_hint", "prompt", "redirect_uri", "response_type", "scope", "state", "tenant", "ui_locales"]);
    expect(q.get("audience")).toBe("https://api.example.com");
    expect(q.get("prompt")).toBe("login");
    expect(q.get("ui_locales")).toBe("de");
    expect(q.get("login_hint")).toBe("a@b.test");
    expect(q.get("tenant")).toBe("t1");
    expect(q.get("response_type")).toBe("token");
  });

  it("keeps the endpoint's parameters when there are no extraParams", async () => {
    const q = new URL(await make().authorizationUrl()).searchParams;
    expect(q.get("prompt")).toBe("consent");
    expect(q.get("tenant")).toBe("t1");
  });

  it("never lets extraParams set the SDK's own parameters", async () => {
    for (const name of ["response_type", "client_id", "redirect_uri", "scope", "state"]) {
      expect(() => make({ [name]: "x" })).toThrow(expect.objectContaining({ code: "invalid_config", description: "extraParams" }));
      await expect(make().authorizationUrl({ extraParams: { [name]: "x" } })).rejects.toMatchObject({ code: "invalid_config", description: "extraParams" });
    }
  });
});
