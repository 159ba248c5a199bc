import { buildAuthorizationUrl } from "../protocol/authorize";
import { AuthError } from "../protocol/errors";
import { createEmitter } from "../browser/events";
import { createFetch } from "../browser/fetch";
import { channelName, internals, type Handoff, type Hooks, type Internals } from "./internals";
import { checkParams, checkScope, checkUrl, resolveOptions } from "./options";
import { createPendingStore, type PendingLogin } from "../browser/pending";
import { randomString } from "../browser/random";
import { parseAuthorizationResponse, type AuthorizationResponse } from "../protocol/response";
import { createTokenStore } from "../browser/tokens";
import type { Client, ClientEvents, ClientOptions, RedirectResult } from "./types";
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
 * @throws AuthError `invalid_config` naming the option at fault
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
  // The response in a URL and the URL without it: from the fragment, unless a flow reads it.
  const hooks: Hooks = { parse: (href) => [parse(href), href.split("#")[0]!] };
  const events = createEmitter<ClientEvents>(/^(token|expiring|expired|logout|unauthorized)$/);
  const tokens = createTokenStore(events.emit, o.expiringNotice * 1000);
  const pending = createPendingStore(o.storage, "implicitly:" + o.clientId, o.stateTtl * 1000);
  // The last response handled in this page load, so a second call gets the same outcome.
  let last: [href: string, clean: string, result: Promise<RedirectResult>] | undefined;

  const start: Internals["start"] = async (opts = {}, via = "") => {
    const scope = checkScope("scope", opts.scope ?? o.scope);
    const redirectUri = checkUrl("redirectUri", opts.redirectUri ?? o.redirectUri);
    // A frame's or popup's state says so, for its redirect page to hand the response over.
    const state = via + randomString();
    const login: PendingLogin = { created: Date.now(), redirectUri, scope, appState: opts.appState };
    const params: Record<string, string | undefined> = {
      ...o.extraParams,
      ...checkParams("extraParams", opts.extraParams),
      response_type: "token",
      client_id: o.clientId,
      redirect_uri: redirectUri,
      scope: scope.join(" ") || undefined,
      state,
    };
    const endpoint = (await hooks.request?.(params, login)) || o.authorizationEndpoint;
    pending.add(state, login);
    return { url: buildAuthorizationUrl(endpoint, params), state };
  };

  const complete = async (response: AuthorizationResponse | AuthError | null): Promise<RedirectResult> => {
    // State first, for error responses too (RFC 6749 §10.12): an error for a login we did not
    // start is a forgery, not a denial. A malformed response (an AuthError from the parser) still
    // consumes the login its state names.
    const state = (response as { state?: string } | null)?.state;
    const login = state !== undefined && pending.take(state);
    const malformed = response instanceof AuthError && response;
    if (!login || login == "expired") {
      throw malformed || new AuthError("state_mismatch", "state " + (state === undefined ? "missing" : login || "unknown or used"));
    }
    const { appState } = login;
    let token;
    try {
      if (malformed) throw malformed;
      // A flow may complete the response first: the code flow adds its token response.
      await hooks.check?.(response as AuthorizationResponse, login);
      token = tokenFromResponse(response as AuthorizationResponse, login.scope, Date.now(), o.clockSkew);
      if (hooks.accept) token = await hooks.accept(token, response as AuthorizationResponse, login);
    } catch (e) {
      (e as AuthError).appState = appState;
      throw e;
    }
    tokens.set(token);
    return appState === undefined ? { token } : { token, appState };
  };

  const send = createFetch(o.resources, tokens.get, o.fetch, (token, response, challenge, input, init) => {
    const invalid = response.status == 401 && challenge.error == "invalid_token";
    if (invalid) tokens.expire(token);
    events.emit("unauthorized", { response, challenge });
    return invalid && hooks.retry?.(input, init);
  });

  const client: Client = {
    authorizationUrl: async (opts) => (await start(opts)).url,
    async login(opts) {
      location.assign((await start(opts)).url);
    },
    async handleRedirect(url) {
      const href = url ?? location.href;
      if (last?.includes(href)) return last[2];
      const [response, clean] = hooks.parse(href);
      if (!response) return null;
      // Out of the address bar in every outcome, without a new history entry.
      if (href == location.href) history.replaceState(history.state, "", clean);
      const { state } = response as AuthorizationResponse;
      // "f." or "p.": a frame or popup that renew() or loginWithPopup() opened. Hand the raw
      // response to the page that opened it (same origin only), which validates it; nothing else.
      if (state?.[1] == ".") {
        const message: Handoff = { implicitly: href };
        // With the opener link cut (Cross-Origin-Opener-Policy), a same-origin broadcast instead.
        (state[0] == "f" ? parent : opener || new BroadcastChannel(channelName(o.clientId))).postMessage(message, location.origin);
        // A popup closes itself: its opener may not be able to (the message is already queued).
        if (state[0] == "p") close();
        return null;
      }
      return (last = [href, clean, complete(response)])[2];
    },
    getToken: tokens.get,
    fetch: send,
    logout() {
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
  });
  // The grant, when not the implicit one (`codeFlow`): it sets its hooks.
  options.flow?.(client);
  return client;
};
