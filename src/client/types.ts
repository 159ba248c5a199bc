import type { StorageLike } from "../browser/pending";
import type { BearerChallenge, Token } from "../protocol/types";
import type { AuthError } from "../protocol/errors";

/** A scope given as one space-separated string or as a list of scope tokens. */
export type ScopeInput = string | readonly string[];

/**
 * The core's options of {@link createClient}. Every duration is in seconds. Each opt-in feature
 * declares its own options in its folder; the public `ClientOptions` is composed of these and
 * theirs.
 */
export interface CoreOptions {
  /** The authorization server's authorization endpoint (absolute, `https:` or loopback `http:`). */
  authorizationEndpoint: string;
  /** The client identifier registered at the authorization server. */
  clientId: string;
  /**
   * Always `"token"` (RFC 6749 §4.2): {@link createClient} asks for an access token only. For
   * OpenID Connect (`"id_token token"`: an ID token with verified claims too), use
   * {@link createOidcClient}. @default "token"
   */
  responseType?: "token";
  /**
   * Where the server sends the user back. Must be registered exactly at the server.
   * @default the page's origin + pathname
   */
  redirectUri?: string;
  /** The scope to ask for: a space-separated string or a list. @default none */
  scope?: ScopeInput;
  /**
   * Where {@link Client.fetch} may send the token: origins (`https://api.example.com`) or origin +
   * path prefixes (`https://example.com/api/`, matched on whole path segments).
   * **Security:** the access token goes to every URL listed here; list only servers you trust.
   * @default [the page's origin]
   */
  resourceOrigins?: readonly string[];
  /** Extra parameters added to every authorization request (e.g. `audience`, `prompt`). */
  extraParams?: Readonly<Record<string, string>>;
  /** Seconds taken off `expires_in` to allow for clock drift and latency. @default 30 */
  clockSkew?: number;
  /** Seconds before expiry at which the `expiring` event fires. @default 60 */
  expiringNotice?: number;
  /** Seconds a pending login stays valid between {@link Client.login} and the callback. @default 600 */
  stateTtl?: number;
  /**
   * Holds pending logins (state, requested scope, appState) across the redirect; never a token.
   * @default sessionStorage
   */
  storage?: StorageLike;
  /** The `fetch` that {@link Client.fetch} wraps. @default globalThis.fetch at call time */
  fetch?: typeof fetch;
}

/**
 * What `createClient` of this layer takes: the core's options, and any feature's, which that
 * feature reads and checks. (The public `ClientOptions`, composed of every feature's own options,
 * is the one apps see.)
 */
export type ClientOptions = CoreOptions & { readonly [featureOption: string]: unknown };

/** Per-call options of {@link Client.login} and {@link Client.authorizationUrl}. */
export interface LoginOptions {
  /** Scope for this request only, instead of the client's `scope`. */
  scope?: ScopeInput;
  /** Parameters added to this request, on top of the client's `extraParams`. */
  extraParams?: Readonly<Record<string, string>>;
  /** Any JSON value handed back by {@link Client.handleRedirect}, e.g. the route to return to. */
  appState?: unknown;
  /** A redirect URI for this request only. */
  redirectUri?: string;
}

/**
 * What {@link Client.handleRedirect} resolves after a successful callback.
 * @typeParam T - the token type: {@link Token}, or a wider one such as an OpenID client's.
 */
export interface RedirectResult<T extends Token = Token> {
  /** The new token (also held by the client). */
  token: T;
  /** The `appState` given to {@link Client.login}, when there was one. */
  appState?: unknown;
}

/** Payload of the `unauthorized` event: a 401 or 403 to a request that carried the token. */
export interface UnauthorizedEvent {
  /** The response, still unread. */
  response: Response;
  /**
   * The parsed Bearer challenge of its `WWW-Authenticate` header, or `null` when none could be
   * read: no header, a header of another scheme only, a malformed one, or a header that a
   * cross-origin API does not expose (`Access-Control-Expose-Headers: WWW-Authenticate`).
   */
  challenge: BearerChallenge | null;
}

/**
 * Events of {@link Client.on} and their payloads.
 * @typeParam T - the token type (see {@link RedirectResult}).
 */
export interface ClientEvents<T extends Token = Token> {
  /** A new token arrived. */
  token: T;
  /** The token expires in `expiringNotice` seconds or less. */
  expiring: T;
  /** The token expired, or a resource server refused it (a 401; see {@link Client.fetch}). */
  expired: T;
  /** {@link Client.logout} was called. */
  logout: undefined;
  /** A resource server answered 401 or 403 to a request that carried the token. */
  unauthorized: UnauthorizedEvent;
  /**
   * A refresh ({@link codeFlow}) failed on the way: no network, no answer in time, or a server
   * error. The refresh token is kept and tried again (see {@link ReconnectingEvent}); the app
   * is not signed out. The next `token` event says it worked.
   */
  reconnecting: ReconnectingEvent;
}

/** Payload of the `reconnecting` event. */
export interface ReconnectingEvent {
  /** Why the refresh failed: `token_network`, `token_timeout`, `server_error`, a binding's network error, … */
  error: AuthError;
  /**
   * Milliseconds until the next try (1 s, doubling up to 5 minutes); sooner when the page comes
   * back online or becomes visible.
   */
  retryIn: number;
}

/**
 * An OAuth 2.0 client, made by {@link createClient}: the implicit grant, or the code flow with
 * `flow: codeFlow`.
 * @typeParam T - the token type: {@link Token}, or a wider one that an opt-in feature fills in
 * (the ID token of {@link createOidcClient}).
 */
export interface Client<T extends Token = Token> {
  /**
   * Starts a login: stores a pending login and navigates to the authorization server.
   * @throws AuthError `storage_unavailable` when the pending login cannot be stored (nothing navigates);
   *   `no_browser` outside a page (nothing is stored)
   */
  login(opts?: LoginOptions): Promise<void>;
  /** Like {@link Client.login}, but returns the authorization URL instead of navigating. */
  authorizationUrl(opts?: LoginOptions): Promise<string>;
  /**
   * Completes a login on the redirect page. Resolves `null` when `url` carries no authorization
   * response (the URL is left alone); otherwise consumes the pending login, removes the response
   * from the address bar, and resolves the token or rejects with an {@link AuthError}.
   * @param url - @default location.href
   * @throws AuthError the response's or the validation's code; `no_browser` outside a page
   */
  handleRedirect(url?: string): Promise<RedirectResult<T> | null>;
  /** The current token, or `null` when there is none or it has expired. */
  getToken(): T | null;
  /**
   * `fetch` that adds `Authorization: Bearer …` to requests inside `resourceOrigins`. Every 401
   * or 403 to such a request emits `unauthorized`. A 401 whose Bearer challenge says
   * `invalid_token`, or that has no readable Bearer challenge and names no other scheme, drops
   * the token and emits `expired` first. The response is returned unread.
   * @throws AuthError `login_required` for a resource request while no valid token is held (nothing is sent)
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /**
   * Forgets the token, cancels its timers and emits `logout`. Nothing started before it (a
   * renewal, a refresh, a code exchange, a frame's or popup's login, a question to other tabs) sets
   * a token after it: such work rejects `login_required` (description `signed out`) or resolves `null`.
   */
  logout(): void;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents<T>[E]) => void): () => void;
}
