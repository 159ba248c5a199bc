import { atHash, createSigningKey, randomValue, sha256, signJwt, verifyProof, type SigningKey } from "./jose";

/** The user the fake server signs in, at once, without a login page. */
export interface FakeUser {
  /** The subject identifier: the ID token's and userinfo's `sub`. */
  sub: string;
  /** Any other claims for the ID token and userinfo (`name`, `email`, …). */
  [claim: string]: unknown;
}

/**
 * Ways real servers bend the rules, one switch each (see `docs/servers.md`), so that an app can
 * test how it copes. All off by default.
 */
export interface FakeServerQuirks {
  /** Errors go back in the query, not the fragment (Django OAuth Toolkit). */
  queryErrors?: boolean;
  /** A `prompt=none` request that needs the user gets a login page (unframable) instead of an error (Django OAuth Toolkit). */
  interactivePromptNone?: boolean;
  /** A `prompt=none` request without `id_token_hint` gets the login page (Glewlwyd). */
  requireIdTokenHint?: boolean;
  /** `token_type=bearer`, in lower case (Glewlwyd). */
  lowercaseBearer?: boolean;
  /** Protected resources answer `401` and `403` without `WWW-Authenticate` (Glewlwyd, Django OAuth Toolkit). */
  bareChallenges?: boolean;
  /** `WWW-Authenticate` is sent but CORS does not expose it to the page (many cross-origin APIs; a browser hides it). */
  hiddenChallenges?: boolean;
  /** No `iss` in authorization responses, and no `authorization_response_iss_parameter_supported` (RFC 9207). */
  noIssParameter?: boolean;
  /** A refresh returns no new refresh token: the old one stays valid (no rotation). */
  noRotation?: boolean;
}

/** Options of {@link createFakeServer}. */
export interface FakeServerOptions {
  /** The issuer identifier; every endpoint lives under it. @default "https://id.example.test" */
  issuer?: string;
  /** The only client id it accepts. @default any */
  clientId?: string;
  /**
   * The registered redirect URIs, compared exactly (also for `post_logout_redirect_uri`).
   * @default any absolute `https:` URL, or `http:` on a loopback host
   */
  redirectUris?: readonly string[];
  /** Who is signed in. @default `{ sub: "test-user", name: "Test User", email: "test.user@example.test" }` */
  user?: FakeUser;
  /** The scopes it may grant (`openid` and `offline_access` always). @default any requested */
  scopes?: readonly string[];
  /** Access token and ID token lifetime, seconds. @default 3600 */
  expiresIn?: number;
  /** Refresh tokens with the code flow. @default true */
  refreshTokens?: boolean;
  /** Every DPoP proof must carry a nonce of the server's (RFC 9449 §8, §9). @default false */
  dpopNonce?: boolean;
  /** The server's clock, ms since epoch (e.g. to test a skewed clock). @default Date.now */
  clock?: () => number;
  /** See {@link FakeServerQuirks}. */
  quirks?: FakeServerQuirks;
}

/** Where {@link FakeServer.refuse} refuses. */
export interface RefuseOptions {
  /** `"authorization"` (an error redirect), `"token"` (a `400` from the token endpoint). @default "authorization" */
  at?: "authorization" | "token";
  /** How many requests are refused. @default 1 */
  times?: number;
  /** The `error_description`. */
  description?: string;
}

/** The fake server's endpoints, all under its issuer. */
export interface FakeEndpoints {
  /** The issuer identifier; discovery is at `{issuer}/.well-known/openid-configuration` (and RFC 8414's). */
  issuer: string;
  /** `GET /authorize`: answers at once with a redirect (a code, a token fragment, or an error). */
  authorization: string;
  /** `POST /token`: `authorization_code` (PKCE S256) and `refresh_token` (with rotation). */
  token: string;
  /** `GET /jwks`: the public key that signs ID tokens. */
  jwks: string;
  /** `POST /revoke` (RFC 7009). */
  revocation: string;
  /** `GET`/`POST /userinfo`: the user's claims, for a valid token (Bearer or DPoP). */
  userinfo: string;
  /** `GET /logout`: ends the session, back to `post_logout_redirect_uri` with `state`. */
  endSession: string;
}

