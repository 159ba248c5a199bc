import { buildAuthorizationUrl } from "./authorize";
import { AuthError } from "./errors";
import { createEmitter } from "./events";
import { createFetch } from "./fetch";
import { checkParams, checkScope, checkUrl, resolveOptions } from "./options";
import { createPendingStore } from "./pending";
import { randomString } from "./random";
import { parseAuthorizationResponse, type AuthorizationResponse } from "./response";
import { createTokenStore } from "./tokens";
import type { Client, ClientEvents, ClientOptions, LoginOptions, RedirectResult } from "./types";
import { tokenFromResponse } from "./validate";

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
  const events = createEmitter<ClientEvents>(["token", "expiring", "expired", "logout", "unauthorized"]);
  const tokens = createTokenStore(events.emit, o.expiringNotice * 1000);
  const pending = createPendingStore(o.storage, "implicitly:" + o.clientId, o.stateTtl * 1000);
  // The last response handled in this page load, so a second call gets the same outcome.
  let last: { urls: string[]; result: Promise<RedirectResult | null> } | undefined;

  const authorizationUrl = async (opts: LoginOptions = {}): Promise<string> => {
    const scope = opts.scope === undefined ? o.scope : checkScope("scope", opts.scope);
    const redirectUri = opts.redirectUri === undefined ? o.redirectUri : checkUrl("redirectUri", opts.redirectUri);
    const extraParams = { ...o.extraParams, ...checkParams("extraParams", opts.extraParams) };
    const state = randomString();
    pending.add(state, { created: Date.now(), redirectUri, scope, appState: opts.appState });
    return buildAuthorizationUrl(o.authorizationEndpoint, {
      ...extraParams,
      response_type: "token",
      client_id: o.clientId,
      redirect_uri: redirectUri,
      scope: scope.join(" ") || undefined,
      state,
    });
  };

  const complete = async (response: AuthorizationResponse | AuthError): Promise<RedirectResult> => {
    if (response instanceof AuthError) throw response;
    // State first, for error responses too (RFC 6749 §10.12): an error for a login we did not
    // start is a forgery, not a denial.
    const { state } = response;
    if (state === undefined) throw new AuthError("state_mismatch", "state missing");
    const login = pending.take(state);
    if (login === undefined) throw new AuthError("state_mismatch", "state unknown or used");
    if (login === "expired") throw new AuthError("state_mismatch", "state expired");
    const { appState } = login;
    let token;
    try {
      token = tokenFromResponse(response, login.scope, Date.now(), o.clockSkew);
    } catch (e) {
      (e as AuthError).appState = appState;
      throw e;
    }
    tokens.set(token);
    return appState === undefined ? { token } : { token, appState };
  };

  return {
    authorizationUrl,
    async login(opts) {
      location.assign(await authorizationUrl(opts));
    },
    handleRedirect(url) {
      const href = url ?? location.href;
      if (last && last.urls.includes(href)) return last.result;
      let response: AuthorizationResponse | AuthError | null;
      try {
        response = parseAuthorizationResponse(href);
      } catch (e) {
        response = e as AuthError;
      }
      if (!response) return Promise.resolve(null);
      // Out of the address bar in every outcome, without a new history entry.
      const clean = href.replace(/#.*$/s, "");
      if (href == location.href) history.replaceState(history.state, "", clean);
      return (last = { urls: [href, clean], result: complete(response) }).result;
    },
    getToken: tokens.get,
    fetch: createFetch({
      resources: o.resources,
      token: tokens.get,
      fetch: o.fetch,
      challenged(token, response, challenge) {
        if (response.status == 401 && challenge.error == "invalid_token") tokens.expire(token);
        events.emit("unauthorized", { response, challenge });
      },
    }),
    logout() {
      tokens.clear();
      events.emit("logout", undefined);
    },
    on: events.on,
  };
};
