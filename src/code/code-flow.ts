import { AuthError } from "../protocol/errors";
import { checkScope, checkUrl, invalidConfig } from "../client/options";
import { featureOptions, internalsOf } from "../client/internals";
import { defineFeature, joinPipeline } from "../client/pipeline";
import { parseCodeResponse } from "../protocol/code-response";
import { checkResponseIssuer } from "../protocol/response-issuer";
import { pkce } from "./pkce";
import { requestToken } from "./token-request";
import { tokenFromResponse } from "../protocol/validate";
import type { Client } from "../client/types";
import type { PendingLogin } from "../browser/pending";
import type { AuthorizationResponse } from "../protocol/response";
import type { Token } from "../protocol/types";
import type { CodeFlowOptions } from "./options";

/** The code flow's own data of a pending login. */
interface CodeLogin {
  /** The PKCE `code_verifier` (RFC 7636): one-time, removed with the login. */
  verifier?: string;
}

/**
 * The codes of the code flow, besides the server's own (`invalid_grant`, `invalid_client`, …), which
 * pass through as they are.
 */
export type CodeFlowErrorCode =
  /** The token endpoint could not be reached, or its answer not read (network, CORS, preflight). */
  | "token_network"
  /** No answer from the token endpoint within `tokenTimeout` seconds. */
  | "token_timeout"
  /** A success whose `Content-Type` is not `application/json`. */
  | "token_content_type"
  /** A success whose body is not a JSON object. */
  | "token_not_json"
  /** An error status whose body names no `error` (empty, not JSON, or not RFC 6749 §5.2-shaped). */
  | "token_http_error";

// The failures of a refresh that say nothing about the refresh token: it was not reached, no
// answer could be read (a captive portal's or proxy's page), or the server failed.
const TRANSIENT = /^(token_(network|timeout|http_error|content_type|not_json)|dpop_network|server_error|temporarily_unavailable)$/;
const MAX_RETRY_DELAY = 300_000;

/**
 * Switches a client to the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636), with
 * refresh tokens (RFC 6749 §6): pass it as the `flow` option of {@link createClient} or
 * {@link createOidcClient}. Everything else stays as it is: `login()`, `handleRedirect()`,
 * `fetch()`, the events, and {@link restore}, {@link renew}, {@link autoRenew},
 * {@link loginWithPopup}, {@link syncTabs}.
 *
 * - Each request carries `response_type=code` and an S256 `code_challenge`; the verifier (43
 *   characters from `crypto.getRandomValues`) waits with the pending login and goes with it.
 * - The response is read from the query (or the fragment with the option
 *   `responseMode: "fragment"`), strictly, state first; the URL is cleaned (the app's own query parameters
 *   kept) before the code is exchanged at `tokenEndpoint` (or the provider's `token_endpoint`),
 *   once: the pending login is one-time.
 * - The refresh token stays in this client's memory (unless {@link persistSession} keeps a
 *   DPoP-bound one): never in the token, never shared with other tabs. {@link renew} (and so
 *   {@link autoRenew} and {@link restore}) refreshes with it first, one request at a time, never
 *   for more scope than the grant, and falls back to the hidden frame when there is none or the
 *   refresh fails (not after a logout meanwhile). A rotated refresh token replaces the old one;
 *   {@link Client.logout} forgets it, and an exchange or refresh that answers after it sets no token.
 * - Only the server's refusal (`invalid_grant` and the like) forgets the refresh token. A refresh
 *   that fails on the way (no network, asleep, no answer in time, a server error) keeps it, emits
 *   `reconnecting` and tries again after 1 s, doubling up to 5 minutes, or at once when the page
 *   comes back online or becomes visible.
 *
 * @param client - the client it is the `flow` of (called by the client itself)
 * @throws AuthError `invalid_config` for an invalid `tokenEndpoint`, `tokenTimeout` or `issuer`; `login()`
 * rejects `invalid_config` (`tokenEndpoint`) when there is no token endpoint; `handleRedirect()`
 * rejects the codes of {@link CodeFlowErrorCode} and the server's, besides the core ones
 * @example
 * ```ts
 * import { createClient, codeFlow } from "implicitly";
 * const auth = createClient({
 *   authorizationEndpoint: "https://id.example.com/authorize",
 *   tokenEndpoint: "https://id.example.com/token",
 *   clientId: "my-spa",
 *   flow: codeFlow,
 * });
 * ```
 * @see RFC 6749 §4.1 and §6, RFC 7636, RFC 9700 §2.1.1, RFC 9207
 */
