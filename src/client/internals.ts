import { AuthError } from "../protocol/errors";
import type { ResolvedOptions } from "./options";
import type { AuthorizationResponse } from "../protocol/response";
import type { TokenStore } from "../browser/tokens";
import type { ClientEvents, LoginOptions, RedirectResult } from "./types";
import type { Emitter } from "../browser/events";
import type { Handoff } from "./handoff";
import type { Hooks } from "./pipeline";
import type { Token } from "../protocol/types";

/** A client's internals, for the opt-in features of this package only. */
export interface Internals {
  /**
   * The checked core options with their defaults, and every other option as given (own members
   * only): each feature reads and checks its own (see {@link featureOptions}).
   */
  options: ResolvedOptions;
  /** The pipeline's stages as the client runs them (see docs/architecture.md); features join with {@link joinPipeline}. */
  hooks: Hooks;
  tokens: TokenStore;
  /**
   * Stores a pending login and returns its authorization URL, state and redirect URI. `via` marks
   * a request whose response is handed to the page that opened the frame or popup it runs in.
   * Only `opts`' own members count.
   */
  start(opts?: LoginOptions, via?: Handoff): Promise<{ url: string; state: string; redirectUri: string }>;
  /**
   * Validates a response read by the `parse` stage against the pending logins and holds its
   * token; the address bar is left alone.
   */
  complete(response: AuthorizationResponse | AuthError | null): Promise<RedirectResult>;
  /**
   * Removes the pending login of `state` (with every feature's data of it) when its response will never
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
   * The authorization server's issuer identifier, for features that must know which server this
   * client signs in with (the only one a discovered resource may send the user to). Set by
   * {@link createOidcClient}, which keeps its `issuer` out of the core options; a plain client's
   * features read their own `issuer` option.
   */
  issuer?: string;
  /**
   * The refresh token held in memory, when a grant gave one (the code flow); for revocation only.
   * Read it before {@link Client.logout}, which forgets it.
   */
  refreshToken?(): string | undefined;
  // Shared state that a feature keeps and another (persistSession) reads and restores: the
  // grant's refresh token and the token binding's key. Named by what they are, set by the feature
  // that holds them.
  /**
   * The code flow's grant: read it (after a token event, the grant that token came with), or
   * replace it with a stored one (`undefined` forgets it). Set by the code flow.
   */
  grant?: { get(): Grant | undefined; set(grant: Grant | undefined): void };
  /**
   * The key pair that sender-constrained tokens are bound to (created when first needed), and a
   * way to put a stored one in its place. Set by the token's binding.
   */
  bindingKey?: { get(): Promise<BindingKeyPair>; set(key: BindingKeyPair): void };
  /** Emits a client event (for features whose events the app hears through {@link Client.on}). */
  emit: Emitter<ClientEvents>["emit"];
  /**
   * A token from the grant, without the user, that the client does not hold: a refresh with
   * `params` added to the token request (RFC 8707 `resource`), for `scope` (the grant's when
   * empty; the server judges it: the client's own token names only its own audience's scopes). Set by a grant that has a refresh token (the code flow); it
   * rejects `login_required` when there is none, or the server's code when it refuses.
   */
  refreshFor?(params: Readonly<Record<string, string>>, scope: readonly string[]): Promise<Token>;
}

/** A refresh token and the scope it was granted for. */
export interface Grant {
  refreshToken: string;
  scope: string[];
}

/** A token binding's key pair: the private key non-extractable, the public JWK and its thumbprint (RFC 7638). */
export interface BindingKeyPair {
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
  if (!found) throw new AuthError("invalid_config", "client", undefined, { message: "client: not made by createClient or createOidcClient" });
  return found;
};

/**
 * The options of a client as a feature reads them: the core's, checked, and the feature's own
 * `T`, as given (the feature checks them).
 */
export const featureOptions = <T>(i: Internals): ResolvedOptions & Readonly<Partial<T>> => i.options as ResolvedOptions & Partial<T>;
