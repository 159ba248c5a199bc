#!/usr/bin/env node
// `npm run demo`: starts the authorization server, the API, the SPA and the third-party origin on
// loopback and prints what to open. Ctrl-C stops everything.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEMO_USER } from "./auth-server.mjs";
import { DEFAULT_PORTS, startDemo } from "./demo.mjs";
import { ACR, DIST_DIR } from "./lib.mjs";

/** @type {Record<"spa" | "auth" | "api" | "thirdParty" | "oidc" | "tokenLifetime", [flag: string, env: string, fallback: number]>} */
const SETTINGS = {
  spa: ["--spa-port", "IMPLICITLY_DEMO_SPA_PORT", DEFAULT_PORTS.spa],
  auth: ["--auth-port", "IMPLICITLY_DEMO_AUTH_PORT", DEFAULT_PORTS.auth],
  api: ["--api-port", "IMPLICITLY_DEMO_API_PORT", DEFAULT_PORTS.api],
  thirdParty: ["--third-party-port", "IMPLICITLY_DEMO_THIRD_PARTY_PORT", DEFAULT_PORTS.thirdParty],
  oidc: ["--oidc-port", "IMPLICITLY_DEMO_OIDC_PORT", DEFAULT_PORTS.oidc],
  tokenLifetime: ["--token-lifetime", "IMPLICITLY_DEMO_TOKEN_LIFETIME", 120],
};

/** The quirks of real servers the demo's servers can copy (startDemo's `quirks`). */
const QUIRKS = ["queryErrors", "interactivePromptNone", "openerPolicy", "bareChallenges", "hiddenChallenges"];

const USAGE = `Usage: npm run demo -- [options]

Options (each also settable by the environment variable shown):
  --spa-port N          the demo app           IMPLICITLY_DEMO_SPA_PORT          (default ${DEFAULT_PORTS.spa})
  --auth-port N         authorization server   IMPLICITLY_DEMO_AUTH_PORT         (default ${DEFAULT_PORTS.auth})
  --api-port N          protected API          IMPLICITLY_DEMO_API_PORT          (default ${DEFAULT_PORTS.api})
  --third-party-port N  third-party origin     IMPLICITLY_DEMO_THIRD_PARTY_PORT  (default ${DEFAULT_PORTS.thirdParty})
  --oidc-port N         OpenID provider        IMPLICITLY_DEMO_OIDC_PORT         (default ${DEFAULT_PORTS.oidc}; with --provider oidc)
  --token-lifetime S    access token lifetime  IMPLICITLY_DEMO_TOKEN_LIFETIME    (default 120 seconds)
  --provider P          oauth2 or oidc         IMPLICITLY_DEMO_PROVIDER          (default oauth2)
                        oidc: the pages sign in at an OpenID provider (oidc-provider) with
                        response_type=id_token token and show who signed in from the ID token
  --quirks LIST         server quirks          IMPLICITLY_DEMO_QUIRKS            (default none)
                        comma-separated, copying servers that bend the spec (docs/servers.md):
                        ${QUIRKS.join(", ")}
  --flow F              implicit or code       IMPLICITLY_DEMO_FLOW              (default implicit)
                        code: the pages use the code flow with PKCE and refresh tokens (codeFlow),
                        at either provider
  --dpop                DPoP-bound tokens      IMPLICITLY_DEMO_DPOP=1            (with --provider oidc --flow code)
                        the pages pass \`dpop\`; the API checks each proof and the token's binding
  --app-origin URL      your own app           IMPLICITLY_DEMO_APP_ORIGINS       (default none; repeatable, or comma-separated)
                        registers URL/ and URL/silent.html as redirect URIs at both servers and
                        lets URL call the API and the token endpoint, e.g. http://127.0.0.1:5173
  --persist             keep the session       IMPLICITLY_DEMO_PERSIST=1         (with --dpop)
                        the pages call \`persistSession\`: a reload refreshes, with no frame
  --resources           one token per API      IMPLICITLY_DEMO_RESOURCES=1       (with --provider oidc --flow code)
                        resources.html: three APIs on their own origins (ports ${DEFAULT_PORTS.profileApi}-${DEFAULT_PORTS.paymentsApi}),
                        resource indicators, discovery (RFC 9728) and step-up (RFC 9470);
                        with --dpop the APIs take DPoP-bound JWTs only and each API's token comes
                        from the refresh token (no frame); with --persist too, across a reload
  --cross-site          two sites              IMPLICITLY_DEMO_CROSS_SITE=1
                        the authorization servers on localhost, the app on 127.0.0.1: the
                        frame of a reload gets no session cookie (docs/sessions.md)
  --quiet               do not log requests
  --help                show this text
Port 0 picks a free port.`;

