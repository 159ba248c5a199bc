import { parseBearerChallenge } from "../protocol/challenge";
import { parseJsonObject } from "../protocol/json";

/** What a check found: `fail` blocks sign-in; `warn` breaks a feature or weakens a defence. */
export type Status = "pass" | "warn" | "fail" | "skip";

/** One line of the doctor's report. */
export interface Finding {
  /** A stable id, e.g. `token-cors`. */
  id: string;
  /** What was checked, in words. */
  check: string;
  status: Status;
  /** What it found. */
  found: string;
  /** The exact change to make (for `warn` and `fail`). */
  fix?: string;
}

/** What the doctor checks: the app, and the server's endpoints (from `issuer`, or one by one). */
export interface DoctorOptions {
  /** The app's origin, e.g. `https://app.example.com`. */
  appOrigin: string;
  /** The redirect URI the app registers and sends. */
  redirectUri: string;
  /** The issuer: its metadata gives the endpoints not given one by one. */
  issuer?: string;
  /** The app's client id: sent where a server answers CORS per client (oidc-provider). */
  clientId?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  endSessionEndpoint?: string;
  jwksUri?: string;
  /** An API URL the app calls with the token: its CORS and challenges are checked. */
  api?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** This machine's clock, ms since epoch. @default Date.now */
  now?: () => number;
  /** Seconds each request may take. @default 10 */
  timeout?: number;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
// Public suffixes of two labels that are common enough to matter here; the site check says when
// it could not be sure (it does not ship the Public Suffix List).
const TWO_LABEL_SUFFIXES =
  /\.(co|com|org|net|ac|gov|edu)\.[a-z]{2}$|\.(github\.io|herokuapp\.com|vercel\.app|netlify\.app|pages\.dev|azurewebsites\.net|cloudfront\.net)$/;
// The default `clockSkew` of implicitly: ID token `iat`/`exp` beyond it are refused.
const CLOCK_SKEW = 30;

/**
 * The scheme and registrable domain of a URL (schemeful same-site), approximately: IP addresses
 * and single labels (`localhost`) stand for themselves; a few common two-label public suffixes
 * (`co.uk`, `github.io`, …) are known, without the Public Suffix List.
 * @param url - an absolute URL
 * @returns e.g. `https://example.com`
 */
export const siteOf = (url: string): string => {
  const { protocol, hostname } = new URL(url);
  if (/^[\d.]+$|^\[|^[^.]+$/.test(hostname)) return protocol + "//" + hostname;
  const labels = hostname.split(".");
  return protocol + "//" + labels.slice(TWO_LABEL_SUFFIXES.test(hostname) ? -3 : -2).join(".");
};

const secure = (url: string) => {
  const u = new URL(url);
  return u.protocol == "https:" || (u.protocol == "http:" && LOOPBACK.test(u.hostname));
};

/** A header's comma-separated list, lower case. */
const list = (value: string | null) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * Checks from the outside what an app needs of its authorization server and API, and says for
 * each problem the exact change to make: discovery metadata and its rules, PKCE (`S256`), CORS of
 * the token and revocation endpoints for the app's origin (with the `DPoP` header too), framing of
 * the authorization endpoint (silent renewal), same site (third-party cookies), the server's clock,
 * `iss` (RFC 9207), end-session and revocation endpoints, DPoP algorithms, COOP of the
 * authorization pages (popups), and the API's CORS and `WWW-Authenticate`.
 *
 * @param options - see {@link DoctorOptions}
 * @returns one finding per check, in a stable order
 */
export const runDoctor = async (options: DoctorOptions): Promise<Finding[]> => {
  const { appOrigin, redirectUri, issuer, clientId, api, now = Date.now, timeout = 10 } = options;
  const fetchFn = options.fetch ?? fetch;
  const findings: Finding[] = [];
  const add = (id: string, check: string, status: Status, found: string, fix?: string) =>
    findings.push(fix === undefined || status == "pass" || status == "skip" ? { id, check, status, found } : { id, check, status, found, fix });
  const dates: number[] = [];
  const request = async (url: string, init: RequestInit = {}): Promise<Response | string> => {
    try {
      const response = await fetchFn(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(timeout * 1000) });
      const date = Date.parse(response.headers.get("Date") ?? "");
      if (!Number.isNaN(date)) dates.push(date - now());
      return response;
    } catch (e) {
      return (e as Error | null)?.name == "TimeoutError" ? "no answer within " + timeout + " s" : "unreachable (" + ((e as Error).cause ?? e) + ")";
    }
  };
  const origin = { Origin: appOrigin };
  const allows = (response: Response) => {
    const allowed = response.headers.get("Access-Control-Allow-Origin");
    return allowed == appOrigin || allowed == "*";
  };

  // The app's own settings first: a redirect URI on another origin can never complete a login.
  let app: URL | undefined;
  try {
    app = new URL(appOrigin);
  } catch {
    // reported below
  }
  if (!app || app.origin != appOrigin) {
    add(
      "app-origin",
      "the app's origin",
      "fail",
      `"${appOrigin}" is not an origin`,
      `Pass the origin only, e.g. --app-origin ${app?.origin ?? "https://app.example.com"}`,
    );
    return findings;
  }
  let redirect: URL | undefined;
  try {
    redirect = new URL(redirectUri);
  } catch {
    // reported below
  }
  if (!redirect || redirect.hash || !secure(redirectUri)) {
    add(
      "redirect-uri",
      "the redirect URI",
      "fail",
      `"${redirectUri}" is not an absolute https: URL (or http: on loopback) without #fragment`,
      "Use an https: page of the app, e.g. " + appOrigin + "/callback, and register it exactly",
    );
  } else if (redirect.origin != appOrigin) {
    add(
      "redirect-uri",
      "the redirect URI is a page of the app",
      "fail",
      `it is on ${redirect.origin}, the app on ${appOrigin}: the pending login (in the app origin's sessionStorage) is not found there` +
        (redirect.hostname != app.hostname
          ? " (localhost and 127.0.0.1 are different origins)"
          : " (http: and https:, or another port, are different origins)"),
      `Use a redirect URI on ${appOrigin}, e.g. ${appOrigin}${redirect.pathname}, in the app's redirectUri option and in the server's registration`,
    );
  } else add("redirect-uri", "the redirect URI is a page of the app", "pass", redirectUri);

  // Discovery: OpenID Connect's document, else RFC 8414's.
  let metadata: Record<string, unknown> | undefined;
  let oidc = false;
  if (issuer !== undefined) {
    const base = issuer.replace(/\/$/, "");
    const u = new URL(issuer);
    const candidates = [
      [base + "/.well-known/openid-configuration", true],
      [u.origin + "/.well-known/oauth-authorization-server" + u.pathname.replace(/\/$/, ""), false],
    ] as const;
    let tried = "";
    for (const [url, isOidc] of candidates) {
      const response = await request(url, { headers: origin });
      if (typeof response == "string" || !response.ok) {
        tried += `${url}: ${typeof response == "string" ? response : "HTTP " + response.status}; `;
        continue;
      }
      metadata = parseJsonObject(await response.text());
      if (!metadata) {
        add(
          "discovery",
          "the discovery metadata",
          "fail",
          url + " is not a JSON object",
          "Serve the metadata as a JSON object (Content-Type: application/json)",
        );
        break;
      }
      oidc = isOidc;
      const problems: string[] = [];
      if (metadata.issuer !== issuer)
        problems.push(`its issuer is ${JSON.stringify(metadata.issuer)}, not "${issuer}" (compared exactly, trailing slash included)`);
      if (typeof metadata.authorization_endpoint != "string") problems.push("authorization_endpoint is missing");
      if (oidc && typeof metadata.jwks_uri != "string") problems.push("jwks_uri is missing");
      const algs = metadata.id_token_signing_alg_values_supported;
      if (oidc && !(Array.isArray(algs) && algs.some((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(a)))) {
        problems.push("id_token_signing_alg_values_supported lists no asymmetric algorithm (implicitly refuses none and HS*)");
      }
      for (const name of ["authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint", "end_session_endpoint"]) {
        const value = metadata[name];
        if (typeof value == "string" && !secure(value)) problems.push(`${name} is not https: (${value})`);
      }
      if (problems.length) {
        add(
          "discovery",
          "the discovery metadata and its rules",
          "fail",
          url + ": " + problems.join("; "),
          problems[0]!.startsWith("its issuer")
            ? `Set the server's issuer to exactly "${issuer}", or pass --issuer ${String(metadata.issuer)} (and the same in the app's issuer option)`
            : "Fix the metadata as listed: every endpoint https:, the issuer exactly as the app's issuer option",
        );
      } else add("discovery", "the discovery metadata and its rules", "pass", url);
      // createOidcClient reads the metadata from the page.
      if (oidc) {
        add(
          "discovery-cors",
          "CORS of the discovery metadata",
          allows(response) ? "pass" : "fail",
          allows(response)
            ? "readable from " + appOrigin
            : "no Access-Control-Allow-Origin for " + appOrigin + ": createOidcClient cannot read it (discovery_failed)",
          `Send Access-Control-Allow-Origin: ${appOrigin} (or *) with ${url}`,
        );
      }
      break;
    }
    if (!metadata && !findings.some((f) => f.id == "discovery")) {
      const given = options.authorizationEndpoint !== undefined;
      add(
        "discovery",
        "the discovery metadata",
        given ? "warn" : "fail",
        "none found: " + tried.trim(),
        given
          ? "Serve /.well-known/openid-configuration (OpenID Connect) or /.well-known/oauth-authorization-server (RFC 8414), or keep passing the endpoints to the app one by one"
          : "Serve the metadata, or give the endpoints one by one: --authorization-endpoint URL --token-endpoint URL …",
      );
    }
  }
  const m = metadata ?? {};
  const str = (v: unknown) => (typeof v == "string" ? v : undefined);
  const authorizationEndpoint = options.authorizationEndpoint ?? str(m.authorization_endpoint);
  const tokenEndpoint = options.tokenEndpoint ?? str(m.token_endpoint);
  const revocationEndpoint = options.revocationEndpoint ?? str(m.revocation_endpoint);
  const endSessionEndpoint = options.endSessionEndpoint ?? str(m.end_session_endpoint);
  const jwksUri = options.jwksUri ?? str(m.jwks_uri);
  const array = (name: string): unknown[] | undefined => (Array.isArray(m[name]) ? (m[name] as unknown[]) : undefined);

  if (jwksUri !== undefined && oidc) {
    const response = await request(jwksUri, { headers: origin });
    if (typeof response == "string" || !response.ok) {
      add(
        "jwks",
        "the JWK Set",
        "fail",
        jwksUri + ": " + (typeof response == "string" ? response : "HTTP " + response.status),
        "Serve the signing keys at jwks_uri",
      );
    } else {
      add(
        "jwks",
        "CORS of the JWK Set",
        allows(response) ? "pass" : "fail",
        allows(response) ? "readable from " + appOrigin : "no Access-Control-Allow-Origin for " + appOrigin + ": ID tokens cannot be verified (jwks_failed)",
        `Send Access-Control-Allow-Origin: ${appOrigin} (or *) with ${jwksUri}`,
      );
    }
  }

  // PKCE: implicitly's code flow sends S256 only.
  const methods = array("code_challenge_methods_supported");
  if (tokenEndpoint === undefined) add("pkce", "PKCE (code_challenge_methods_supported)", "skip", "no token endpoint: the implicit grant only");
  else if (!methods)
    add(
      "pkce",
      "PKCE (code_challenge_methods_supported)",
      metadata ? "warn" : "skip",
      metadata ? "the metadata does not say" : "no metadata to read",
      'Publish code_challenge_methods_supported: ["S256"] (RFC 8414 §2) once the server requires PKCE with S256',
    );
  else if (!methods.includes("S256"))
    add(
      "pkce",
      "PKCE (code_challenge_methods_supported)",
      "fail",
      "S256 is not listed: " + JSON.stringify(methods),
      "Enable PKCE with S256 at the server: codeFlow sends S256 only (plain is not allowed, RFC 9700 §2.1.1)",
    );
  else add("pkce", "PKCE (code_challenge_methods_supported)", "pass", "S256");

  // The token endpoint, as the page calls it: a form POST (no preflight), then a preflight with DPoP.
  if (tokenEndpoint !== undefined) {
    const body = new URLSearchParams({ grant_type: "authorization_code", code: "implicitly-doctor", redirect_uri: redirectUri, code_verifier: "x".repeat(43) });
    if (clientId !== undefined) body.set("client_id", clientId);
    const response = await request(tokenEndpoint, {
      method: "POST",
      headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body,
    });
    if (typeof response == "string")
      add(
        "token-cors",
        "the token endpoint answers the app's origin (CORS)",
        "fail",
        tokenEndpoint + ": " + response,
        "Make the token endpoint reachable from the app's users",
      );
    else if (!allows(response)) {
      add(
        "token-cors",
        "the token endpoint answers the app's origin (CORS)",
        "fail",
        `no Access-Control-Allow-Origin for ${appOrigin} (HTTP ${response.status}): the code cannot be exchanged from the page (token_network)`,
        `Send Access-Control-Allow-Origin: ${appOrigin} with every answer of ${tokenEndpoint}, errors included`,
      );
    } else
      add(
        "token-cors",
        "the token endpoint answers the app's origin (CORS)",
        "pass",
        `Access-Control-Allow-Origin: ${response.headers.get("Access-Control-Allow-Origin")}`,
      );

    const dpopAlgs = array("dpop_signing_alg_values_supported");
    const preflight = await request(tokenEndpoint, {
      method: "OPTIONS",
      headers: { ...origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,dpop" },
    });
    const problem =
      typeof preflight == "string"
        ? preflight
        : !(preflight.status >= 200 && preflight.status < 300)
          ? "HTTP " + preflight.status
          : !allows(preflight)
            ? "no Access-Control-Allow-Origin for " + appOrigin
            : !list(preflight.headers.get("Access-Control-Allow-Headers")).some((h) => h == "dpop" || h == "*")
              ? "Access-Control-Allow-Headers: " + (preflight.headers.get("Access-Control-Allow-Headers") ?? "(none)")
              : undefined;
    add(
      "token-cors-dpop",
      "the token endpoint's CORS preflight allows the DPoP header",
      !problem ? "pass" : dpopAlgs ? "fail" : "warn",
      !problem ? "DPoP allowed" : problem + (dpopAlgs ? ": the dpop option cannot reach it (dpop_network)" : ": only matters with the dpop option"),
      `Answer OPTIONS ${new URL(tokenEndpoint).pathname} with Access-Control-Allow-Origin: ${appOrigin} and Access-Control-Allow-Headers: Content-Type, DPoP`,
    );
  }

  // Revocation and end-session: sign-out at the server.
  if (revocationEndpoint === undefined) {
    add(
      "revocation",
      "the revocation endpoint (RFC 7009)",
      "warn",
      "none",
      "Enable token revocation and publish revocation_endpoint (or pass revocationEndpoint to the app): signOut() then revokes the tokens",
    );
  } else {
    const body = new URLSearchParams({ token: "implicitly-doctor", token_type_hint: "access_token" });
    if (clientId !== undefined) body.set("client_id", clientId);
    const response = await request(revocationEndpoint, { method: "POST", headers: origin, body });
    const ok = typeof response != "string" && allows(response);
    add(
      "revocation",
      "the revocation endpoint answers the app's origin (CORS)",
      ok ? "pass" : "warn",
      ok
        ? revocationEndpoint
        : typeof response == "string"
          ? response
          : `no Access-Control-Allow-Origin for ${appOrigin}: signOut() cannot revoke (revoked: false)`,
      `Send Access-Control-Allow-Origin: ${appOrigin} with the answers of ${revocationEndpoint}`,
    );
  }
  add(
    "end-session",
    "the end-session endpoint",
    endSessionEndpoint === undefined ? "warn" : "pass",
    endSessionEndpoint ?? "none",
    "Enable RP-Initiated Logout and publish end_session_endpoint (or pass endSessionEndpoint to the app): signOut() then ends the session at the server",
  );

  // RFC 9207 and DPoP, from the metadata.
  if (metadata) {
    add(
      "iss",
      "iss in authorization responses (RFC 9207)",
      m.authorization_response_iss_parameter_supported === true ? "pass" : "warn",
      m.authorization_response_iss_parameter_supported === true ? "supported" : "not announced: a mix-up between two servers cannot be detected",
      "Enable RFC 9207 at the server (authorization_response_iss_parameter_supported: true); then pass issuer to codeFlow clients",
    );
    const dpopAlgs = array("dpop_signing_alg_values_supported");
    add(
      "dpop-algs",
      "DPoP (dpop_signing_alg_values_supported)",
      !dpopAlgs ? "skip" : dpopAlgs.includes("ES256") ? "pass" : "fail",
      !dpopAlgs ? "not announced: do not use the dpop option" : JSON.stringify(dpopAlgs),
      "Add ES256 to the server's DPoP algorithms: the dpop option signs its proofs with ES256",
    );
    const types = array("response_types_supported") ?? [];
    const flows = [types.includes("code") && "code (codeFlow)", types.some((t) => t == "token" || t == "id_token token") && "implicit"].filter(Boolean);
    add(
      "response-types",
      "response types",
      flows.length ? "pass" : "fail",
      flows.length ? flows.join(", ") : "neither code nor token: " + JSON.stringify(types),
      "Enable the authorization code grant (response_type=code) for the app's client",
    );
  } else add("iss", "iss in authorization responses (RFC 9207)", "skip", "no metadata to read");

  // The authorization endpoint: silent renewal in a frame, popups, and same site.
  if (authorizationEndpoint === undefined) {
    add(
      "authorization",
      "the authorization endpoint",
      "fail",
      "none: neither given nor in the metadata",
      "Pass --authorization-endpoint URL, or serve discovery metadata",
    );
  } else {
    const url = new URL(authorizationEndpoint);
    const params = {
      response_type: tokenEndpoint ? "code" : "token",
      client_id: clientId ?? "implicitly-doctor",
      redirect_uri: redirectUri,
      state: "implicitly-doctor",
      scope: oidc ? "openid" : "",
    };
    for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
    if (tokenEndpoint) {
      url.searchParams.set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
      url.searchParams.set("code_challenge_method", "S256");
    }
    const silent = new URL(url);
    silent.searchParams.set("prompt", "none");
    const framed = await request(silent.href, { headers: { "Sec-Fetch-Dest": "iframe" } });
    if (typeof framed == "string") {
      add("authorization", "the authorization endpoint", "fail", authorizationEndpoint + ": " + framed, "Make the authorization endpoint reachable");
    } else {
      const xfo = (framed.headers.get("X-Frame-Options") ?? "").toLowerCase();
      const ancestors = /frame-ancestors([^;]*)/i
        .exec(framed.headers.get("Content-Security-Policy") ?? "")?.[1]
        ?.trim()
        .split(/\s+/);
      const sameOrigin = url.origin == appOrigin;
      const blocked =
        ancestors !== undefined
          ? !(ancestors.includes(appOrigin) || ancestors.includes("*") || (sameOrigin && ancestors.includes("'self'")))
          : xfo == "deny" || (xfo == "sameorigin" && !sameOrigin);
      const location = framed.headers.get("Location");
      if (blocked) {
        add(
          "framing",
          "the authorization endpoint can be framed by the app (silent renewal)",
          "warn",
          ancestors !== undefined ? "Content-Security-Policy: frame-ancestors " + ancestors.join(" ") : "X-Frame-Options: " + xfo.toUpperCase(),
          `Send Content-Security-Policy: frame-ancestors ${appOrigin} (and no X-Frame-Options) from ${url.pathname}; or use codeFlow, whose renewals refresh without a frame`,
        );
      } else if (framed.status == 200 && !location) {
        add(
          "framing",
          "prompt=none answers without a page (silent renewal)",
          "warn",
          "HTTP 200: a page instead of a redirect with login_required",
          "Support prompt=none (OpenID Connect Core §3.1.2.1): answer with a redirect, never a page; or use codeFlow, whose renewals refresh without a frame",
        );
      } else add("framing", "the authorization endpoint can be framed by the app (silent renewal)", "pass", `HTTP ${framed.status}, framing allowed`);
      if (framed.status >= 400) {
        add(
          "authorization",
          "the authorization endpoint accepts the app's request",
          "warn",
          `HTTP ${framed.status} for a prompt=none request` + (clientId ? "" : " (pass --client-id for an exact answer)"),
          "Register the client and its redirect URI exactly as the app sends them",
        );
      }
    }

    // COOP: the interactive pages, following the server's own redirects (to its login page).
    let target = url.href;
    let coop: string | null = null;
    for (let hop = 0; hop < 4; hop++) {
      const response = await request(target);
      if (typeof response == "string") break;
      coop = response.headers.get("Cross-Origin-Opener-Policy") ?? coop;
      const next = response.headers.get("Location");
      if (!next || response.status < 300 || response.status > 399) break;
      const resolved = new URL(next, target);
      if (resolved.origin != url.origin) break;
      target = resolved.href;
    }
    const cut = coop !== null && /^same-origin\b(?!-allow-popups)/i.test(coop.trim());
    add(
      "coop",
      "Cross-Origin-Opener-Policy of the authorization pages (popups)",
      cut ? "warn" : "pass",
      "Cross-Origin-Opener-Policy: " + (coop ?? "(none)") + (cut ? ": loginWithPopup() sees the popup as closed (popup_closed)" : ""),
      "Serve the authorization and login pages with Cross-Origin-Opener-Policy: unsafe-none (or none); or sign in with login() (a full-page redirect)",
    );

    const appSite = siteOf(appOrigin);
    const serverSite = siteOf(authorizationEndpoint);
    add(
      "same-site",
      "the app and the server are the same site (third-party cookies)",
      appSite == serverSite ? "pass" : "warn",
      appSite == serverSite
        ? appSite
        : `the app is on ${appSite}, the server on ${serverSite}: silent renewal (renew, restore, autoRenew) fails where third-party cookies are blocked (Safari, Firefox, Chrome with tracking protection)`,
      `Serve the authorization server under the app's site (e.g. login.${appSite.replace(/^\w+:\/\//, "")}); or use codeFlow, whose renewals refresh without cookies`,
    );
  }

  // The clock: the server's Date against this machine's.
  if (dates.length) {
    const skew = Math.round(dates.reduce((a, b) => a + b, 0) / dates.length / 1000);
    const off = Math.abs(skew) > CLOCK_SKEW;
    add(
      "clock",
      "the server's clock against this machine's",
      !off ? "pass" : oidc ? "fail" : "warn",
      `the server's Date is ${skew >= 0 ? skew + " s ahead" : -skew + " s behind"}` +
        (off ? ` (beyond implicitly's clockSkew of ${CLOCK_SKEW} s${oidc ? ": ID tokens are refused as id_token_iat or id_token_exp" : ""})` : ""),
      `Synchronise the clocks (NTP) of this machine and the server; or raise the app's clockSkew option to ${Math.abs(skew) + 10}`,
    );
  }

  // The API: CORS for the app's origin, Authorization allowed, WWW-Authenticate readable.
  if (api !== undefined) {
    const response = await request(api, { headers: origin });
    if (typeof response == "string") add("api", "the API", "fail", api + ": " + response, "Make the API reachable");
    else {
      const allowed = allows(response);
      add(
        "api-cors",
        "the API answers the app's origin (CORS)",
        allowed ? "pass" : "fail",
        allowed
          ? `Access-Control-Allow-Origin: ${response.headers.get("Access-Control-Allow-Origin")}`
          : `no Access-Control-Allow-Origin for ${appOrigin}: the page cannot read any answer`,
        `Send Access-Control-Allow-Origin: ${appOrigin} from the API, with its errors too`,
      );
      const challenge = response.headers.get("WWW-Authenticate");
      if (response.status == 401) {
        const exposed = list(response.headers.get("Access-Control-Expose-Headers"));
        const readable = exposed.includes("www-authenticate") || exposed.includes("*");
        add(
          "api-challenge",
          "the API's WWW-Authenticate is exposed to the page",
          !challenge ? "warn" : readable ? "pass" : "warn",
          !challenge
            ? "a 401 without WWW-Authenticate: the app cannot tell a refused token from a missing scope"
            : readable
              ? challenge.split(/\s/)[0] + " challenge, exposed"
              : "sent, but not in Access-Control-Expose-Headers: the page sees challenge: null (a 403 loses insufficient_scope)",
          !challenge
            ? 'Answer 401 with WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 §3)'
            : "Send Access-Control-Expose-Headers: WWW-Authenticate from the API",
        );
        if (challenge && !parseBearerChallenge(challenge) && !/^dpop\b/i.test(challenge)) {
          add(
            "api-challenge-syntax",
            "the API's challenge",
            "warn",
            "not a Bearer or DPoP challenge: " + challenge.slice(0, 80),
            'Answer WWW-Authenticate: Bearer realm="api", error="invalid_token" (RFC 6750 §3)',
          );
        }
      } else
        add(
          "api-challenge",
          "the API refuses a request without a token",
          "warn",
          `HTTP ${response.status} without a token`,
          "Protect the API: 401 with WWW-Authenticate: Bearer for a request without a valid token",
        );
      const preflight = await request(api, {
        method: "OPTIONS",
        headers: { ...origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
      });
      // `*` does not cover Authorization (Fetch standard): it must be named.
      const ok =
        typeof preflight != "string" &&
        preflight.status < 300 &&
        allows(preflight) &&
        list(preflight.headers.get("Access-Control-Allow-Headers")).includes("authorization");
      add(
        "api-preflight",
        "the API's CORS preflight allows the Authorization header",
        ok ? "pass" : "fail",
        ok
          ? "Authorization allowed"
          : typeof preflight == "string"
            ? preflight
            : `HTTP ${preflight.status}, Access-Control-Allow-Headers: ${preflight.headers.get("Access-Control-Allow-Headers") ?? "(none)"}: requests with the token are blocked`,
        `Answer OPTIONS with Access-Control-Allow-Origin: ${appOrigin} and Access-Control-Allow-Headers: Authorization (and DPoP with the dpop option); * does not cover Authorization`,
      );
    }
  }
  return findings;
};
