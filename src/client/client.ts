import { buildAuthorizationUrl, type AuthorizationParams } from "../protocol/authorize";
import { AuthError } from "../protocol/errors";
import { createEmitter } from "../browser/events";
import { createFetch } from "../browser/fetch";
import { internals, type Internals } from "./internals";
import { channelName, handoffMark, handoffOf, type HandoffMessage } from "./handoff";
import { checkParams, checkScope, checkUrl, resolveOptions } from "./options";
import { createHooks, isFeature } from "./pipeline";
import { inPage } from "../browser/page";
import { createPendingStore, type PendingLogin } from "../browser/pending";
import { randomString } from "../browser/random";
import { parseAuthorizationResponse, splitQuery, type AuthorizationResponse } from "../protocol/response";
import { createTokenStore } from "../browser/tokens";
import type { Client, ClientEvents, ClientOptions, LoginOptions, RedirectResult } from "./types";
import { tokenFromResponse } from "../protocol/validate";

// Parses, turning a parse failure into a rejected outcome; null when there is no response.
const parse = (href: string): AuthorizationResponse | AuthError | null => {
  try {
    return parseAuthorizationResponse(href);
  } catch (e) {
    return e as AuthError;
  }
};

/**
 * Creates an implicit-grant client. Only this call and the client's methods touch browser
 * globals (`location`, `history`, `sessionStorage`, `crypto`, `fetch`), so the module can be
 * imported anywhere.
 *
 * @param options - see {@link ClientOptions}
 * @returns the client
 * @throws AuthError `invalid_config` naming the option at fault; `no_browser` (description
 *   `redirectUri`) outside a page when `redirectUri` is not given, as there is no page to default to
 * @example
 * ```ts
 * const auth = createClient({
 *   authorizationEndpoint: "https://id.example.com/oauth2/authorize",
 *   clientId: "my-spa",
 *   scope: ["profile"],
 *   resourceOrigins: ["https://api.example.com"],
 * });
 * await auth.handleRedirect();           // on every page load
 * loginButton.onclick = () => auth.login();
 * const res = await auth.fetch("https://api.example.com/me");
 * ```
 */
