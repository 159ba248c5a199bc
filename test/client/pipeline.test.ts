// The pipeline the opt-in features join: owned stages have one owner, chained ones run in their
// documented order, and each feature sees its own per-login data only, under its own key.
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { joinPipeline, wrapStage } from "../../src/client/pipeline";
import { codeFlow } from "../../src/code/code-flow";
import { dpop } from "../../src/dpop/dpop";
import { autoRenew } from "../../src/session/auto-renew";
import type { Client } from "../../src/client/types";
import { MemoryStorage } from "../support/memory-storage";
import { PAGE, signIn } from "../support/sign-in";

const ENDPOINT = "https://id.example.com/authorize";
const KEY = "implicitly:spa " + ENDPOINT;

const make = (storage = new MemoryStorage(), extra = {}) =>
  createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: PAGE + "cb", storage, ...extra });

const stateOf = async (client: Client) => new URL(await client.authorizationUrl()).searchParams.get("state")!;
const callback = (state: string) => `${PAGE}cb#access_token=a&token_type=Bearer&expires_in=60&state=${encodeURIComponent(state)}`;

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).probe;
});

describe("owned stages: one owner", () => {
  it.each(["parse", "complete", "token", "authorize", "refresh", "retry", "tokenType"] as const)(
    "a second feature that claims %s is refused with invalid_config naming the stage; the first keeps it",
    (stage) => {
      const { hooks } = internalsOf(make());
      const first = stage == "tokenType" ? "DPoP" : () => undefined;
      joinPipeline(hooks, "one", { [stage]: first });
      const held = hooks[stage];
      let error: unknown;
      try {
        joinPipeline(hooks, "two", { request: () => undefined, [stage]: stage == "tokenType" ? "Bearer" : () => undefined });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: "AuthError", code: "invalid_config", description: stage });
      expect((error as Error).message).toBe(`invalid_config: stage ${stage}: claimed by one and by two; only one feature may own it`);
      expect(hooks[stage]).toBe(held);
      // Refused as a whole: none of its stages joined.
      expect(hooks.request).toEqual([]);
    },
  );

  it("the code flow and a second grant cannot both read the response", () => {
    const client = make(new MemoryStorage(), { tokenEndpoint: "https://id.example.com/token", flow: codeFlow });
    expect(() => joinPipeline(internalsOf(client).hooks, "another grant", { parse: () => [null, ""] })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "parse" }),
    );
  });

  it("the same feature joining again replaces its own stages; leaving gives an owned stage back to the core", () => {
    const client = make();
    const { hooks } = internalsOf(client);
    const core = hooks.parse;
    const own: typeof core = () => [null, ""];
    const stop = autoRenew(client);
    const retry = hooks.retry;
    expect(retry).toBeTypeOf("function");
    const stopNewer = autoRenew(client);
    expect(hooks.retry).not.toBe(retry);
    stop(); // the older one has been replaced: nothing of the newer one goes
    expect(hooks.retry).toBeTypeOf("function");
    stopNewer();
    expect(hooks.retry).toBeUndefined();
    const leave = joinPipeline(hooks, "reader", { parse: own });
    expect(hooks.parse).toBe(own);
    leave();
    expect(hooks.parse).toBe(core);
  });

  it("dpop without the grant's stages is refused, whatever the order of the options", () => {
    expect(() => make(new MemoryStorage(), { dpop })).toThrow(expect.objectContaining({ code: "invalid_config", description: "dpop" }));
    // Options in any order: the grant joins first.
    const client = make(new MemoryStorage(), { dpop, tokenEndpoint: "https://id.example.com/token", flow: codeFlow });
    expect(internalsOf(client).hooks.tokenType).toBe("DPoP");
  });
});

describe("wrapping an owned stage", () => {
  it("needs an owner, runs around it, and its undo restores what it wrapped", async () => {
    const { hooks } = internalsOf(make());
    expect(() => wrapStage(hooks, "keeper", "refresh", (inner) => inner)).toThrow(
      expect.objectContaining({
        code: "invalid_config",
        description: "refresh",
        message: "invalid_config: stage refresh: keeper wraps it, but no feature owns it",
      }),
    );
    const token = { accessToken: "t", tokenType: "Bearer" as const, scope: [] };
    const own = async () => token;
    joinPipeline(hooks, "grant", { refresh: own });
    const seen: string[] = [];
    const unwrap = wrapStage(hooks, "keeper", "refresh", (inner) => async (opts) => (seen.push("around"), inner(opts)));
    expect(await hooks.refresh!({})).toBe(token);
    expect(seen).toEqual(["around"]);
    unwrap();
    expect(hooks.refresh).toBe(own);
  });
});