/**
 * Prints the message and exits with status 1.
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`Error: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      ...Object.fromEntries(Object.values(SETTINGS).map(([flag]) => [flag.slice(2), { type: "string" }])),
      provider: { type: "string" },
      quirks: { type: "string" },
      flow: { type: "string" },
      dpop: { type: "boolean" },
      "app-origin": { type: "string", multiple: true },
      persist: { type: "boolean" },
      resources: { type: "boolean" },
      "cross-site": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (err) {
  fail(`${/** @type {Error} */ (err).message}\n\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

/** @type {Record<string, number>} */
const settings = {};
for (const [name, [flag, env, fallback]] of Object.entries(SETTINGS)) {
  const given = args[flag.slice(2)] ?? process.env[env];
  const value = given === undefined || given === "" ? fallback : Number(given);
  const valid = name === "tokenLifetime" ? Number.isInteger(value) && value > 0 : Number.isInteger(value) && value >= 0 && value <= 65535;
  if (!valid) fail(`${flag} / ${env}: "${given}" is not a valid ${name === "tokenLifetime" ? "number of seconds" : "port (0-65535)"}.`);
  settings[name] = value;
}

const provider = args.provider ?? (process.env.IMPLICITLY_DEMO_PROVIDER || "oauth2");
if (provider !== "oauth2" && provider !== "oidc") fail(`--provider / IMPLICITLY_DEMO_PROVIDER: "${provider}" is neither oauth2 nor oidc.`);

const quirkNames = (args.quirks ?? process.env.IMPLICITLY_DEMO_QUIRKS ?? "")
  .split(",")
  .map((q) => q.trim())
  .filter(Boolean);
for (const name of quirkNames) if (!QUIRKS.includes(name)) fail(`--quirks / IMPLICITLY_DEMO_QUIRKS: "${name}" is none of ${QUIRKS.join(", ")}.`);
const quirks = Object.fromEntries(quirkNames.map((name) => [name, true]));

const flow = args.flow ?? (process.env.IMPLICITLY_DEMO_FLOW || "implicit");
if (flow !== "implicit" && flow !== "code") fail(`--flow / IMPLICITLY_DEMO_FLOW: "${flow}" is neither implicit nor code.`);
const dpop = args.dpop ?? process.env.IMPLICITLY_DEMO_DPOP === "1";
if (dpop && (provider !== "oidc" || flow !== "code")) fail("--dpop needs --provider oidc --flow code (oidc-provider has DPoP).");
const persist = args.persist ?? process.env.IMPLICITLY_DEMO_PERSIST === "1";
if (persist && !dpop) fail("--persist needs --dpop (only a DPoP-bound refresh token is kept).");
const resources = args.resources ?? process.env.IMPLICITLY_DEMO_RESOURCES === "1";
if (resources && (provider !== "oidc" || flow !== "code")) fail("--resources needs --provider oidc --flow code.");
const crossSite = args["cross-site"] ?? process.env.IMPLICITLY_DEMO_CROSS_SITE === "1";

