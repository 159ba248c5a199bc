import { AuthError } from "../protocol/errors";
import { parseResource, pickResource, type Resource } from "../protocol/resources";
import { createEmitter } from "../browser/events";
import { createFetch, type FetchLike } from "../browser/fetch";
import { createTokenStore, type TokenStore } from "../browser/tokens";
import { checkScope, invalidConfig } from "../client/options";
import { internalsOf } from "../client/internals";
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
  const { apis, renew } = { __proto__: null, ...options } as Partial<ResourcesOptions>;
  if (made.has(client)) throw invalidConfig("resources", client, "was called already for this client");
  if (!Array.isArray(apis) || !apis.length) throw invalidConfig("apis", apis, "is not a list of at least one API");
  if (renew !== undefined && typeof renew != "function") throw invalidConfig("renew", renew, "is not the renew function");
  const events = createEmitter<ResourceEvents>("token expiring expired unauthorized");
  const list: Api[] = apis.map((given: ResourceApi, at) => {
    const name = `apis[${at}]`;
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
        // scheme, unless its WWW-Authenticate names another scheme only.
        const scheme = token.tokenType;
        if (
          response.status == 401 &&
          (challenge ? challenge.error == "invalid_token" : new RegExp(scheme, "i").test(response.headers.get("WWW-Authenticate") || scheme))
        ) {
          store.expire(token);
        }
        events.emit("unauthorized", { response, challenge, resource: indicator });
        return undefined;
      },
      i.hooks,
    );
    return { entry, resource: indicator, scope: checkScope(name + ".scope", scope ?? []), store, send };
  });
  list.forEach((api, at) => {
    const twin = list.findIndex((other) => other.resource == api.resource || (other.entry.origin == api.entry.origin && other.entry.path == api.entry.path));
    if (twin != at) throw invalidConfig(`apis[${at}]`, apis[at]!.url, `has the url or resource of apis[${twin}]`);
  });
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
    if (i.grant) {
      try {
        // (The grant drops an answer that lands after a logout.)
        return hold(api, await i.grant({ resource: api.resource }, api.scope));
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
    getToken: (resource) => (byResource(resource)?.store.get() as ResourceToken | null | undefined) ?? null,
    tokenFor(resource) {
      const api = byResource(resource);
      return api ? tokenFor(api) : Promise.reject(invalidConfig("resource", resource, "is the resource of no API"));
    },
    on: events.on,
  };
};
