import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { requestToken } from "../../src/code/token-request";
import { codeFlow } from "../../src/code/code-flow";
import { MemoryStorage } from "../support/memory-storage";

const TOKEN = "https://id.example.com/token";
const json = (body: unknown, status = 200, type = "application/json") => new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

const internals = (fetchFn: typeof fetch, extra = {}) =>
  internalsOf(
    createClient({
      authorizationEndpoint: "https://id.example.com/authorize",
      clientId: "spa",
      storage: new MemoryStorage(),
      fetch: fetchFn,
      flow: codeFlow,
      tokenEndpoint: TOKEN,
      ...extra,
    }),
  );

afterEach(() => vi.useRealTimers());

describe("requestToken", () => {
  it("POSTs a form, never cached, without cookies or redirects, parameters in the body only", async () => {
    const fetchFn = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({ access_token: "a", token_type: "Bearer" }));
    const r = await requestToken(internals(fetchFn as typeof fetch), TOKEN, { grant_type: "refresh_token", refresh_token: "r1", scope: undefined });
    expect(r.accessToken).toBe("a");
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe(TOKEN);
    expect(init).toMatchObject({ method: "POST", cache: "no-store", credentials: "omit", redirect: "error" });
    expect(init!.headers).toEqual({ "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" });
    expect(String(init!.body)).toBe("grant_type=refresh_token&refresh_token=r1");
    expect(init!.signal).toBeInstanceOf(AbortSignal);
  });

  it("sends own parameters only: a name some other code set on Object.prototype never reaches the body", async () => {
    const fetchFn = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({ access_token: "a", token_type: "Bearer" }));
    const i = internals(fetchFn as typeof fetch);
    const proto = Object.prototype as Record<string, unknown>;
    proto.client_secret = "planted";
    try {
      await requestToken(i, TOKEN, { grant_type: "refresh_token", refresh_token: "r1" });
    } finally {
      delete proto.client_secret;
    }
    expect(String(fetchFn.mock.calls[0]![1]!.body)).toBe("grant_type=refresh_token&refresh_token=r1");
  });

  it("rejects token_network when fetch fails (network, CORS, a refused preflight)", async () => {
    const fetchFn = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(requestToken(internals(fetchFn), TOKEN, {})).rejects.toMatchObject({ code: "token_network", description: "TypeError: Failed to fetch" });
  });

  it("rejects token_network when the body cannot be read", async () => {
    const broken = { status: 200, headers: new Headers(), text: () => Promise.reject(new TypeError("terminated")) } as unknown as Response;
    await expect(
      requestToken(
        internals(async () => broken),
        TOKEN,
        {},
      ),
    ).rejects.toMatchObject({ code: "token_network" });
  });

  it("rejects token_timeout after tokenTimeout seconds without an answer, and aborts the request", async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const fetchFn = vi.fn(
      (_url: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          signal = init!.signal!;
          signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const outcome = requestToken(internals(fetchFn as typeof fetch, { tokenTimeout: 3 }), TOKEN, {}).catch((e) => e);
    await vi.advanceTimersByTimeAsync(2999);
    expect(signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({ code: "token_timeout" });
    expect(signal!.aborted).toBe(true);
  });

  it("clears its timer once answered", async () => {
    vi.useFakeTimers();
    await requestToken(
      internals(async () => json({ access_token: "a", token_type: "Bearer" })),
      TOKEN,
      {},
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends through the token hook when a feature set one (DPoP)", async () => {
    const fetchFn = vi.fn(async () => json({}));
    const i = internals(fetchFn);
    const hook = vi.fn(async (_url: string, init: RequestInit) =>
      json({ access_token: "d", token_type: "Bearer", seen: (init.headers as Record<string, string>).Accept }),
    );
    i.hooks.token = hook;
    expect((await requestToken(i, TOKEN, {})).accessToken).toBe("d");
    expect(hook).toHaveBeenCalledWith(TOKEN, expect.objectContaining({ method: "POST" }));
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it("reports the codes of a bad answer", async () => {
    await expect(
      requestToken(
        internals(async () => new Response("<html>", { status: 200, headers: { "Content-Type": "text/html" } })),
        TOKEN,
        {},
      ),
    ).rejects.toMatchObject({ code: "token_content_type" });
    await expect(
      requestToken(
        internals(async () => new Response("oops", { status: 200, headers: { "Content-Type": "application/json" } })),
        TOKEN,
        {},
      ),
    ).rejects.toMatchObject({ code: "token_not_json" });
    await expect(
      requestToken(
        internals(async () => new Response("", { status: 400 })),
        TOKEN,
        {},
      ),
    ).rejects.toMatchObject({ code: "token_http_error" });
    await expect(
      requestToken(
        internals(async () => json({ error: "invalid_grant" }, 400)),
        TOKEN,
        {},
      ),
    ).rejects.toMatchObject({ code: "invalid_grant" });
  });
});
