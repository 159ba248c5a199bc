import { AuthError } from "../protocol/errors";
import { parseBearerChallenge } from "../protocol/challenge";
import { parseResourceMetadata, type ProtectedResource } from "../protocol/resource-metadata";
import { parseResource, pickResource, secureUrl, type Resource } from "../protocol/resources";
import { fetchJson } from "../browser/fetch-json";
import { createEmitter } from "../browser/events";
import { createFetch, type FetchLike } from "../browser/fetch";
import { createTokenStore, type TokenStore } from "../browser/tokens";
import { checkScope, checkUrl, invalidConfig } from "../client/options";
import { featureOptions, internalsOf } from "../client/internals";
import { joinPipeline } from "../client/pipeline";
import type { Client, LoginOptions, ScopeInput, UnauthorizedEvent } from "../client/types";
import type { Token } from "../protocol/types";

/** One API that gets a token of its own, restricted to it (RFC 8707). */
export interface ResourceApi {
  /**
   * Where its requests go: an `https:` (or loopback `http:`) origin, or origin + path prefix,
   * matched on the parsed URL exactly as `resourceOrigins` entries are (`https://x.example/api`
   * takes `/api` and `/api/…`, never `/apix`). Where two APIs match, the longer path wins.
   */
  url: string;
  /**
   * Its resource indicator (RFC 8707 §2): an absolute URI without a fragment, sent as `resource`.
   * @default the origin and path of `url`
   */
  resource?: string;
  /** The scope its token asks for (never more than the grant). @default none: the server's default for it */
  scope?: ScopeInput;
}

/** Options of {@link resources}. */
export interface ResourcesOptions {
  /** The APIs, each with its own token. At least one; no two with the same `url` or `resource`. */
  apis: readonly ResourceApi[];
  /**
   * How to get a token that the grant cannot give without the user (the implicit grant, or a
   * server that refuses a refresh with `resource`): pass {@link renew}, which loads the
   * authorization request with `resource` in the hidden frame. The token it gets is held here,
   * never as the client's own. @default none: only the code flow's refresh token is used
   */
  renew?: (client: Client, opts: LoginOptions) => Promise<Token>;
  /**
   * The issuer identifiers of the authorization servers this app signs in with:
   * {@link Resources.discover} accepts an API only when its metadata names one of them, so that an
   * API never chooses where the user's credentials go. @default the client's issuer, when it has one
   * (`createOidcClient`'s `issuer`, or the code flow's `issuer` option)
   */
  authorizationServers?: readonly string[];
  /**
   * Name every API's resource indicator in the client's own sign-ins (`login()`, `loginWithPopup()`,
   * and the hidden frame's renewal of the client's own token): one `resource` parameter per API
   * (RFC 8707 §2.1 lets it repeat), so that the grant covers them all and each API's token comes
   * from the refresh token. Servers such as oidc-provider give a token for a resource only when the
   * sign-in named it. A sign-in that names a `resource` of its own (`extraParams`) is left as it
   * is, and the APIs' scopes are not added: ask for them in `scope`. (The client's own token then
   * comes from a grant of several resources; the server chooses its audience, e.g. its userinfo
   * endpoint.) Also for APIs added later with {@link Resources.add}. @default false
   */
  nameAtSignIn?: boolean;
}

/** A token of one API: a {@link Token} that names its resource indicator. */
export interface ResourceToken extends Token {
  /** The resource indicator (RFC 8707) the token is for. */
  resource: string;
}

/** The events of {@link Resources}: the client's, per API, each naming the resource. */
export interface ResourceEvents {
  /** A new token for an API. */
  token: ResourceToken;
  /** An API's token expires in `expiringNotice` seconds. */
  expiring: ResourceToken;
  /** An API's token expired, or its API refused it (`401` with `invalid_token`). */
  expired: ResourceToken;
  /** A `401` or `403` from an API, with its challenge. */
  unauthorized: UnauthorizedEvent & { resource: string };
}