const appOrigins = (args["app-origin"] ?? [process.env.IMPLICITLY_DEMO_APP_ORIGINS ?? ""])
  .flatMap((list) => list.split(","))
  .map((given) => given.trim())
  .filter(Boolean)
  .map((given) => {
    // An origin as the browser sends it: scheme, host and port; a trailing slash is forgiven.
    let url;
    try {
      url = new URL(given);
    } catch {
      fail(`--app-origin / IMPLICITLY_DEMO_APP_ORIGINS: "${given}" is not a URL (e.g. http://127.0.0.1:5173).`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin + "/" !== url.href.replace(/\/?$/, "/")) {
      fail(`--app-origin / IMPLICITLY_DEMO_APP_ORIGINS: "${given}" is not an origin (scheme, host and port, no path: e.g. http://127.0.0.1:5173).`);
    }
    return url.origin;
  });

for (const file of ["implicitly.umd.min.js", "implicitly.mjs", "implicitly-oidc.umd.min.js", "implicitly-code.umd.min.js"]) {
  if (!existsSync(DIST_DIR + file)) fail(`dist/${file} is missing. Run \`npm run build\` (\`npm run demo\` does it for you).`);
}

/** Which flag and variable choose the port of each server, by the label it reports. */
const PORT_HINTS = {
  "SPA server": SETTINGS.spa,
  "authorization server": SETTINGS.auth,
  "API server": SETTINGS.api,
  "third-party server": SETTINGS.thirdParty,
  "oidc provider": SETTINGS.oidc,
};

let demo;
try {
  demo = await startDemo({
    ports: {
      spa: settings.spa,
      auth: settings.auth,
      api: settings.api,
      thirdParty: settings.thirdParty,
      oidc: settings.oidc,
      ...(resources && { profileApi: DEFAULT_PORTS.profileApi, ordersApi: DEFAULT_PORTS.ordersApi, paymentsApi: DEFAULT_PORTS.paymentsApi }),
    },
    provider,
    flow,
    dpop,
    appOrigins,
    persist,
    resources,
    ...(crossSite ? { authHost: "localhost" } : {}),
    tokenLifetime: settings.tokenLifetime,
    quirks,
    log: args.quiet ? undefined : (line) => console.log(line),
  });
} catch (err) {
  if (err && /** @type {{ code?: string }} */ (err).code === "EADDRINUSE") {
    const { label, port } = /** @type {import("./lib.mjs").PortInUseError} */ (err);
    const [flag, env] = PORT_HINTS[/** @type {keyof typeof PORT_HINTS} */ (label)] ?? ["--<server>-port", "IMPLICITLY_DEMO_<SERVER>_PORT"];
    fail(
      `port ${port} is already in use (wanted by the ${label}).\n` +
        `Stop whatever uses it, or pick another port: npm run demo -- ${flag} ${port + 10}  (or ${env}=${port + 10})`,
    );
  }
  throw err;
}

const { spa, auth, api, thirdParty, oidc } = demo;
// With --provider oidc: the OpenID provider instead of the demo's OAuth 2.0 server.
const signIn = oidc
  ? `Sign in as  demo  with any password (the provider's development login takes any name;
              demo is ${(await import("./oidc-server.mjs")).OIDC_ACCOUNTS.demo?.name}). The page shows the name from the verified ID token.`
  : `Sign in as  ${DEMO_USER.username}  with password  ${DEMO_USER.password}`;
// What the pages ask for, in the words of the wire: the banner names the real mode.
const responseType = flow === "code" ? "code with PKCE (S256)" : oidc ? "id_token token" : "token";
const tokens = dpop ? "DPoP-bound tokens" : "Bearer tokens";
const server = oidc
  ? `OpenID provider       ${oidc.issuer}   (oidc-provider, response_type=${responseType}, ${tokens}; tokens live ${oidc.tokenLifetime} s)`
  : `Authorization server  ${auth.origin}   (oauth2orize, response_type=${responseType}, ${tokens}; tokens live ${auth.tokenLifetime} s)`;
const mode = `${oidc ? "OpenID Connect" : "OAuth 2.0"}, ${flow === "code" ? "authorization code flow with PKCE and refresh tokens" : oidc ? "implicit flow" : "implicit grant"}${dpop ? ", DPoP" : ""}`;
const servers = (oidc ? 5 : 4) + (demo.resourceApis ? 3 : 0);
// With --app-origin: what the newcomer's own app passes to createClient to use these servers.
const as = oidc ?? auth;
const yourApp = appOrigins.length
  ? `
  Your app (${appOrigins.join(", ")}) is registered too: redirect URIs <origin>/ and <origin>/silent.html.
  Its options:
    ${[
      oidc ? `issuer: "${oidc.issuer}",` : `authorizationEndpoint: "${auth.authorizationEndpoint}",`,
      ...(flow === "code" && !oidc ? [`tokenEndpoint: "${auth.tokenEndpoint}",`] : []),
      `clientId: "${as.clientId}",`,
      `redirectUri: location.origin + "/",`,
      `silentRedirectUri: location.origin + "/silent.html",`,
      `scope: "profile",`,
      `resourceOrigins: ["${api.origin}"],   // GET ${api.origin}/api/profile`,
      ...(flow === "code" ? ["flow: codeFlow,"] : []),
      ...(dpop ? ["dpop,"] : []),
    ].join("\n    ")}${flow === "code" ? "" : "\n  (With --flow code, the code flow: the token endpoint lets your origin in too.)"}
`
  : "";
// With --resources: the page and its three APIs (with --dpop, DPoP-bound JWTs only).
const bound = dpop ? ", DPoP-bound JWTs only" : "";
const resourcesMode = demo.resourceApis
  ? `
  One token per API     ${spa.resourcesPage}
  Profile API           ${demo.resourceApis.profile.origin}   (resource indicator ${demo.resourceApis.profile.origin}/, scope profile${bound})
  Orders API            ${demo.resourceApis.orders.origin}   (resource indicator ${demo.resourceApis.orders.origin}/, scope orders${bound})
  Payments API          ${demo.resourceApis.payments.origin}   (RFC 9728 metadata; asks for acr ${ACR.fresh}${bound})
`
  : "";
console.log(`
implicitly demo is running on loopback: ${mode}${quirkNames.length ? ", with the quirks " + quirkNames.join(", ") : ""}. ${servers} servers:

  Open  ${spa.pages["script-tag"]}        (SDK loaded by <script> tag: dist/implicitly${flow === "code" ? "-code" : "-oidc"}.umd.min.js)
   or   ${spa.pages.esm}  (SDK imported as an ES module: dist/implicitly.mjs)
   or   ${spa.pages.react}  (React: implicitly/react, bundled by Vite when first opened)

  ${signIn}

  ${server}
  Protected API         ${api.origin}   (/api/profile needs scope profile, /api/orders scope orders)
  Third-party origin    ${thirdParty.origin}   (must never see the token)
${resourcesMode}${yourApp}
Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130); // a second Ctrl-C: do not wait
  stopping = true;
  console.log("\nStopping the demo servers…");
  await demo.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
