import type { FakeServer } from "./fake-server";

/** The part of Node's `http.IncomingMessage` that {@link nodeListener} reads: its body is read by iterating it. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  /** The request's method. */
  method?: string | undefined;
  /** The request's path and query. */
  url?: string | undefined;
  /** Its headers, lower-case names. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The part of Node's `http.ServerResponse` that {@link nodeListener} writes. */
export interface NodeResponseLike {
  /** Sends the status and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Sends the body and ends the response. */
  end(body?: Uint8Array): unknown;
}

/**
 * The fake server as a listener of Node's `http.createServer()`, for tests that need a real port
 * (a browser without Playwright's routing, another process, `implicitly doctor`). Typed
 * structurally, so that `implicitly/testing` imports no Node module. The server's issuer must be
 * the URL it listens on: listen first, then create the fake with that issuer.
 *
 * @param server - from {@link createFakeServer} (or any object with its `handle` and `endpoints`)
 * @returns the `request` listener
 * @example
 * ```ts
 * const http = createServer();
 * await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
 * const { port } = http.address() as AddressInfo;
 * const server = createFakeServer({ issuer: `http://127.0.0.1:${port}` });
 * http.on("request", nodeListener(server));
 * ```
 */
export const nodeListener =
  (server: Pick<FakeServer, "handle" | "endpoints">) =>
  async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of req) chunks.push(typeof chunk == "string" ? new TextEncoder().encode(chunk) : chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, typeof value == "string" ? value : value.join(", "));
    }
    const method = req.method ?? "GET";
    const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const body = method == "GET" || method == "HEAD" ? null : bytes;
    const response = await server.handle(new Request(new URL(req.url ?? "/", server.endpoints.issuer), { method, headers, body }));
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => (out[name] = value));
    res.writeHead(response.status, out);
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
