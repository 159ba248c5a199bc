import { AuthError } from "../protocol/errors";
import type { ResolvedOptions } from "./options";
import type { PendingLogin } from "../browser/pending";
import type { AuthorizationResponse } from "../protocol/response";
import type { TokenStore } from "../browser/tokens";
import type { Token } from "../protocol/types";
import type { ClientEvents, LoginOptions, RedirectResult } from "./types";
import type { Emitter } from "../browser/events";
import type { Authorize } from "../browser/fetch";

/**
 * Extension points of a client, used by the opt-in features (silent renewal, popup login, tabs,
 * OpenID Connect) so that an app which does not import them does not ship them.
 */
export interface Hooks {
  /** Adds to an authorization request (`params`, and `login` before it is stored); may return another endpoint. */
  request?(params: Record<string, string | undefined>, login: PendingLogin): Promise<string | void> | string | void;
  /**
   * Checks a response whose state matched, before its token or error is read. May complete it
   * first, in place: the code flow exchanges the code and puts the token endpoint's answer into
   * the response (its `params` then are the token response's).
   */
  check?(response: AuthorizationResponse, login: PendingLogin): Promise<void> | void;
  /** Completes a new token (e.g. verifies an ID token) before the client holds it. */
  accept?(token: Token, response: AuthorizationResponse, login: PendingLogin): Promise<Token>;
  /**
   * Reads the authorization response of a redirect URL: the fragment by default, else an error
   * response from the query (some servers send errors there); the code flow replaces it (the
   * query, or the fragment with `response_mode=fragment`).
   * @returns the response (`null` when there is none; an AuthError when it is malformed, carrying
   * the `state` it names), the URL without it, for the address bar, and, for a response the
   * server should not have put in the query, that part of the query as fragment text: such a
   * response counts only when its state names a pending login, and it is what a frame or popup
   * hands over
   */
  parse(href: string): readonly [response: AuthorizationResponse | AuthError | null, clean: string, query?: string];
  /**
   * Gets a new token without the user when the flow can (the code flow, with a refresh token).
   * {@link renew} tries it first and falls back to the hidden frame when it rejects.
   */
  refresh?(opts: LoginOptions): Promise<Token>;
  /**
   * Sends a request to the token endpoint in place of `fetch` (the code flow's exchange and
   * refreshes): where DPoP adds its proof and answers nonce challenges.
   */
  token?(url: string, init: RequestInit): Promise<Response>;
  /**
   * After a `401` from {@link Client.fetch} that refused the token (a Bearer `invalid_token`, or
   * no readable Bearer challenge and no other scheme named): a replacement response, or
   * undefined to return the 401. A replay goes through `client.fetch` again, so the hook itself
   * must recognise its own replays (no loops).
   */
  retry?(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response | undefined> | undefined;
  /** Sends a request of {@link Client.fetch} inside the resources, with the token (DPoP: its own scheme and proof). */
  authorize?: Authorize;
}

/** A client's internals, for the opt-in features of this package only. */
export interface Internals {
  options: ResolvedOptions;
  hooks: Hooks;
  tokens: TokenStore;
  /**
   * Stores a pending login and returns its authorization URL, state and redirect URI. `via` marks
   * a request whose response is handed to the page that opened the frame (`"f."`) or popup (`"p."`).
   * Only `opts`' own members count.
   */
  start(opts?: LoginOptions, via?: "" | "f." | "p."): Promise<{ url: string; state: string; redirectUri: string }>;
  /**
   * Validates a response read by {@link Hooks.parse} against the pending logins and holds its
   * token; the address bar is left alone.
   */
  complete(response: AuthorizationResponse | AuthError | null): Promise<RedirectResult>;
  /**
   * Removes the pending login of `state` (with its PKCE verifier) when its response will never
   * come: a frame or popup that timed out, was closed or showed a page. Never throws.
   */
  forget(state: string): void;
  /**
   * The authorization server's metadata document (OpenID Connect Discovery, RFC 8414), parsed
   * without prototypes, for features that take an endpoint from it (`token_endpoint`,
   * `revocation_endpoint`, `end_session_endpoint`). Set by {@link createOidcClient}; undefined
   * for a plain client, whose endpoints are options.
   */
  metadata?(): Promise<Readonly<Record<string, unknown>>>;
  /**
   * The refresh token held in memory, when a grant gave one (the code flow); for revocation only.
   * Read it before {@link Client.logout}, which forgets it.
   */
  refreshToken?(): string | undefined;
  // --- Persistence wiring (persistSession): the grant and the DPoP key, reachable from outside
  // the code flow and dpop. To be re-expressed as pipeline stages. ---
  /**
   * The code flow's grant: read it (after a token event, the grant that token came with), or
   * replace it with a stored one (`undefined` forgets it). Set by the code flow.
   */
  grant?: { get(): Grant | undefined; set(grant: Grant | undefined): void };
  /**
   * The DPoP key pair in use (created when first needed), and a way to put a stored one in its
   * place. Set by dpop.
   */
  dpopKey?: { get(): Promise<DpopKeyPair>; set(key: DpopKeyPair): void };
  /** Emits a client event (for features whose events the app hears through {@link Client.on}). */
  emit: Emitter<ClientEvents>["emit"];
}

/** A refresh token and the scope it was granted for. */
export interface Grant {
  refreshToken: string;
  scope: string[];
}

/** A DPoP key pair as dpop holds it: the private key non-extractable, the public JWK and its thumbprint. */
export interface DpopKeyPair {
  privateKey: CryptoKey;
  jwk: { kty: "EC"; crv: "P-256"; x: string; y: string };
  thumbprint: string;
}

/** Internals by client. */
export const internals = new WeakMap<object, Internals>();

/**
 * The internals of `client`.
 * @throws AuthError `invalid_config` when `client` was not made by `createClient`
 */
export const internalsOf = (client: object): Internals => {
  const found = internals.get(client);
  if (!found) throw new AuthError("invalid_config", "client");
  return found;
};

/**
 * The message a redirect page in a frame or popup sends to the page that opened it: the raw
 * response URL, validated by the opener only.
 */
export interface Handoff {
  implicitly: string;
}

/** The BroadcastChannel name on which a popup whose opener link was cut hands its response over. */
export const channelName = (clientId: string): string => "implicitly:" + clientId;