/** The tokens of several APIs, one per API, from one sign-in. Made by {@link resources}. */
export interface Resources {
  /**
   * `fetch` with the token of the API the request URL is inside (see {@link ResourceApi.url}),
   * getting one first when none is held; any other request goes through {@link Client.fetch}
   * (the client's own token, inside `resourceOrigins` only). A request with an API's token never
   * follows a redirect (it fails, as `redirect: "error"`, unless the caller asked for
   * `"manual"`): a page cannot see where a redirect goes, and it must not take the token to
   * another API. A header the caller set is kept.
   * @throws AuthError `login_required` (description: the resource) when no token can be had, or the
   *   code the server refused it with (`invalid_target`, `invalid_scope`, …)
   */
  fetch: FetchLike;
  /** The held token of the API whose resource indicator is `resource`; `null` when none or expired. */
  getToken(resource: string): ResourceToken | null;
  /**
   * The token of `resource`: the held one, else a new one from the grant (the code flow's refresh
   * token, with `resource`, RFC 8707 §2.2), else from `renew` (the hidden frame). Calls made while
   * one is on its way share it.
   * @throws AuthError `invalid_config` for a resource that is no API's; as {@link Resources.fetch}
   */
  tokenFor(resource: string): Promise<ResourceToken>;
  /**
   * Adds an API (checked as those of {@link ResourcesOptions.apis}), e.g. one that
   * {@link Resources.discover} found.
   * @throws AuthError `invalid_config` (description `api.url`, `api.resource`, `api.scope`, or `api` for
   *   the url or resource of an API there is already)
   */
  add(api: ResourceApi): void;
  /**
   * Reads what an API that refused a request asks for (RFC 9728): the `resource_metadata` URL of
   * the `401`'s `WWW-Authenticate` challenge, fetched (strict JSON, no prototypes, 10 s at most)
   * and checked: its `resource` must be the refused URL (§3.3), and it must name an authorization
   * server of {@link ResourcesOptions.authorizationServers}. Then `add({ url, resource, scope })`
   * gets it tokens from the same sign-in.
   * @param url - the URL of the refused request
   * @param response - its answer (its body is not read)
   * @returns the API's metadata
   * @throws AuthError `resource_metadata_failed` (no `resource_metadata`, not an https: URL, not
   *   fetched, not a JSON object), `resource_mismatch` (its `resource` is another URL), or
   *   `untrusted_authorization_server` (its description lists the servers the API named, its message
   *   the scopes too): nothing is sent to them
   * @see RFC 9728 §3.3, §5
   */
  discover(url: string | URL, response: Response): Promise<ProtectedResource>;
  /** Subscribes to an event of every API's token; returns the function that unsubscribes. */
  on<K extends keyof ResourceEvents>(event: K, listener: (payload: ResourceEvents[K]) => void): () => void;
}

// What is kept per API.
interface Api {
  entry: Resource;
  resource: string;
  scope: string[];
  store: TokenStore;
  send: FetchLike;
  flight?: Promise<ResourceToken> | undefined;
}

// One call per client: its tokens and stages are its own.
const made = new WeakSet<Client>();

/**
 * Gives a client one token per API (RFC 8707 resource indicators): each API is an origin (or
 * origin + path) with its resource indicator and scope, and {@link Resources.fetch} sends each
 * request with the token of the API its URL is inside, and nothing to any other. Each token has
 * its own expiry (`expiring`, `expired`), its own `401`/`403` handling (`invalid_token` drops it;
 * the next request gets a new one) and its own events, naming the resource.
 *
 * One sign-in, many tokens: with the code flow ({@link codeFlow}), each token comes from the
 * refresh token (`grant_type=refresh_token` with `resource`, RFC 8707 §2.2); otherwise, or when
 * the server refuses that (and `renew` is given), from the hidden frame, with `resource` in the
 * authorization request. The client's own token is never replaced by one of them, and a logout
 * of the client forgets them all.
 *
 * @param client - a client made by {@link createClient} or {@link createOidcClient}
 * @param options - see {@link ResourcesOptions}
 * @returns the APIs' tokens and their `fetch`
 * @throws AuthError `invalid_config` naming the option at fault (`apis`, `apis[0].url`,
 *   `apis[0].resource`, `apis[0].scope`, `renew`), or `resources` when called twice for a client
 * @see RFC 8707
 * @example
 * ```ts
 * const apis = resources(auth, {
 *   apis: [
 *     { url: "https://profile.example.com", scope: ["profile:read"] },
 *     { url: "https://billing.example.com/v1", resource: "https://billing.example.com", scope: ["invoices"] },
 *   ],
 * });
 * const me = await apis.fetch("https://profile.example.com/me"); // the profile API's token only
 * ```
 */