export const createClient = (options: ClientOptions): Client => {
  const o = resolveOptions(options);
  // The response in a URL: from the fragment, unless a flow reads it; else an error response from
  // the query (some servers send errors there), with the query's response part as text.
  const hooks = createHooks((href) => {
    const response = parse(href);
    if (response) return [response, href.split("#")[0]!];
    const [raw, clean] = splitQuery(href);
    return [parse(raw), clean, raw];
  });
  const events = createEmitter<ClientEvents>("token expiring expired logout unauthorized reconnecting");
  const tokens = createTokenStore(events.emit, o.expiringNotice * 1000);
  // Per client and server (RFC 9700 §4.4.2): a client of another server with the same client id,
  // on this origin, neither sees nor completes these logins.
  const pending = createPendingStore(o.storage, "implicitly:" + o.clientId + " " + o.authorizationEndpoint, o.stateTtl * 1000);
  // The response handled last in this page load, so that a second call gets the same outcome: found
  // by its state or by the clean URL it left (never by the raw URL, which holds the token).
  let last: { state: string | undefined; clean: string; result: Promise<RedirectResult> } | undefined;
  // The era (see TokenStore.era) in which each login of this page load started: a frame's or
  // popup's login started before a logout completes nothing after it.
  const begun = new Map<string, number>();

  const start: Internals["start"] = async (given, via) => {
    // Own options only: a name some other code set on Object.prototype is no option.
    const opts = { __proto__: null, ...given } as LoginOptions;
    const scope = checkScope("scope", opts.scope ?? o.scope);
    const redirectUri = checkUrl("redirectUri", opts.redirectUri ?? o.redirectUri);
    // A frame's or popup's state says so, for its redirect page to hand the response over.
    const state = handoffMark(via) + randomString();
    const login: PendingLogin = { created: Date.now(), redirectUri, scope, appState: opts.appState };
    const params: AuthorizationParams = {
      ...o.extraParams,
      ...checkParams("extraParams", opts.extraParams),
      response_type: "token",
      client_id: o.clientId,
      redirect_uri: redirectUri,
      scope: scope.join(" ") || undefined,
      state,
    };
    // The features' request stages, in their order: the last endpoint one gives wins.
    let endpoint = o.authorizationEndpoint;
    for (const request of hooks.request) endpoint = (await request(params, login)) || endpoint;
    pending.add(state, login);
    begun.set(state, tokens.era());
    return { url: buildAuthorizationUrl(endpoint, params), state, redirectUri };
  };

  // State first, for error responses too (RFC 6749 §10.12): an error for a login we did not
  // start is a forgery, not a denial. A malformed response (an AuthError from the parser) still
  // consumes the login its state names. `login`: already taken (a response from the query).
  const complete = async (
    response: AuthorizationResponse | AuthError | null,
    state = (response as { state?: string } | null)?.state,
    login = state !== undefined && pending.take(state),
  ): Promise<RedirectResult> => {
    const malformed = response instanceof AuthError && response;
    // Started in this page: its era then; else (a redirect from an earlier page load) now.
    const since = begun.get(state!) ?? tokens.era();
    begun.delete(state!);
    // After a logout (here, or in another tab through syncTabs), nothing started before it sets a
    // token: checked before the flow's checks (the code is not even exchanged) and after them.
    const late = () => {
      if (tokens.era() != since) throw new AuthError("login_required", "signed out");
    };
    if (!login || login == "expired") {
      throw malformed || new AuthError("state_mismatch", "state " + (state === undefined ? "missing" : login || "unknown or used"));
    }
    const { appState } = login;
    let token;
    try {
      if (malformed) throw malformed;
      late();
      const checked = response as AuthorizationResponse;
      // Checked as it came (an error response too), then completed by the flow (the code flow
      // exchanges its code), read, and accepted.
      for (const check of hooks.check) await check(checked, login);
      // The error from the parameters, which have no prototype (not one planted on Object.prototype).
      if (!checked.params.error) await hooks.complete?.(checked, login);
      token = tokenFromResponse(checked, login.scope, Date.now(), o.clockSkew, hooks.tokenType);
      for (const accept of hooks.accept) token = await accept(token, checked, login);
      late();
    } catch (e) {
      (e as AuthError).appState = appState;
      throw e;
    }
    // A token a feature keeps apart (another audience's) is not the client's own.
    if (!hooks.hold?.(token, login)) tokens.set(token);
    return appState === undefined ? { token } : { token, appState };
  };

  const send = createFetch(
    o.resources,
    tokens.get,
    o.fetch,
    (token, response, challenge, input, init) => {
      // A 401 refuses the token (RFC 6750 §3.1, RFC 9449 §7.1 invalid_token), also one without a
      // readable challenge of the token's scheme (Bearer or a binding's), unless its
      // WWW-Authenticate names another scheme only.
      const scheme = token.tokenType;
      const invalid =
        response.status == 401 &&
        (challenge ? challenge.error == "invalid_token" : new RegExp(scheme, "i").test(response.headers.get("WWW-Authenticate") || scheme));
      if (invalid) tokens.expire(token);
      events.emit("unauthorized", { response, challenge });
      return invalid && hooks.retry?.(input, init);
    },
    hooks,
  );

  const client: Client = {
    authorizationUrl: async (opts) => (await start(opts)).url,
    async login(opts) {
      inPage();
      location.assign((await start(opts)).url);
    },
    async handleRedirect(url) {
      inPage();
      const href = url ?? location.href;
      const [response, clean, query] = hooks.parse(href);
      const state = (response as AuthorizationResponse | null)?.state;
      // The same response (its state) or the clean URL it left: the same outcome, but only while
      // the client still holds its token, never one that logout(), expiry or a newer token replaced.
      if (last && (response ? last.state === state : last.clean == href)) {
        const result = await last.result;
        if (result.token === tokens.get()) return result;
      }
      const handoff = handoffOf(state);
      let login;
      // A response from the query (where some servers send errors) is ours only when its state
      // names a login of ours (or a frame's or popup's, which the page that opened it checks);
      // otherwise the query is the app's business.
      if (!response || (query !== undefined && !handoff && !(login = pending.take(state!)))) return null;
      // Out of the address bar in every outcome, without a new history entry.
      if (href == location.href) history.replaceState(history.state, "", clean);
      // A frame or popup that renew() or loginWithPopup() opened: hand the raw response to the
      // page that opened it (same origin only), which validates it; nothing else.
      if (handoff) {
        // With the opener link cut (Cross-Origin-Opener-Policy), a same-origin broadcast instead,
        // closed at once: the message is already on its way.
        let channel: BroadcastChannel | undefined;
        (handoff == "frame" ? parent : opener || (channel = new BroadcastChannel(channelName(o.clientId)))).postMessage(
          { implicitly: href } satisfies HandoffMessage,
          location.origin,
        );
        channel?.close();
        // A popup closes itself: its opener may not be able to (the message is already queued).
        if (handoff == "popup") close();
        return null;
      }
      last = { state, clean, result: complete(response, state, login) };
      return last.result;
    },
    getToken: tokens.get,
    fetch: send,
    logout() {
      last = undefined;
      tokens.clear();
      events.emit("logout", undefined);
    },
    on: events.on,
  };
  internals.set(client, {
    options: o,
    hooks,
    tokens,
    start,
    complete,
    forget(state) {
      begun.delete(state);
      try {
        pending.take(state);
      } catch {
        // Storage gone: nothing can be read from it either; the TTL ends the login.
      }
    },
    emit: events.emit,
  });
  // The features given as options (the grant, `codeFlow`; the token's binding), each joining the
  // pipeline, in their order: a binding needs the grant's stages.
  for (const feature of Object.values(o)
    .filter(isFeature)
    .sort((a, b) => a.joins - b.joins))
    feature(client);
  return client;
};
