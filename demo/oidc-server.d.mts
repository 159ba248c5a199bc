// Types of demo/oidc-server.mjs, for the TypeScript tests that start the OpenID provider in-process.
/** The demo SPA's client identifier at the OpenID provider. */
export declare const OIDC_CLIENT_ID: string;

/**
 * The sign-in levels (`acr`) the provider names with `resourceIndicators`: `fresh` for a sign-in made
 * at the login page when the request's `acr_values` asked for it, `password` otherwise.
 */
export declare const ACR: Readonly<{ password: string; fresh: string }>;

/** The demo accounts; the development login page accepts any login name and password. */
export declare const OIDC_ACCOUNTS: Readonly<Record<string, Readonly<{ name: string; email: string }>>>;

export interface OidcProviderOptions {
  /** The SPA's redirect URIs, matched exactly; also its post-logout redirect URIs. */
  redirectUris: string[];
  /** @default 0 (a free port) */
  port?: number;
  /** A loopback address. @default "127.0.0.1" */
  host?: string;
  /** @default OIDC_CLIENT_ID */
  clientId?: string;
  /** The ID token signing algorithm. @default "RS256" */
  idTokenAlg?: "RS256" | "PS256" | "ES256" | "EdDSA";
  /** Access token lifetime in seconds. @default 120 */
  tokenLifetime?: number;
  /** Confidential clients that may call the introspection endpoint. */
  resourceServers?: { id: string; secret: string }[];
  /** @default OIDC_ACCOUNTS */
  accounts?: Readonly<Record<string, { name: string; email: string }>>;
  /** Request log (method, path, status; never tokens). */
  log?: (line: string) => void;
  /** Also offer the code flow: PKCE (S256) required, CORS on the token endpoint, rotated refresh tokens. */
  codeFlow?: boolean;
  /** DPoP with server nonces required at the token and userinfo endpoints (`DPoP-Nonce` exposed by CORS). */
  dpopNonce?: boolean;
  /** APIs as resource indicators (RFC 8707), each with its scopes: JWT access tokens for that audience; others refused (`invalid_target`). */
  resourceIndicators?: Readonly<Record<string, string[]>>;
}

export interface OidcProvider {
  /** The issuer identifier, `http://host:port`. */
  issuer: string;
  origin: string;
  authorizationEndpoint: string;
  jwksUri: string;
  introspectionEndpoint: string;
  revocationEndpoint: string;
  /** RP-Initiated Logout (also in the provider metadata). */
  endSessionEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  tokenLifetime: number;
  /** The oidc-provider instance (the package ships no types). */
  provider: { readonly issuer: string; [member: string]: unknown };
  close(): Promise<void>;
}

/** Starts the demo OpenID provider on loopback. */
export declare function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider>;
