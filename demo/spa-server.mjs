// Serves the demo single-page app: its static files, the SDK's two browser builds from dist/, and
// /config.json telling the pages where the other servers are.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import express from "express";
import { DEMO_CLIENT_ID } from "./auth-server.mjs";
import { DIST_DIR, listen, logRequests, PUBLIC_DIR } from "./lib.mjs";
import { reactPageScript } from "./react-page.mjs";

/** The builds the pages load, as `/dist/<name>`. */
const BUILDS = ["implicitly.umd.min.js", "implicitly.mjs", "implicitly-oidc.umd.min.js", "implicitly-code.umd.min.js"];

/** The demo pages: key → path. Each is its own redirect URI (and can be a popup's, too). */
export const PAGES = Object.freeze({ "script-tag": "/", esm: "/esm.html", react: "/react.html" });

/**
 * Every redirect URI of the demo client: key → path. The pages, and `silent.html` (the SDK's
 * silent redirect page, dist/implicitly-silent.html, with the demo's client id), which only hands the response of a
 * hidden iframe to the page, for silent renewal with `prompt=none`. It is the only page that may
 * be framed, by this origin only.
 */
export const REDIRECT_PATHS = Object.freeze({ ...PAGES, silent: "/silent.html" });

/** The resources mode's page (`--resources`): a redirect URI in that mode only. */
export const RESOURCES_PATH = "/resources.html";

// silent.html is the SDK's silent redirect page as it ships (dist/implicitly-silent.html, copied
// unchanged from src/session/silent.html), with the demo's client id: one inline script, allowed
// by its hash, on that page only.
const SILENT_PAGE = readFileSync(path.join(DIST_DIR, "..", "src", "session", "silent.html"), "utf8").replace(
  'data-client-id=""',
  `data-client-id="${DEMO_CLIENT_ID}"`,
);
const SILENT_SCRIPT = /<script[^>]*>([\s\S]*?)<\/script>/.exec(SILENT_PAGE)?.[1] ?? "";
const SILENT_HASH = `'sha256-${createHash("sha256").update(SILENT_SCRIPT).digest("base64")}'`;

/**
 * @typedef {object} SpaConfig - what the pages read from `/config.json`
 * @property {string} authorizationEndpoint
 * @property {string} revocationEndpoint
 * @property {string} [endSessionEndpoint] - the OAuth 2.0 server's (an OpenID provider's is in its metadata)
 * @property {string} clientId
 * @property {string} [issuer] - the OpenID provider's issuer: the pages then use `createOidcClient`
 * @property {string} apiOrigin - the only entry of the pages' `resourceOrigins`
 * @property {string} thirdPartyOrigin - an origin the pages call that must not get the token
 * @property {Record<string, string>} redirectUris - key (`script-tag`, `esm`, `silent`) → redirect URI
 * @property {number} clockSkew - seconds the pages' client takes off `expires_in`
 * @property {number} expiringNotice - seconds before expiry that the pages' client warns
 * @property {"implicit" | "code"} [flow] - `code`: the pages use the code flow (`codeFlow`), and
 *   the script-tag page loads the script-tag build with everything
 * @property {string} [tokenEndpoint] - the code flow's token endpoint
 * @property {boolean} [dpop] - the pages pass `dpop` (DPoP-bound tokens)
 * @property {boolean} [persist] - the pages call `persistSession` (the session survives a reload)
 * @property {{ apis: { name: string, url: string, scope: string }[], discovered: { name: string, url: string } }} [resources] -
 *   the resources page's APIs (`npm run demo -- --resources`): the two it knows, and the one it
 *   discovers from its `401`
 *
 * @typedef {object} SpaServer
 * @property {string} origin
 * @property {Record<string, string>} pages - page key → its URL (also its redirect URI)
 * @property {Record<string, string>} redirectUris - every redirect URI to register: the pages and `silent.html`
 * @property {string} resourcesPage - the resources mode's page, registered in that mode only
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
  app.use((req, res, next) => {
    const resourceApis = config?.resources ? [...config.resources.apis, config.resources.discovered].map((api) => new URL(api.url).origin) : [];
    const connect = config ? [config.apiOrigin, config.thirdPartyOrigin, new URL(config.revocationEndpoint).origin, ...resourceApis].join(" ") : "";
    // The pages may frame the authorization server (silent renewal: a hidden iframe that it
    // redirects back to silent.html), and only silent.html may be framed, by this origin alone.
    const frames = config ? new URL(config.authorizationEndpoint).origin : "";
    const silent = req.path === REDIRECT_PATHS.silent;
    const ancestors = silent ? "'self'" : "'none'";
    // Scripts from this origin only: an injected script could read the token from memory.
    res.set({
      "Content-Security-Policy": `default-src 'self'; script-src 'self'${silent ? " " + SILENT_HASH : ""}; connect-src 'self' ${connect}; frame-src 'self' ${frames}; object-src 'none'; base-uri 'none'; frame-ancestors ${ancestors}; form-action 'none'`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    });
    next();
  });
  // The full script-tag build has no codeFlow: with the code flow, the script-tag page loads the
  // build that has everything.
  app.get(PAGES["script-tag"], (_req, res, next) => {
    if (config?.flow !== "code") return next();
    res.type("html").send(readFileSync(PUBLIC_DIR + "index.html", "utf8").replaceAll("implicitly-oidc.umd.min.js", "implicitly-code.umd.min.js"));
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
  app.get(REDIRECT_PATHS.silent, (_req, res) => res.type("html").send(SILENT_PAGE));
  // The React page's script, bundled when first asked for (demo/react-page.mjs).
  app.get("/react/app.js", (_req, res) => {
    reactPageScript().then(
      (code) => res.type("text/javascript").send(code),
      (err) => res.status(500).type("text").send(`The React page could not be bundled (run \`npm run build\` first): ${err.message}`),
    );
  });
  app.use(express.static(PUBLIC_DIR, { index: "index.html", etag: false, lastModified: false }));
  app.use((_req, res) => res.status(404).type("text").send("Not found"));

  const listening = await listen(app, { label: "SPA server", port, host });
  const urls = (/** @type {Record<string, string>} */ paths) => Object.fromEntries(Object.entries(paths).map(([key, path]) => [key, listening.origin + path]));
  return {
    origin: listening.origin,
    pages: urls(PAGES),
    redirectUris: urls(REDIRECT_PATHS),
    resourcesPage: listening.origin + RESOURCES_PATH,
    configure(value) {
      config = value;
    },
    close: listening.close,
  };
}