describe("chained stages: in their order", () => {
  it("request, check and accept run by order (ties: the order of joining), whatever the order they joined in", async () => {
    const client = make();
    const { hooks } = internalsOf(client);
    const seen: string[] = [];
    const feature = (name: string, order?: number) =>
      joinPipeline(hooks, name, {
        ...(order === undefined ? {} : { order }),
        request: (params) => void seen.push("request " + name + " " + params.response_type),
        check: () => void seen.push("check " + name),
        accept: (token) => (seen.push("accept " + name), { ...token, scope: [...token.scope, name] }),
      });
    feature("late");
    feature("identity", 30);
    feature("grant", 10);
    feature("binding", 20);
    feature("late too");
    const state = await stateOf(client);
    const result = await client.handleRedirect(callback(state));
    const order = ["grant", "binding", "identity", "late", "late too"];
    expect(seen).toEqual([
      ...order.map((name) => "request " + name + " token"),
      ...order.map((name) => "check " + name),
      ...order.map((name) => "accept " + name),
    ]);
    // Each accept gets the token the one before returned.
    expect(result!.token.scope).toEqual(order);
  });

  it("checks run before the response is completed, and on an error response too (where complete does not run)", async () => {
    const client = make();
    const { hooks } = internalsOf(client);
    const seen: string[] = [];
    joinPipeline(hooks, "grant", { order: 10, complete: () => void seen.push("complete") });
    joinPipeline(hooks, "identity", { order: 30, check: (r) => void seen.push("check " + (r.error ?? "ok")) });
    await client.handleRedirect(callback(await stateOf(client)));
    const denied = `${PAGE}cb#error=access_denied&state=${encodeURIComponent(await stateOf(client))}`;
    await expect(client.handleRedirect(denied)).rejects.toMatchObject({ code: "access_denied" });
    expect(seen).toEqual(["check ok", "complete", "check access_denied"]);
  });

  it("the last endpoint a request stage gives wins; none: the configured one", async () => {
    const client = make();
    const { hooks } = internalsOf(client);
    expect(new URL(await client.authorizationUrl()).origin).toBe("https://id.example.com");
    joinPipeline(hooks, "a", { request: () => "https://a.example.com/authorize" });
    joinPipeline(hooks, "b", { request: () => undefined });
    expect(new URL(await client.authorizationUrl()).origin).toBe("https://a.example.com");
  });
});

describe("per-login data: the feature's own, under its own key", () => {
  it("is stored under the feature's name, handed back to that feature only, and left out when empty", async () => {
    const storage = new MemoryStorage();
    const client = make(storage);
    const { hooks } = internalsOf(client);
    const got: Record<string, unknown> = {};
    joinPipeline(hooks, "alpha", {
      request: (_params, _login, data) => void (data.secret = "a-1"),
      accept: (token, _response, _login, data) => ((got.alpha = { ...data }), token),
    });
    joinPipeline(hooks, "beta", {
      request: () => undefined, // stores nothing
      check: (_response, _login, data) => void (got.beta = { ...data }),
    });
    const state = await stateOf(client);
    const stored = JSON.parse(storage.data.get(KEY)!)[state];
    expect(stored.features).toEqual({ alpha: { secret: "a-1" } });
    await client.handleRedirect(callback(state));
    expect(got).toEqual({ alpha: { secret: "a-1" }, beta: {} });
  });

  it("a plain login stores no features at all", async () => {
    const storage = new MemoryStorage();
    const state = await stateOf(make(storage));
    expect(Object.keys(JSON.parse(storage.data.get(KEY)!)[state]).sort()).toEqual(["created", "redirectUri", "scope"]);
  });

  it("a feature's data is read from the login's own members only: a name planted on Object.prototype is none", async () => {
    const client = make();
    const seen: unknown[] = [];
    joinPipeline(internalsOf(client).hooks, "probe", { accept: (token, _r, _l, data) => (seen.push(data.verifier), token) });
    (Object.prototype as Record<string, unknown>).probe = { verifier: "planted" };
    await client.handleRedirect(callback(await stateOf(client)));
    expect(seen).toEqual([undefined]);
  });

  it("signIn still works with every built-in feature's data in place", async () => {
    expect((await signIn(make())).accessToken).toBe("2YotnFZFEjr1zMsicMWpAA");
  });
});
