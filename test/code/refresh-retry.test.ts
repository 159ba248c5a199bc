// codeFlow's refresh when it fails on the way (asleep, offline, a proxy's page, a server error):
// the refresh token is kept, `reconnecting` tells the app, and the refresh is tried again after
// a bounded backoff or at once when the page is back online or visible. Only the server's refusal
// forgets the refresh token.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import type { Client, ReconnectingEvent } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT, flush } from "../support/session";

const TOKEN = "https://id.example.com/token";

let sent: (string | null)[];
let answer: () => Response | Promise<Response>;
let issued: number;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const rotating = () => {
  issued += 1;
  return json({ access_token: "at-" + issued, token_type: "Bearer", expires_in: 3600, refresh_token: "rt-" + issued });
};
const offline = () => Promise.reject(new TypeError("Failed to fetch"));

const make = (): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN,
    clientId: "spa",
    redirectUri: CALLBACK,
    storage: new MemoryStorage(),
    fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new URLSearchParams(String(init!.body)).get("refresh_token"));
      return answer();
    }) as typeof fetch,
    flow: codeFlow,
  });

const signIn = async (client: Client) => {
  const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
  await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(state));
};

/** Signs in, then makes the refresh fail with `failure`; returns the client and its reconnecting events. */
const failing = async (failure: () => Response | Promise<Response>) => {
  const client = make();
  await signIn(client);
  const events: ReconnectingEvent[] = [];
  client.on("reconnecting", (e) => events.push(e));
  answer = failure;
  return { client, events, refresh: () => internalsOf(client).hooks.refresh!({}) };
};

beforeEach(() => {
  sent = [];
  issued = 0;
  answer = rotating;
});
afterEach(() => {
  vi.useRealTimers();
});

describe("codeFlow: a refresh lost on the way", () => {
  it.each([
    ["offline", "token_network", offline],
    ["a server error", "server_error", () => json({ error: "server_error" }, 500)],
    ["temporarily unavailable", "temporarily_unavailable", () => json({ error: "temporarily_unavailable" }, 503)],
    ["a proxy's HTML page", "token_content_type", () => new Response("<h1>Bad gateway</h1>", { status: 200, headers: { "Content-Type": "text/html" } })],
    ["an error status without a body", "token_http_error", () => new Response("", { status: 502 })],
  ])("keeps the refresh token when %s, and says so (reconnecting), never a logout", async (_name, code, failure) => {
    const { client, events, refresh } = await failing(failure);
    const logouts = vi.fn();
    client.on("logout", logouts);
    await expect(refresh()).rejects.toMatchObject({ code });
    expect(internalsOf(client).refreshToken!()).toBe("rt-1");
    expect(events).toEqual([{ error: expect.objectContaining({ code }), retryIn: 1000 }]);
    expect(client.getToken()).not.toBeNull(); // the access token held is not dropped either
    expect(logouts).not.toHaveBeenCalled();
    client.logout();
  });

  it("tries again after the backoff, with the same refresh token, and the new token arrives", async () => {
    vi.useFakeTimers();
    const { client, refresh } = await failing(offline);
    await expect(refresh()).rejects.toMatchObject({ code: "token_network" });
    answer = rotating;
    const tokens = vi.fn();
    client.on("token", tokens);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([null, "rt-1", "rt-1"]);
    expect(tokens).toHaveBeenCalledWith(expect.objectContaining({ accessToken: "at-2" }));
    expect(internalsOf(client).refreshToken!()).toBe("rt-2");
    // Done: no more tries.
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sent).toHaveLength(3);
  });

  it("doubles the wait after each failure, up to 5 minutes", async () => {
    vi.useFakeTimers();
    const { client, events, refresh } = await failing(offline);
    await expect(refresh()).rejects.toMatchObject({ code: "token_network" });
    for (let n = 0; n < 10; n++) await vi.advanceTimersByTimeAsync(events.at(-1)!.retryIn);
    expect(events.map((e) => e.retryIn)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
    expect(sent).toHaveLength(12);
    client.logout();
  });

  it("tries again at once when the page is back online, or visible again", async () => {
    vi.useFakeTimers();
    const { client, refresh } = await failing(offline);
    await expect(refresh()).rejects.toMatchObject({ code: "token_network" });
    dispatchEvent(new Event("online"));
    await flush();
    expect(sent).toHaveLength(3);
    answer = rotating;
    document.dispatchEvent(new Event("visibilitychange"));
    await vi.waitFor(() => expect(internalsOf(client).refreshToken!()).toBe("rt-2"));
    expect(sent).toEqual([null, "rt-1", "rt-1", "rt-1"]);
  });

  it("a refusal (invalid_grant) forgets the refresh token, and nothing is tried again", async () => {
    vi.useFakeTimers();
    const { client, events, refresh } = await failing(() => json({ error: "invalid_grant" }, 400));
    await expect(refresh()).rejects.toMatchObject({ code: "invalid_grant" });
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(600_000);
    dispatchEvent(new Event("online"));
    expect(sent).toHaveLength(2);
  });

  it("logout() stops the tries", async () => {
    vi.useFakeTimers();
    const { client, refresh } = await failing(offline);
    await expect(refresh()).rejects.toMatchObject({ code: "token_network" });
    client.logout();
    await vi.advanceTimersByTimeAsync(600_000);
    dispatchEvent(new Event("online"));
    await flush();
    expect(sent).toHaveLength(2);
  });
});
