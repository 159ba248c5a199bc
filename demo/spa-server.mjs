// Serves the demo single-page app: its static files, the SDK's two browser builds from dist/, and
// /config.json telling the pages where the other servers are.
import { existsSync } from "node:fs";
import express from "express";
import { DIST_DIR, listen, logRequests, PUBLIC_DIR } from "./lib.mjs";

/** The builds the pages load, as `/dist/<name>`. */
const BUILDS = ["implicitly.umd.min.js", "implicitly.mjs"];

/** The demo pages: key → path. Their URLs are the redirect URIs to register. */
export const PAGES = Object.freeze({ "script-tag": "/", esm: "/esm.html" });

/**
 * @typedef {object} SpaConfig - what the pages read from `/config.json`
 * @property {string} authorizationEndpoint
 * @property {string} revocationEndpoint
 * @property {string} clientId
 * @property {string} apiOrigin - the only entry of the pages' `resourceOrigins`
 * @property {string} thirdPartyOrigin - an origin the pages call that must not get the token
 * @property {Record<string, string>} redirectUris - page key → its redirect URI
 * @property {number} clockSkew - seconds the pages' client takes off `expires_in`
 * @property {number} expiringNotice - seconds before expiry that the pages' client warns
 *
 * @typedef {object} SpaServer
 * @property {string} origin
 * @property {Record<string, string>} pages - page key → its URL (also its redirect URI)
 * @property {(config: SpaConfig) => void} configure - sets what `/config.json` serves
 * @property {() => Promise<void>} close
 */

/**
 * Starts the SPA server. It can start before the servers it points at (their URLs may depend on
 * its own origin): call `configure()` before the pages are opened; until then `/config.json`
 * answers 503.
 *
 * @param {{ port?: number, host?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<SpaServer>}
 * @throws {import("./lib.mjs").PortInUseError} when the port is taken
 */
export async function startSpaServer({ port = 0, host = "127.0.0.1", log } = {}) {
  /** @type {SpaConfig | undefined} */
  let config;
  const app = express();
  app.disable("x-powered-by");
  app.use(logRequests("spa", log));
  app.use((_req, res, next) => {
    const connect = config ? [config.apiOrigin, config.thirdPartyOrigin, new URL(config.revocationEndpoint).origin].join(" ") : "";
    // Scripts from this origin only: an injected script could read the token from memory.
    res.set({
      "Content-Security-Policy": `default-src 'self'; script-src 'self'; connect-src 'self' ${connect}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    });
    next();
  });
  app.get("/config.json", (_req, res) => (config ? res.json(config) : res.status(503).json({ error: "not configured yet" })));
  for (const name of BUILDS) {
    app.get("/dist/" + name, (_req, res) => {
      if (!existsSync(DIST_DIR + name)) {
        return res.status(404).type("text").send(`dist/${name} is missing: run \`npm run build\` first.`);
      }
      res.type("text/javascript").sendFile(name, { root: DIST_DIR });
    });
  }
  app.use(express.static(PUBLIC_DIR, { index: "index.html", etag: false, lastModified: false }));
  app.use((_req, res) => res.status(404).type("text").send("Not found"));

  const listening = await listen(app, { label: "SPA server", port, host });
  const pages = Object.fromEntries(Object.entries(PAGES).map(([key, path]) => [key, listening.origin + path]));
  return {
    origin: listening.origin,
    pages,
    configure(value) {
      config = value;
    },
    close: listening.close,
  };
}
