import { act, cleanup, render, screen } from "@testing-library/react";
import { createElement as h } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider, useAuth, useAuthFetch } from "../../src/react";
import type { AuthFetchOptions } from "../../src/react";
import { MemoryStorage } from "../support/memory-storage";
import { API, flush, freshClientId, makeClient } from "../support/session";
import { signIn } from "../support/sign-in";
import { syncTabs } from "../../src/session/tabs";

/** Every render of Orders: whether signed in, and whether it had data. */
let renders: [signedIn: boolean, data: boolean][];
/** What reached the servers: the URL and its Authorization header. */
let sent: [url: string, authorization: string | null][];
/** A server that answers every request with the orders it holds. */
const server = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  sent.push([request.url, request.headers.get("Authorization")]);
  return Response.json({ orders: ["o-1"] });
});
let storage: MemoryStorage;
const make = (extra = {}) => makeClient(storage, { fetch: server, ...extra });

function Orders({ url, options }: { url: string | null; options?: AuthFetchOptions<unknown> | undefined }) {
  const { data, error, loading, response } = useAuthFetch(url, options);
  renders.push([useAuth().status == "signedIn", data !== undefined]);
  const what = loading ? "loading" : error ? "error " + (error as { code?: string }).code : data ? JSON.stringify(data) : "none " + (response?.status ?? "-");
  return h("p", { "data-testid": "orders" }, what);
}
const shown = () => screen.getByTestId("orders").textContent;
const mount = (client = make(), url: string | null = API + "/orders", options?: AuthFetchOptions<unknown>) =>
  render(h(AuthProvider, { client, start: () => undefined }, h(Orders, { url, options })));

beforeEach(() => {
  sent = [];
  renders = [];
  storage = new MemoryStorage();
  server.mockClear();
});
afterEach(cleanup);

describe("useAuthFetch", () => {
  it("sends nothing while signed out, then requests through the client's fetch once signed in", async () => {
    const client = make();
    mount(client);
    await act(flush);
    expect(shown()).toBe("none -");
    expect(sent).toEqual([]);
    await act(() => signIn(client, "api-token"));
    await vi.waitFor(() => expect(shown()).toBe('{"orders":["o-1"]}'));
    expect(sent).toEqual([[API + "/orders", "Bearer api-token"]]);
  });

  it("keeps the client's allow-list: a URL outside resourceOrigins gets no token", async () => {
    const client = make();
    await signIn(client, "api-token");
    mount(client, "https://elsewhere.example.com/orders");
    await vi.waitFor(() => expect(shown()).toBe('{"orders":["o-1"]}'));
    expect(sent).toEqual([["https://elsewhere.example.com/orders", null]]);
  });

  it("re-renders without the data on logout, here or in another tab, and sends nothing more", async () => {
    const clientId = freshClientId();
    const [here, there] = [make({ clientId }), make({ clientId })];
    const stops = [syncTabs(here), syncTabs(there)];
    try {
      await signIn(here, "a");
      await signIn(there, "b");
      mount(here);
      await vi.waitFor(() => expect(shown()).toBe('{"orders":["o-1"]}'));
      act(() => there.logout());
      await vi.waitFor(() => expect(shown()).toBe("none -"));
      expect(sent).toHaveLength(1);
      // Not even for one render: no render signed out had the data.
      expect(renders.filter(([signedIn, data]) => !signedIn && data)).toEqual([]);
    } finally {
      stops.forEach((stop) => stop());
    }
  });

  it("drops the answer of a request still running when the user logs out", async () => {
    let answer!: (r: Response) => void;
    const slow = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    const client = make({ fetch: slow });
    await signIn(client);
    mount(client);
    await vi.waitFor(() => expect(shown()).toBe("loading"));
    const signal = (slow.mock.lastCall as unknown as [RequestInfo, RequestInit])[1].signal!;
    act(() => client.logout());
    expect(signal.aborted).toBe(true);
    await act(async () => answer(Response.json({ orders: ["late"] })));
    expect(shown()).toBe("none -");
  });

  it("hands a non-2xx response over unread, and read()'s result for a 2xx", async () => {
    const client = make({ fetch: async () => new Response("nope", { status: 500 }) });
    await signIn(client);
    mount(client);
    await vi.waitFor(() => expect(shown()).toBe("none 500"));
    cleanup();
    const other = make();
    await signIn(other);
    mount(other, API + "/orders", { read: async (r) => ({ length: (await r.text()).length }) });
    await vi.waitFor(() => expect(shown()).toBe('{"length":18}'));
  });

  it("a request the client refuses (its token dropped by a 401 elsewhere) ends signed out, not in a crash", async () => {
    const client = make({ fetch: async () => new Response("", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } }) });
    await signIn(client);
    mount(client);
    // The 401 drops the token: the component shows no data, and sends the request no more.
    await vi.waitFor(() => expect(shown()).toBe("none -"));
    expect(client.getToken()).toBeNull();
  });

  it("sends nothing for a null input", async () => {
    const client = make();
    await signIn(client);
    mount(client, null);
    await act(flush);
    expect(shown()).toBe("none -");
    expect(sent).toEqual([]);
  });
});