export const resources = (client: Client, options: ResourcesOptions): Resources => {
  const i = internalsOf(client);
  // Own members only: a name some other code set on Object.prototype is no option.
  const {
    apis,
    renew,
    // The OpenID client's issuer, else the code flow's `issuer` option.
    authorizationServers = [i.issuer ?? featureOptions<{ issuer: unknown }>(i).issuer].filter(Boolean),
    nameAtSignIn = false,
  } = {
    __proto__: null,
    ...options,
  } as Partial<ResourcesOptions>;
  if (made.has(client)) throw invalidConfig("resources", client, "was called already for this client");
  if (!Array.isArray(apis) || !apis.length) throw invalidConfig("apis", apis, "is not a list of at least one API");
  if (renew !== undefined && typeof renew != "function") throw invalidConfig("renew", renew, "is not the renew function");
  if (!Array.isArray(authorizationServers)) throw invalidConfig("authorizationServers", authorizationServers, "is not a list of issuer identifiers");
  if (typeof nameAtSignIn != "boolean") throw invalidConfig("nameAtSignIn", nameAtSignIn, "is not true or false");
  const trusted = authorizationServers.map((issuer, at) => checkUrl(`authorizationServers[${at}]`, issuer));
  const events = createEmitter<ResourceEvents>("token expiring expired unauthorized");
  const list: Api[] = [];
  const check = (given: ResourceApi, name: string): Api => {
    const { url, resource, scope } = { __proto__: null, ...given } as Partial<ResourceApi>;
    const entry = typeof url == "string" ? parseResource(url) : undefined;
    if (!entry) throw invalidConfig(name + ".url", url, "is not an https: (or loopback http:) origin or origin + path");
    const indicator = resource ?? entry.origin + entry.path;
    if (!(typeof indicator == "string" && /^[a-z][a-z\d+.-]*:[^#\s]+$/i.test(indicator))) {
      throw invalidConfig(name + ".resource", indicator, "is not an absolute URI without #fragment (RFC 8707 §2)");
    }
    const store = createTokenStore((event, token) => events.emit(event, token as ResourceToken), i.options.expiringNotice * 1000);
    const send = createFetch(
      [entry],
      store.get,
      i.options.fetch,
      (token, response, challenge) => {
        // As the client's own token: a 401 refuses it, also one without a readable challenge of its
        // scheme, unless its WWW-Authenticate names another scheme only. A token of a sign-in too
        // weak for the API (RFC 9470) goes too: only a new one, from the stronger sign-in the app
        // asks for next, can pass there.
        const scheme = token.tokenType;
        const refused = challenge?.error == "invalid_token" || challenge?.error == "insufficient_user_authentication";
        if (response.status == 401 && (challenge ? refused : new RegExp(scheme, "i").test(response.headers.get("WWW-Authenticate") || scheme))) {
          store.expire(token);
        }
        events.emit("unauthorized", { response, challenge, resource: indicator });
        return undefined;
      },
      i.hooks,
    );
    const api = { entry, resource: indicator, scope: checkScope(name + ".scope", scope ?? []), store, send };
    const twin = list.findIndex((other) => other.resource == api.resource || (other.entry.origin == entry.origin && other.entry.path == entry.path));
    if (twin >= 0) throw invalidConfig(name, url, `has the url or resource of an API there is already (apis[${twin}])`);
    return api;
  };
  apis.forEach((given: ResourceApi, at) => list.push(check(given, `apis[${at}]`)));
  made.add(client);

  const byResource = (resource: unknown) => list.find((api) => api.resource === resource);

  const hold = (api: Api, token: Token): ResourceToken => {
    const held = { ...token, resource: api.resource };
    api.store.set(held);
    return held;
  };

  // The resources whose frame is being started: only those logins are an API's. Any other login
  // (`login({ extraParams: { resource } })` too) gives the client its own token and grant.
  const asking = new Set<unknown>();

  joinPipeline(i.hooks, "resources", {
    request: (params, _login, data) => {
      if (asking.has(params.resource)) data.resource = params.resource;
      // The client's own sign-in, naming no resource: every API's, when the app asked for that.
      else if (nameAtSignIn && params.resource === undefined) params.resource = list.map((api) => api.resource);
    },
    hold: (token, _login, data) => {
      const api = byResource(data.resource);
      if (api) hold(api, token);
      return !!api;
    },
  });
  // A logout of the client forgets every API's token.
  client.on("logout", () => list.forEach((api) => api.store.clear()));

  const obtain = async (api: Api): Promise<ResourceToken> => {
    const era = i.tokens.era();
    let error: unknown = new AuthError("login_required", api.resource);
    if (i.refreshFor) {
      try {
        // (The grant drops an answer that lands after a logout.)
        return hold(api, await i.refreshFor({ resource: api.resource }, api.scope));
      } catch (e) {
        error = e;
        // Signed out meanwhile: no frame either (it would undo the logout).
        if (i.tokens.era() != era) throw new AuthError("login_required", "signed out");
      }
    }
    if (!renew) throw error;
    // The frame's login is this API's (the request stage marks it), so the client holds its token here.
    asking.add(api.resource);
    try {
      await renew(client, { scope: api.scope, extraParams: { resource: api.resource } });
    } finally {
      asking.delete(api.resource);
    }
    const held = api.store.get() as ResourceToken | null;
    if (!held) throw new AuthError("login_required", api.resource);
    return held;
  };

  const tokenFor = (api: Api): Promise<ResourceToken> => {
    const held = api.store.get() as ResourceToken | null;
    if (held) return Promise.resolve(held);
    if (!api.flight) {
      api.flight = obtain(api);
      const land = () => (api.flight = undefined);
      api.flight.then(land, land);
    }
    return api.flight;
  };

  return {
    async fetch(input, init) {
      // What is checked is what gets requested: a Request's own URL, or the one string made of
      // anything else (a `toString` cannot answer the check and the request differently).
      let target = input;
      let url: URL;
      try {
        try {
          url = new URL(Reflect.get(Request.prototype, "url", input));
        } catch {
          url = new URL((target = "" + input), globalThis.document?.baseURI);
        }
      } catch {
        return client.fetch(input, init); // not a URL: the client lets fetch reject it
      }
      const api =
        list[
          pickResource(
            list.map((a) => a.entry),
            url,
          )
        ];
      if (!api) return client.fetch(target, init);
      await tokenFor(api);
      // Never after a redirect: it could lead to another API (a page cannot see where to).
      return api.send(target, { ...init, redirect: init?.redirect == "manual" ? "manual" : "error" });
    },
    add(given) {
      list.push(check(given, "api"));
    },
    async discover(url, response) {
      const header = response.headers.get("WWW-Authenticate");
      const where = (parseBearerChallenge(header) || parseBearerChallenge(header, "DPoP"))?.resourceMetadata;
      const at = secureUrl(where);
      if (!at) throw new AuthError("resource_metadata_failed", where === undefined ? "no resource_metadata" : "not an https: URL: " + where);
      const found = parseResourceMetadata(await fetchJson(at.href, i.options.fetch, "resource_metadata_failed", at.href), "" + url);
      // An API must not choose where the user's credentials go: only to a server the app chose.
      if (!found.authorizationServers.some((issuer) => trusted.includes(issuer))) {
        const named = found.authorizationServers.join(" ") || "none";
        throw new AuthError("untrusted_authorization_server", named, undefined, {
          message: `${found.resource} takes tokens from ${named} (scopes: ${found.scopesSupported.join(" ") || "none named"}), none of them in authorizationServers`,
        });
      }
      return found;
    },
    getToken: (resource) => (byResource(resource)?.store.get() as ResourceToken | null | undefined) ?? null,
    tokenFor(resource) {
      const api = byResource(resource);
      return api ? tokenFor(api) : Promise.reject(invalidConfig("resource", resource, "is the resource of no API"));
    },
    on: events.on,
  };
};
