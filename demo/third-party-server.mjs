// A "third-party" origin that the demo page also calls through client.fetch(). It is not in the
// page's resourceOrigins, so it must never receive the access token. It reports (and records)
// whether an Authorization header arrived. Its CORS policy would let the page send one, so a
// client that leaked the token would be caught here rather than stopped by the browser.
import express from "express";
import { cors, listen, logRequests } from "./lib.mjs";

/**
 * @typedef {object} ReceivedRequest
 * @property {string} method
 * @property {string} path
 * @property {string | null} authorization - the Authorization header, when one arrived
 * @property {string | null} requestedHeaders - a preflight's Access-Control-Request-Headers
 *
 * @typedef {object} ThirdPartyServer
 * @property {string} origin
 * @property {ReceivedRequest[]} received - the latest requests (at most 100), oldest first
 * @property {() => Promise<void>} close
 */

/**
 * Starts the third-party origin. `GET /echo` answers `{ "authorizationHeaderReceived": boolean }`.
 *
 * @param {{ allowedOrigin: string, port?: number, host?: string, log?: (line: string) => void }} options -
 *   `allowedOrigin` is the SPA's origin
 * @returns {Promise<ThirdPartyServer>}
 * @throws {import("./lib.mjs").PortInUseError} when the port is taken
 */
export async function startThirdPartyServer({ allowedOrigin, port = 0, host = "127.0.0.1", log }) {
  /** @type {ReceivedRequest[]} */
  const received = [];
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((req, _res, next) => {
    received.push({
      method: req.method,
      path: req.path,
      authorization: req.headers.authorization ?? null,
      requestedHeaders: req.headers["access-control-request-headers"] ?? null,
    });
    if (received.length > 100) received.shift();
    if (req.headers.authorization !== undefined && log) log("[third-party] WARNING: an Authorization header arrived here");
    next();
  });
  app.use(logRequests("third-party", log));
  app.use(cors([allowedOrigin], { methods: "GET, POST", headers: "Authorization, Content-Type" }));
  app.all("/echo", (req, res) => {
    res.set("Cache-Control", "no-store").json({ authorizationHeaderReceived: req.headers.authorization !== undefined });
  });
  app.use((_req, res) => res.status(404).json({ error: "not_found" }));

  const listening = await listen(app, { label: "third-party server", port, host });
  return { origin: listening.origin, received, close: listening.close };
}
