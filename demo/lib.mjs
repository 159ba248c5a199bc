// Small helpers shared by the demo servers: listening on loopback, closing cleanly, HTML escaping
// and request logging.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Path strings, not `new URL(…, import.meta.url)`: test environments may replace the global URL.
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The demo's static files (pages, shared page logic, stylesheet). */
export const PUBLIC_DIR = path.join(HERE, "public") + path.sep;

/** The SDK's build output, served to the demo pages. */
export const DIST_DIR = path.join(HERE, "..", "dist") + path.sep;

/**
 * The sign-in levels (`acr`) the provider names with `resourceIndicators`: every sign-in is
 * `password`, and one made at the login page for a request whose `acr_values` asked for `fresh`
 * (with `prompt=login`, the way the demo's page steps up) is `fresh`. A real provider would ask
 * for a second factor there; the demo's development login page has none.
 */
export const ACR = Object.freeze({ password: "urn:implicitly:demo:password", fresh: "urn:implicitly:demo:fresh" });

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/;

/** Thrown by {@link listen} when the port is taken; `label` names the server that wanted it. */
export class PortInUseError extends Error {
  /**
   * @param {string} label - which demo server could not start
   * @param {string} host
   * @param {number} port
   */
  constructor(label, host, port) {
    super(`${label}: port ${port} on ${host} is already in use`);
    this.name = "PortInUseError";
    this.code = "EADDRINUSE";
    this.label = label;
    this.port = port;
  }
}

/**
 * @typedef {object} Listening
 * @property {import("node:http").Server} server - the Node HTTP server
 * @property {string} origin - e.g. `http://127.0.0.1:8701`
 * @property {number} port - the port actually bound (useful with port 0)
 * @property {() => Promise<void>} close - stops listening and destroys open (keep-alive) sockets
 */

/**
 * Serves `handler` on a loopback address.
 *
 * @param {import("node:http").RequestListener} handler - e.g. an express app
 * @param {{ label: string, port?: number, host?: string }} options - `port` 0 (the default) picks a
 *   free port; `host` must be a loopback name or address
 * @returns {Promise<Listening>}
 * @throws {PortInUseError} when the port is taken
 */
export async function listen(handler, { label, port = 0, host = "127.0.0.1" }) {
  if (!LOOPBACK.test(host)) throw new Error(`${label}: the demo only listens on loopback, not on ${host}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${label}: invalid port ${port}`);
  const server = http.createServer(handler);
  await new Promise((resolve, reject) => {
    /** @param {NodeJS.ErrnoException} err */
    const failed = (err) => reject(err.code === "EADDRINUSE" ? new PortInUseError(label, host, port) : err);
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve(undefined);
    });
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  /** @type {Promise<void> | undefined} */
  let closing;
  return {
    server,
    origin: `http://${hostInUrl}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (browsers, fetch) would otherwise hold close() open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Express middleware that logs one line per request: method, path (never the query string, which
 * could carry request parameters) and status. Tokens travel in fragments, headers and bodies,
 * none of which is logged.
 *
 * @param {string} label - prefix such as `auth`
 * @param {((line: string) => void) | undefined} log - where lines go; nothing is logged when undefined
 * @returns {import("express").RequestHandler}
 */
export function logRequests(label, log) {
  return (req, res, next) => {
    if (log) {
      const start = Date.now();
      const path = req.originalUrl.split("?")[0];
      res.on("finish", () => log(`[${label}] ${req.method} ${path} ${res.statusCode} ${Date.now() - start}ms`));
    }
    next();
  };
}

/**
 * Sets CORS response headers when the request comes from an allowed origin, and answers
 * preflights. Requests from other origins get no CORS headers, so browsers keep the response
 * from them.
 *
 * @param {readonly string[]} allowedOrigins - exact origins, e.g. `http://127.0.0.1:8700`
 * @param {{ methods: string, headers?: string, expose?: string }} options - what preflights may
 *   allow (`methods`, `headers`) and which response headers scripts may read (`expose`)
 * @returns {import("express").RequestHandler}
 */
export function cors(allowedOrigins, { methods, headers, expose }) {
  return (req, res, next) => {
    res.vary("Origin");
    const origin = req.headers.origin;
    const allowed = origin !== undefined && allowedOrigins.includes(origin);
    if (allowed) {
      res.set("Access-Control-Allow-Origin", origin);
      if (expose) res.set("Access-Control-Expose-Headers", expose);
    }
    if (req.method !== "OPTIONS") return next();
    if (allowed) {
      res.set("Access-Control-Allow-Methods", methods);
      if (headers) res.set("Access-Control-Allow-Headers", headers);
      res.set("Access-Control-Max-Age", "600");
    }
    res.status(204).end();
  };
}