/** What {@link FakeServer.authenticate} found: the token's grant, or the response refusing it. */
export type Authentication =
  | {
      active: true;
      /** The user the token was issued for. */
      sub: string;
      /** The client it was issued to. */
      clientId: string;
      /** Its scope. */
      scope: string[];
      /** How it was sent: `DPoP` for a token bound to a key, whose proof verified. */
      tokenType: "Bearer" | "DPoP";
    }
  | {
      active: false;
      /** The answer to send: `401` (`invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`) or `403` (`insufficient_scope`). */
      response: Response;
    };

/** One request the fake server saw (never a token or code: its method, path and grant type). */
export interface SeenRequest {
  /** The HTTP method. */
  method: string;
  /** The URL's path (no query: it may hold a code). */
  path: string;
  /** The token endpoint's `grant_type`. */
  grantType?: string;
}

/** An in-process authorization server and OpenID provider for tests; made by {@link createFakeServer}. */
export interface FakeServer {
  /** Its endpoints. */
  readonly endpoints: FakeEndpoints;
  /** The switches of {@link FakeServerQuirks}, to change at any time. */
  readonly quirks: FakeServerQuirks;
  /** Who it signs in; assign another user at any time. */
  user: FakeUser;
  /** The requests it answered, oldest first. */
  readonly requests: readonly SeenRequest[];
  /**
   * Answers one request, as the server would: the whole server is this function (no ports). A
   * request outside the issuer's origin gets a `404`.
   */
  handle(request: Request): Promise<Response>;
  /**
   * A `fetch` that the server answers: pass it as the client's `fetch` option in unit tests. A
   * request outside the issuer's origin rejects with a `TypeError`, as an unreachable host does.
   */
  fetch: typeof fetch;
  /**
   * Answers an authorization request URL (from `client.authorizationUrl()`) without a login page.
   * @returns the URL the server redirects to (with a code, the token fragment, or an error)
   * @throws Error when the server answers with a page instead (an unknown client or redirect URI,
   * or a quirk's login page): the message says why
   */
  authorize(url: string): Promise<string>;
  /** Refuses the next request(s): an authorization error redirect, or a token endpoint error. */
  refuse(error?: string, options?: RefuseOptions): void;
  /** Every access token issued so far is expired at the server (resources answer `invalid_token`); refresh tokens still work. */
  expire(): void;
  /** Revokes every token issued so far, access and refresh tokens. */
  revoke(): void;
  /** Ends the user's session at the server: `prompt=none` then answers `login_required`. */
  endSession(): void;
  /**
   * Checks the access token of a resource request (`Authorization: Bearer`, or `DPoP` with its
   * proof), for an app's own fake API.
   * @returns the grant, or the `401`/`403` response (RFC 6750 §3, RFC 9449 §7.1) to send
   */
  authenticate(request: Request, requiredScope?: readonly string[]): Promise<Authentication>;
}

interface Grant {
  sub: string;
  clientId: string;
  scope: string[];
  /** The DPoP key's thumbprint, for bound tokens. */
  jkt?: string;
  revoked: boolean;
}
interface AccessToken {
  grant: Grant;
  /** The grant's scope, or less (a refresh may narrow it). */
  scope: string[];
  expiresAt: number;
}
interface Code {
  grant: Grant;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  dpopJkt?: string;
  expiresAt: number;
  used: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const DEFAULT_USER: FakeUser = { sub: "test-user", name: "Test User", email: "test.user@example.test" };
const CORS_HEADERS = "Authorization, Content-Type, DPoP, Accept";

/** A plain JSON response. */
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers } });

/** A page instead of a redirect: what a server shows when it cannot or will not redirect. */
const page = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(`<!doctype html><title>${status == 200 ? "Sign in" : "Error"}</title><p>${text}</p>`, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'", ...headers },
  });