export const codeFlow = /* @__PURE__ */ defineFeature(10, (client: Client): void => {
  const i = internalsOf(client);
  const o = featureOptions<CodeFlowOptions>(i);
  const { hooks } = i;
  const { tokenEndpoint, tokenTimeout = 10, issuer } = o;
  if (tokenEndpoint !== undefined) checkUrl("tokenEndpoint", tokenEndpoint);
  if (issuer !== undefined) checkUrl("issuer", issuer);
  if (!(typeof tokenTimeout == "number" && tokenTimeout > 0 && tokenTimeout < 2e6)) {
    throw invalidConfig("tokenTimeout", tokenTimeout, "is not a number of seconds above 0 (and below 2e6)");
  }
  const fragment = o.responseMode == "fragment";
  // The grant: its refresh token and scope, in memory only; the token last held, whose other
  // members (an OpenID client's verified claims) a refresh keeps.
  let refreshToken: string | undefined;
  let granted: string[] = [];
  let current: Token | undefined;
  // What the exchange brought, until its token is held (every check passed).
  let exchanged: { accessToken: string; refreshToken: string | undefined } | undefined;
  let flight: Promise<Token> | undefined;

  const endpoint = async () => checkUrl("tokenEndpoint", tokenEndpoint ?? (await i.metadata?.())?.token_endpoint);

  const exchange = async (response: AuthorizationResponse, login: PendingLogin, data: CodeLogin) => {
    // From the parameters, which have no prototype: a `code` some script set on Object.prototype
    // is no parameter of this response.
    const { code } = response.params;
    // An implicit-grant token where a code is expected is refused, never used.
    if (typeof code != "string" || !data.verifier || response.params.access_token !== undefined) {
      throw new AuthError("invalid_response", "code");
    }
    const answer = await requestToken(i, await endpoint(), {
      grant_type: "authorization_code",
      code,
      redirect_uri: login.redirectUri,
      client_id: o.clientId,
      code_verifier: data.verifier,
    });
    // The authorization response's `iss` (RFC 9207) stays for the issuer check.
    const { iss } = response.params;
    if (iss !== undefined) (answer.params as Record<string, string>).iss = iss;
    // The response is read from here on as the token response (also its scope: a fragment
    // response's own parameters must not stand in for it).
    Object.assign(response, { accessToken: undefined, tokenType: undefined, expiresIn: undefined, scope: undefined }, answer);
    exchanged = { accessToken: answer.accessToken!, refreshToken: answer.params.refresh_token };
  };

  joinPipeline(i.hooks, "code", {
    order: 10,
    parse: (href) => {
      const [response, clean] = parseCodeResponse(href, fragment);
      // An implicit-grant token in the fragment of a query-mode client: never left in the address
      // bar (where history, extensions and a later Referer could read it), and refused, for the
      // login its state (or the query response's) names.
      const hash = clean.indexOf("#");
      if (fragment || hash < 0 || !/(^|&)access_token=/.test(clean.slice(hash + 1))) return [response, clean];
      const state = ((response || parseCodeResponse(clean, true)[0]) as { state?: string } | null)?.state;
      return [Object.assign(new AuthError("invalid_response", "access_token in the fragment"), { state }), clean.slice(0, hash)];
    },
    request: async (params, _login, data: CodeLogin) => {
      await endpoint(); // none: fail before navigating, not on the way back
      const { verifier, challenge } = await pkce();
      params.response_type = "code";
      params.code_challenge = challenge;
      params.code_challenge_method = "S256";
      // Only the code flow's own option sets it (extraParams may not: a token could land in the query).
      if (fragment) params.response_mode = "fragment";
      data.verifier = verifier;
    },
    // RFC 9207, for errors too: the response must come from the server the request went to.
    check: (response) => {
      if (issuer !== undefined) checkResponseIssuer(response.params, issuer, true);
    },
    complete: exchange,
    refresh: async (opts) => {
      const scope = within(opts.scope === undefined ? undefined : checkScope("scope", opts.scope));
      // One refresh of this token for every caller.
      if (!flight) {
        flight = serial(() => refresh(scope && scope.length < granted.length ? scope : undefined));
        const land = () => (flight = undefined);
        flight.then(land, land);
      }
      return flight;
    },
  });
  client.on("token", (token) => {
    // A new grant (its every check passed) replaces the old one, refresh token included.
    if (exchanged?.accessToken === token.accessToken) {
      refreshToken = exchanged.refreshToken;
      granted = token.scope;
    }
    exchanged = undefined;
    current = token;
  });
  client.on("logout", () => {
    refreshToken = current = exchanged = undefined;
    granted = [];
    attempts = 0;
    stopRetry();
  });

  // Tries a refresh that failed on the way again: after a backoff (1 s, doubling, at most 5
  // minutes), or at once when the page comes back online or becomes visible (a laptop woken up).
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const again = () => {
    stopRetry();
    if (refreshToken) hooks.refresh?.({}).catch(() => undefined); // a new failure plans the next try
  };
  const onVisible = () => document.visibilityState == "visible" && again();
  const stopRetry = () => {
    clearTimeout(timer);
    timer = undefined;
    globalThis.removeEventListener?.("online", again);
    globalThis.document?.removeEventListener("visibilitychange", onVisible);
  };
  const retryLater = (error: AuthError) => {
    stopRetry();
    const retryIn = Math.min(1000 * 2 ** attempts++, MAX_RETRY_DELAY);
    timer = setTimeout(again, retryIn);
    globalThis.addEventListener?.("online", again);
    globalThis.document?.addEventListener("visibilitychange", onVisible);
    i.emit("reconnecting", { error, retryIn });
  };

  // Never more than the grant: asking for more needs the user (the frame).
  const within = <T extends readonly string[] | undefined>(scope: T): T => {
    if (!refreshToken) throw new AuthError("login_required", "no refresh token");
    if (scope?.some((s) => !granted.includes(s))) throw new AuthError("invalid_scope", "wider than the grant");
    return scope;
  };
  // Every use of the refresh token, one at a time, whoever asks (this token's refresh or a token
  // for another audience): two at once would reuse a token the first one rotated (RFC 9700 §4.14.2).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(use: () => Promise<T>): Promise<T> => {
    const run = queue.then(use, use);
    queue = run.catch(() => undefined);
    return run;
  };

  // `extra`: a token for another audience (RFC 8707 §2.2), returned and not held.
  const refresh = async (scope: readonly string[] | undefined, extra?: Readonly<Record<string, string>>): Promise<Token> => {
    // Read when its turn comes: an earlier use may have rotated it, or a logout dropped it.
    const held = refreshToken;
    if (!held) throw new AuthError("login_required", "no refresh token");
    try {
      const answer = await requestToken(i, await endpoint(), {
        ...extra,
        grant_type: "refresh_token",
        refresh_token: held,
        client_id: o.clientId,
        scope: scope?.join(" "),
      });
      const token = tokenFromResponse(answer, [...(scope || granted)], Date.now(), o.clockSkew, hooks.tokenType);
      // Signed out meanwhile: the answer is dropped.
      if (refreshToken !== held) throw new AuthError("login_required", "signed out");
      // Rotation: a new refresh token replaces the old one, which is forgotten.
      refreshToken = answer.params.refresh_token || held;
      if (extra) return token;
      const next = { ...current, ...token };
      if (token.expiresAt === undefined) delete next.expiresAt;
      i.tokens.set(next);
      attempts = 0;
      stopRetry();
      return i.tokens.get() || token;
    } catch (e) {
      if (refreshToken === held) {
        // Lost on the way (asleep, offline, a proxy's error page, a server error): the refresh
        // token may still be good, so it is kept (and the client's own refresh tried again).
        // Anything else is the server's refusal (invalid_grant and the like): never used again;
        // only a server that refuses what was asked for another audience (RFC 8707 §2
        // `invalid_target`, or its scope: `invalid_scope`) keeps the grant.
        const code = (e as AuthError).code;
        if (TRANSIENT.test(code)) {
          if (!extra) retryLater(e as AuthError);
        } else if (!(extra && /^invalid_(target|scope)$/.test(code))) refreshToken = undefined;
      }
      throw e;
    }
  };
  i.refreshToken = () => refreshToken;
  // Persistence (persistSession) reads the grant after a token event and puts a stored one back.
  i.grant = {
    get: () => (refreshToken === undefined ? undefined : { refreshToken, scope: granted }),
    set(grant) {
      refreshToken = grant?.refreshToken;
      granted = grant ? [...grant.scope] : [];
    },
  };
  // The scope is the server's to judge: the client's own token names only its own audience's
  // scopes, not what the grant holds for other resources (RFC 8707 §2.2).
  i.refreshFor = async (params, scope) => {
    within(undefined);
    return serial(() => refresh(scope.length ? scope : undefined, params));
  };
});
