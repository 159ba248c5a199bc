// @vitest-environment node
// Server rendering (Next.js, Remix, react-dom/server): no window, document, location, history or
// Web Storage. Rendering the provider, the hooks and the guard must show the loading state and
// read no page global; the client takes over when it hydrates.
import { createElement as h, type ComponentType, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import * as source from "../../src/react";
import { MemoryStorage } from "../support/memory-storage";
import { poisonGlobals, restoreGlobals, touched } from "../support/poison-globals";

type Binding = typeof source;
const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");

afterEach(restoreGlobals);

/** The app: the guard, a component that reads the state, and one that asks the API. */
const app = ({ AuthProvider, SignedIn, useAuth, useAuthFetch }: Binding, start: () => unknown): ReactNode => {
  const client = createClient({
    authorizationEndpoint: "https://id.example.com/authorize",
    clientId: "spa",
    redirectUri: "https://app.example.com/",
    resourceOrigins: ["https://api.example.com"],
    storage: new MemoryStorage(),
    fetch: () => Promise.reject(new Error("fetch called on the server")),
  });
  const State = () => {
    const { status, token, user, error } = useAuth();
    return h("p", null, `${status} ${token === null} ${user === null} ${error === null}`);
  };
  const Orders = () => {
    const { loading, data } = useAuthFetch("https://api.example.com/orders");
    return h("p", null, `orders ${loading} ${data === undefined}`);
  };
  return h(AuthProvider as ComponentType<{ client: typeof client; start: () => unknown; children: ReactNode }>, {
    client,
    start,
    children: [h(State, { key: 1 }), h(SignedIn, { key: 2, fallback: "signed out", loading: "loading…" }, h(Orders)), h(Orders, { key: 3 })],
  });
};

describe.each([
  ["src/react.ts", async () => source],
  ["dist/implicitly-react.mjs", async () => (await import(/* @vite-ignore */ join(DIST, "implicitly-react.mjs"))) as Binding],
])("server rendering with %s", (_, load) => {
  it("renders the loading state, starts nothing, and reads no page global", async () => {
    const binding = await load();
    const start = vi.fn();
    const tree = app(binding, start);
    poisonGlobals();
    let html: string;
    try {
      html = renderToString(tree);
    } finally {
      restoreGlobals();
    }
    expect(touched).toEqual([]);
    expect(html).toBe("<p>loading true true true</p>loading…<p>orders false true</p>");
    expect(start).not.toHaveBeenCalled();
  });
});