/** A form or query's parameters, refusing a parameter given twice (RFC 6749 §3.1, §3.2). */
const params = (search: URLSearchParams): Record<string, string> | undefined => {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of search) {
    if (name in out) return undefined;
    out[name] = value;
  }
  return out;
};

/**
 * Creates an in-process OAuth 2.0 authorization server and OpenID provider for an app's tests: the
 * implicit grant (`token`, `id_token token`), the code flow with PKCE (S256 only) and refresh
 * tokens with rotation (a spent refresh token used again revokes its grant), ID tokens signed with
 * a key it generates (WebCrypto, ES256), discovery and JWK Set, revocation (RFC 7009), end-session,
 * userinfo, and DPoP (RFC 9449: proofs verified, tokens and codes bound by `cnf.jkt` / `dpop_jkt`).
 * It signs {@link FakeServerOptions.user} in at once: no login page. Switches make it refuse,
 * expire or revoke, and {@link FakeServerQuirks} make it bend the rules like real servers.
 *
 * The server is a function from a `Request` to a `Response` ({@link FakeServer.handle}): no ports
 * and no Node built-ins, so it runs in Node (vitest with jsdom: the client's `fetch` option), and
 * behind Playwright's `page.route()` ({@link routeFakeServer}).
 *
 * **For tests only**: it is `implicitly/testing`, never part of an app bundle.
 *
 * @param options - see {@link FakeServerOptions}
 * @returns the server
 * @example
 * ```ts
 * import { createClient, codeFlow } from "implicitly";
 * import { createFakeServer, signIn } from "implicitly/testing";
 *
 * const server = createFakeServer();
 * const client = createClient({
 *   authorizationEndpoint: server.endpoints.authorization,
 *   tokenEndpoint: server.endpoints.token,
 *   clientId: "my-spa",
 *   flow: codeFlow,
 *   fetch: server.fetch,
 * });
 * const { token } = await signIn(client, server);
 * ```
 */
export const createFakeServer = (options: FakeServerOptions = {}): FakeServer => {
  const { clientId: onlyClient, redirectUris, scopes, expiresIn = 3600, refreshTokens = true, dpopNonce = false, clock = Date.now } = options;
  const issuer = options.issuer ?? "https://id.example.test";
  const base = issuer.replace(/\/$/, "");
  const origin = new URL(issuer).origin;
  const endpoints: FakeEndpoints = {
    issuer,
    authorization: base + "/authorize",
    token: base + "/token",
    jwks: base + "/jwks",
    revocation: base + "/revoke",
    userinfo: base + "/userinfo",
    endSession: base + "/logout",
  };
  const quirks: FakeServerQuirks = { ...options.quirks };
  const requests: SeenRequest[] = [];
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokensHeld = new Map<string, { grant: Grant; spent: boolean }>();
  const codes = new Map<string, Code>();
  const grants: Grant[] = [];
  const seenJti = new Set<string>();
  const refusals: { error: string; at: "authorization" | "token"; times: number; description?: string }[] = [];
  let signedIn = true;
  let key: Promise<SigningKey> | undefined;
  const signingKey = () => (key ||= createSigningKey());
  const nonce = randomValue();

  const refusal = (at: "authorization" | "token") => {
    const r = refusals.find((x) => x.at == at && x.times > 0);
    if (r) r.times--;
    return r;
  };

  const validRedirect = (uri: string | undefined): uri is string => {
    if (!uri) return false;
    if (redirectUris) return redirectUris.includes(uri);
    try {
      const u = new URL(uri);
      return !u.hash && (u.protocol == "https:" || (u.protocol == "http:" && LOOPBACK.test(u.hostname)));
    } catch {
      return false;
    }
  };

  const grantable = (requested: string[]) => requested.filter((s) => !scopes || s == "openid" || s == "offline_access" || scopes.includes(s));

  /** Issues an access token (and the ID token and refresh token when asked) for a grant. */
  const issue = async (grant: Grant, opts: { idToken?: { nonce?: string; clientId: string }; refresh?: boolean; scope?: string[] }) => {
    const now = clock();
    const accessToken = randomValue();
    const scope = opts.scope ?? grant.scope;
    accessTokens.set(accessToken, { grant, scope, expiresAt: now + expiresIn * 1000 });
    const out: Record<string, string | number> = {
      access_token: accessToken,
      token_type: grant.jkt ? "DPoP" : quirks.lowercaseBearer ? "bearer" : "Bearer",
      expires_in: expiresIn,
    };
    // RFC 6749 §3.3: a scope has at least one token; none granted, none sent.
    if (scope.length) out.scope = scope.join(" ");
    if (opts.refresh) {
      const refreshToken = randomValue();
      refreshTokensHeld.set(refreshToken, { grant, spent: false });
      out.refresh_token = refreshToken;
    }
    if (opts.idToken && scope.includes("openid")) {
      const { sub, ...claims } = server.user;
      const seconds = Math.floor(now / 1000);
      out.id_token = await signJwt(
        await signingKey(),
        {
          ...claims,
          iss: issuer,
          sub,
          aud: opts.idToken.clientId,
          iat: seconds,
          exp: seconds + expiresIn,
          auth_time: seconds,
          at_hash: await atHash(accessToken),
          ...(opts.idToken.nonce !== undefined && { nonce: opts.idToken.nonce }),
        },
        { typ: "JWT" },
      );
    }
    return out;
  };

  /** Verifies a request's DPoP proof; undefined when it has none. */
  const proofOf = async (
    request: Request,
    accessToken?: string,
  ): Promise<{ jkt: string } | { error: string; description: string; nonce?: boolean } | undefined> => {
    const header = request.headers.get("DPoP");
    if (header === null) return undefined;
    const proof = await verifyProof(header, request.method, request.url, clock(), accessToken);
    if (typeof proof == "string") return { error: "invalid_dpop_proof", description: proof };
    if (seenJti.has(proof.jti)) return { error: "invalid_dpop_proof", description: "jti used before" };
    seenJti.add(proof.jti);
    if (dpopNonce && proof.nonce !== nonce) return { error: "use_dpop_nonce", description: "a nonce is required", nonce: true };
    return { jkt: proof.jkt };
  };

  const authorize = async (url: URL): Promise<Response> => {
    const p = params(url.searchParams);
    if (!p) return page(400, "invalid_request: a parameter is repeated");
    const clientId = p.client_id;
    if (!clientId || (onlyClient !== undefined && clientId != onlyClient)) return page(400, "unauthorized_client: unknown client_id");
    const redirectUri = p.redirect_uri;
    // RFC 6749 §4.1.2.1: never redirect to a URI that is not registered.
    if (!validRedirect(redirectUri)) return page(400, "invalid_request: redirect_uri is not registered");
    const responseType = p.response_type ?? "";
    const code = responseType == "code";
    const inQuery = code && p.response_mode != "fragment";
    const answer = (values: Record<string, string | number | undefined>) => {
      const isError = "error" in values;
      const target = new URL(redirectUri);
      const out = new URLSearchParams();
      for (const [name, value] of Object.entries(values)) if (value !== undefined) out.set(name, String(value));
      if (p.state !== undefined) out.set("state", p.state);
      if (!quirks.noIssParameter) out.set("iss", issuer);
      if (inQuery || (isError && quirks.queryErrors)) {
        for (const [name, value] of out) target.searchParams.append(name, value);
      } else target.hash = out.toString();
      return new Response(null, { status: 302, headers: { Location: target.href, "Cache-Control": "no-store" } });
    };
    const error = (error: string, description?: string) => answer({ error, error_description: description });

    if (!(code || responseType == "token" || responseType == "id_token token")) return error("unsupported_response_type");
    const refused = refusal("authorization");
    if (refused) return error(refused.error, refused.description);
    const scope = grantable((p.scope ?? "").split(" ").filter(Boolean));
    if (responseType == "id_token token" && !scope.includes("openid")) return error("invalid_scope", "openid is required");
    if (responseType == "id_token token" && !p.nonce) return error("invalid_request", "nonce is required");
    if (p.prompt == "none") {
      const interactive = !signedIn || (quirks.requireIdTokenHint && !p.id_token_hint);
      if (interactive && (quirks.interactivePromptNone || quirks.requireIdTokenHint)) return page(200, "Sign in to continue.");
      if (interactive) return error("login_required");
    } else signedIn = true;
    const grant: Grant = { sub: server.user.sub, clientId, scope, revoked: false };
    grants.push(grant);
    if (code) {
      if (!p.code_challenge || p.code_challenge_method != "S256") return error("invalid_request", "PKCE with S256 is required");
      const value = randomValue();
      const entry: Code = { grant, redirectUri, challenge: p.code_challenge, expiresAt: clock() + 60_000, used: false };
      if (p.nonce !== undefined) entry.nonce = p.nonce;
      if (p.dpop_jkt !== undefined) entry.dpopJkt = p.dpop_jkt;
      codes.set(value, entry);
      return answer({ code: value });
    }
    const issued = await issue(grant, responseType == "token" ? {} : { idToken: { nonce: p.nonce!, clientId } });
    return answer(issued);
  };

  const token = async (request: Request, seen: SeenRequest): Promise<Response> => {
    const form = params(new URLSearchParams(await request.text()));
    if (!form) return json({ error: "invalid_request", error_description: "a parameter is repeated" }, 400);
    seen.grantType = form.grant_type;
    const fail = (error: string, description: string, status = 400, headers: Record<string, string> = {}) =>
      json({ error, error_description: description }, status, headers);
    const proof = await proofOf(request);
    if (proof && "error" in proof) return fail(proof.error, proof.description, 400, proof.nonce ? { "DPoP-Nonce": nonce } : {});
    const refused = refusal("token");
    if (refused) return fail(refused.error, refused.description ?? "refused by the test");
    if (onlyClient !== undefined && form.client_id != onlyClient) return fail("invalid_client", "unknown client_id", 401);

    if (form.grant_type == "authorization_code") {
      const entry = form.code === undefined ? undefined : codes.get(form.code);
      if (!entry || entry.expiresAt < clock() || entry.grant.revoked) return fail("invalid_grant", "unknown or expired code");
      if (entry.used) {
        // RFC 6749 §4.1.2: a code used twice revokes what it gave.
        entry.grant.revoked = true;
        return fail("invalid_grant", "code used before");
      }
      entry.used = true;
      if (form.client_id != entry.grant.clientId) return fail("invalid_grant", "code issued to another client");
      if (form.redirect_uri != entry.redirectUri) return fail("invalid_grant", "redirect_uri differs from the authorization request's");
      if (!form.code_verifier || (await sha256(form.code_verifier)) != entry.challenge) return fail("invalid_grant", "code_verifier does not match");
      if (entry.dpopJkt !== undefined && entry.dpopJkt != (proof as { jkt?: string } | undefined)?.jkt) {
        return fail("invalid_dpop_proof", "the code is bound to another key (dpop_jkt)");
      }
      if (proof) entry.grant.jkt = proof.jkt;
      return json(
        await issue(entry.grant, {
          idToken: entry.nonce === undefined ? { clientId: entry.grant.clientId } : { nonce: entry.nonce, clientId: entry.grant.clientId },
          refresh: refreshTokens,
        }),
      );
    }
    if (form.grant_type == "refresh_token") {
      const held = form.refresh_token === undefined ? undefined : refreshTokensHeld.get(form.refresh_token);
      if (!held || held.grant.revoked) return fail("invalid_grant", "unknown or revoked refresh token");
      const { grant } = held;
      if (held.spent) {
        // RFC 9700 §4.14.2: a rotated refresh token used again means it leaked: the grant ends.
        grant.revoked = true;
        return fail("invalid_grant", "refresh token used before: the grant is revoked");
      }
      if (form.client_id != grant.clientId) return fail("invalid_grant", "refresh token issued to another client");
      // A public client's DPoP-bound refresh token needs a proof of the same key (RFC 9449 §5).
      if (grant.jkt !== undefined && (proof as { jkt?: string } | undefined)?.jkt != grant.jkt)
        return fail("invalid_dpop_proof", "the refresh token is bound to another key");
      const scope = form.scope === undefined ? grant.scope : form.scope.split(" ").filter(Boolean);
      if (scope.some((s) => !grant.scope.includes(s))) return fail("invalid_scope", "wider than the grant");
      if (!quirks.noRotation) held.spent = true;
      return json(await issue(grant, { refresh: !quirks.noRotation, scope }));
    }
    return fail("unsupported_grant_type", "grant_type " + form.grant_type);
  };

  const revoke = async (request: Request): Promise<Response> => {
    const form = params(new URLSearchParams(await request.text()));
    if (!form?.token) return json({ error: "invalid_request", error_description: "token missing" }, 400);
    // RFC 7009 §2.2: 200 also for a token it does not know.
    const access = accessTokens.get(form.token);
    if (access) access.expiresAt = -1;
    const refresh = refreshTokensHeld.get(form.token);
    if (refresh) refresh.grant.revoked = true;
    return new Response(null, { status: 200 });
  };

  const challenge = (status: 401 | 403, scheme: string, error: string, description: string, extra: Record<string, string> = {}) =>
    quirks.bareChallenges
      ? new Response(null, { status })
      : json({ error, error_description: description }, status, {
          "WWW-Authenticate": `${scheme} realm="${origin}", error="${error}", error_description="${description}"`,
          ...extra,
        });

  const authenticate: FakeServer["authenticate"] = async (request, requiredScope = []) => {
    const header = request.headers.get("Authorization") ?? "";
    const m = /^(Bearer|DPoP) ([\w.~+/-]+=*)$/i.exec(header);
    if (!m) {
      return {
        active: false,
        response: quirks.bareChallenges
          ? new Response(null, { status: 401 })
          : new Response(null, { status: 401, headers: { "WWW-Authenticate": `Bearer realm="${origin}"` } }),
      };
    }
    const scheme = m[1]!.toLowerCase() == "dpop" ? "DPoP" : "Bearer";
    const held = accessTokens.get(m[2]!);
    if (!held || held.grant.revoked || held.expiresAt <= clock()) {
      return { active: false, response: challenge(401, scheme, "invalid_token", held ? "expired or revoked" : "unknown token") };
    }
    const { grant, scope } = held;
    if (grant.jkt !== undefined) {
      // A bound token with the Bearer scheme, or without a proof of its key, is refused (RFC 9449 §7.1).
      const proof = scheme == "DPoP" ? await proofOf(request, m[2]) : undefined;
      if (proof && "error" in proof) {
        return { active: false, response: challenge(401, "DPoP", proof.error, proof.description, proof.nonce ? { "DPoP-Nonce": nonce } : {}) };
      }
      if (!proof || proof.jkt != grant.jkt) return { active: false, response: challenge(401, "DPoP", "invalid_token", "bound to another key") };
    }
    const missing = requiredScope.filter((s) => !scope.includes(s));
    if (missing.length) {
      return { active: false, response: challenge(403, scheme, "insufficient_scope", "needs " + missing.join(" ")) };
    }
    return { active: true, sub: grant.sub, clientId: grant.clientId, scope, tokenType: scheme };
  };

  const metadata = () => ({
    issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    revocation_endpoint: endpoints.revocation,
    userinfo_endpoint: endpoints.userinfo,
    end_session_endpoint: endpoints.endSession,
    response_types_supported: ["code", "token", "id_token token"],
    response_modes_supported: ["query", "fragment"],
    grant_types_supported: ["authorization_code", "implicit", "refresh_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none"],
    dpop_signing_alg_values_supported: ["ES256"],
    authorization_response_iss_parameter_supported: !quirks.noIssParameter,
    scopes_supported: ["openid", "offline_access", ...(scopes ?? [])],
  });

  const route = async (request: Request, seen: SeenRequest): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.origin + url.pathname;
    const { method } = request;
    if (method == "GET" && path == base + "/.well-known/openid-configuration") return json(metadata());
    if (method == "GET" && path == origin + "/.well-known/oauth-authorization-server" + new URL(issuer).pathname.replace(/\/$/, "")) return json(metadata());
    if (method == "GET" && path == endpoints.jwks) return json({ keys: [(await signingKey()).jwk] });
    if (method == "GET" && path == endpoints.authorization) return authorize(url);
    if (method == "POST" && path == endpoints.token) return token(request, seen);
    if (method == "POST" && path == endpoints.revocation) return revoke(request);
    if ((method == "GET" || method == "POST") && path == endpoints.userinfo) {
      const who = await authenticate(request);
      if (!who.active) return who.response;
      return json({ ...server.user, sub: who.sub });
    }
    if (method == "GET" && path == endpoints.endSession) {
      const p = params(url.searchParams);
      const back = p?.post_logout_redirect_uri;
      // A request it refuses signs nobody out.
      if (!p || (back !== undefined && !validRedirect(back)))
        return page(400, "invalid_request: post_logout_redirect_uri is not registered, or a parameter is repeated");
      signedIn = false;
      if (back === undefined) return page(200, "You are signed out.");
      const target = new URL(back);
      if (p.state !== undefined) target.searchParams.set("state", p.state);
      return new Response(null, { status: 302, headers: { Location: target.href } });
    }
    return json({ error: "not_found" }, 404);
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.origin != origin) return json({ error: "not_found", error_description: "not this server's origin" }, 404);
    const seen: SeenRequest = { method: request.method, path: url.pathname };
    requests.push(seen);
    const from = request.headers.get("Origin");
    // CORS for the page's own requests: any origin may read, as a test server (the doctor checks real ones).
    const cors: Record<string, string> = from
      ? {
          "Access-Control-Allow-Origin": from,
          Vary: "Origin",
          "Access-Control-Expose-Headers": quirks.hiddenChallenges ? "DPoP-Nonce" : "WWW-Authenticate, DPoP-Nonce",
        }
      : {};
    if (request.method == "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: { ...cors, "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": CORS_HEADERS, "Access-Control-Max-Age": "600" },
      });
    }
    const response = await route(request, seen);
    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    return response;
  };

  const server: FakeServer = {
    endpoints,
    quirks,
    user: options.user ?? DEFAULT_USER,
    requests,
    handle,
    fetch: async (input, init) => {
      if (init?.signal?.aborted) throw init.signal.reason;
      let body = init?.body;
      // A URLSearchParams of another realm (jsdom's) is sent as its text, as a browser would.
      if (body != null && Object.prototype.toString.call(body) == "[object URLSearchParams]") body = String(body);
      const { signal: _signal, ...rest } = init ?? {};
      const request = new Request(input instanceof Request ? input : String(input), body === undefined ? rest : { ...rest, body });
      if (new URL(request.url).origin != origin) throw new TypeError("fetch failed: " + request.url + " is not the fake server's");
      return handle(request);
    },
    async authorize(url) {
      const response = await handle(new Request(url));
      const location = response.headers.get("Location");
      if (response.status != 302 || !location) throw new Error(`the fake server answered ${response.status} with a page: ${await response.text()}`);
      return location;
    },
    refuse(error = "access_denied", opts = {}) {
      refusals.push({
        error,
        at: opts.at ?? "authorization",
        times: opts.times ?? 1,
        ...(opts.description !== undefined && { description: opts.description }),
      });
    },
    expire() {
      for (const held of accessTokens.values()) held.expiresAt = Math.min(held.expiresAt, clock());
    },
    revoke() {
      for (const grant of grants) grant.revoked = true;
    },
    endSession() {
      signedIn = false;
    },
    authenticate,
  };
  return server;
};
