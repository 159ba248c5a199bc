// Types of demo/demo.mjs, for the TypeScript tests that start the demo in-process.
import type { IncomingMessage } from "node:http";
import type { OidcProvider } from "./oidc-server.mjs";

/** The ports `npm run demo` uses unless told otherwise. */
export declare const DEFAULT_PORTS: Readonly<{
  spa: number;
  auth: number;
  api: number;
  thirdParty: number;
  oidc: number;
  profileApi: number;
  ordersApi: number;
  paymentsApi: number;
}>;

/** The resources mode's APIs: their scope; the third advertises its metadata and asks for `acrValues`. */
export declare const RESOURCE_APIS: Readonly<Record<"profile" | "orders" | "payments", Readonly<{ scope: string; metadata?: boolean; acrValues?: string }>>>;

/** The demo user. */
export declare const DEMO_USER: Readonly<{ username: string; password: string; name: string; email: string }>;

/** The demo SPA's client identifier. */
export declare const DEMO_CLIENT_ID: string;

/** The scopes the authorization server knows, with their consent-page wording. */
export declare const SCOPES: Readonly<Record<"profile" | "orders", string>>;

export interface DemoOptions {
  /** Ports of each server; 0 (the default) picks a free one. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** A loopback address. @default "127.0.0.1" */
  host?: string;
  /** Access token lifetime in seconds. @default 120 */
  tokenLifetime?: number;
  /**
   * After `freeAttempts` wrong passwords for a username, further tries are refused for `delay`
   * seconds, doubling per failure up to `maxDelay`. @default `{ freeAttempts: 3, delay: 1, maxDelay: 60 }`
   */
  loginThrottle?: { freeAttempts?: number; delay?: number; maxDelay?: number };
  /** The authorization server's clock, ms since epoch. @default Date.now */
  clock?: () => number;
  /** Sees every request that reaches the API. */
  onApiRequest?: (req: IncomingMessage) => void;
  /** Request log of all servers (method, path, status; never tokens). */
  log?: (line: string) => void;
  /** Make the demo's servers behave like servers people run, where they bend the spec. */
  quirks?: DemoQuirks;
  /**
   * The pages' authorization server: the demo's OAuth 2.0 server, or the OpenID provider
   * (oidc-provider; the pages then use `createOidcClient`, and the API introspects there).
   * @default "oauth2"
   */
  provider?: "oauth2" | "oidc";
  /**
   * The pages' grant: the implicit grant, or the code flow with PKCE and refresh tokens (the pages
   * pass `flow: codeFlow` and the token endpoint; the OpenID provider offers it too).
   * @default "implicit"
   */
  flow?: "implicit" | "code";
  /** With `provider: "oidc"` and `flow: "code"`: DPoP-bound tokens (the pages pass `dpop`; the API checks proofs). */
  dpop?: boolean;
  /** With `dpop`: the OpenID provider asks every proof for a nonce of its own (`use_dpop_nonce`). */
  dpopNonce?: boolean;
  /**
   * Origins of other apps (`npm run demo -- --app-origin URL`, e.g. Vite's `http://localhost:5173`):
   * their `/` and `/silent.html` are registered as redirect URIs of the demo client at both
   * servers, and the API's CORS lets them in. @default []
   */
  appOrigins?: string[];
  /** With `dpop`: the pages keep the DPoP-bound session across reloads (`persistSession`). */
  persist?: boolean;
  /**
   * With `provider: "oidc"` and `flow: "code"`: the resources mode (`resources.html`), oidc-provider
   * with resource indicators and the three {@link RESOURCE_APIS} on their own origins. With `dpop`
   * too, the APIs take DPoP-bound JWTs only, and a sign-in that names no resource is granted every
   * API whose scope it asks for (each API's token then comes from the refresh token, with no frame).
   */
  resources?: boolean;
  /**
   * The loopback host of the authorization servers, default `host`: `localhost` (with the app on
   * `127.0.0.1`) puts them on another site than the app (cross-site mode).
   */
  authHost?: string;
}

/** Quirks of real servers that the demo can copy; each off by default. See docs/servers.md. */
export interface DemoQuirks {
  /** The authorization server sends errors in the query, not the fragment (Django OAuth Toolkit). */
  queryErrors?: boolean;
  /**
   * The authorization server answers a `prompt=none` request that needs the user with its login
   * or consent page (which refuse framing) instead of an error (Django OAuth Toolkit).
   */
  interactivePromptNone?: boolean;
  /**
   * The authorization server's pages send `Cross-Origin-Opener-Policy: same-origin` (Microsoft,
   * Amazon Cognito): a popup's link to the app is cut.
   */
  openerPolicy?: boolean;
  /** The API answers 401 and 403 without `WWW-Authenticate` (Glewlwyd, Django OAuth Toolkit). */
  bareChallenges?: boolean;
  /** The API sends `WWW-Authenticate` but its CORS does not expose it to the page. */
  hiddenChallenges?: boolean;
}

export interface SpaConfig {
  authorizationEndpoint: string;
  revocationEndpoint: string;
  /** The OAuth 2.0 server's end-session endpoint (the OpenID provider's is in its metadata). */
  endSessionEndpoint?: string;
  clientId: string;
  /** The OpenID provider's issuer, with `provider: "oidc"`: the pages then use `createOidcClient`. */
  issuer?: string;
  apiOrigin: string;
  thirdPartyOrigin: string;
  /** `script-tag`, `esm` and `silent` → redirect URI. */
  redirectUris: Record<string, string>;
  clockSkew: number;
  expiringNotice: number;
  /** `"code"`: the pages use `codeFlow` with `tokenEndpoint`. */
  flow?: "implicit" | "code";
  tokenEndpoint?: string;
  /** The pages pass `dpop`. */
  dpop?: boolean;
  /** The pages call `persistSession`. */
  persist?: boolean;
  /** The resources page's APIs: the two it knows, and the one it discovers. */
  resources?: {
    apis: { name: string; url: string; scope: string }[];
    discovered: { name: string; url: string };
    /** The page's sign-ins name every API it knows (`resources({ nameAtSignIn })`, with `dpop`). */
    nameAtSignIn?: boolean;
  };
}

export interface SpaServer {
  origin: string;
  /** Page key (`script-tag`, `esm`) → its URL, which is also its registered redirect URI. */
  pages: Record<"script-tag" | "esm" | "react", string>;
  /** Every registered redirect URI: the two pages and `silent` (silent.html, for a hidden iframe). */
  redirectUris: Record<"script-tag" | "esm" | "react" | "silent", string>;
  /** The resources mode's page (`resources.html`), a redirect URI in that mode only. */
  resourcesPage: string;
  configure(config: SpaConfig): void;
  close(): Promise<void>;
}

export interface AuthServer {
  origin: string;
  authorizationEndpoint: string;
  introspectionEndpoint: string;
  revocationEndpoint: string;
  /** `/session/end` (GET or POST): ends the session, then back to a registered redirect URI with `state`. */
  endSessionEndpoint: string;
  /** The code flow's token endpoint. */
  tokenEndpoint: string;
  /** Revokes every refresh token (a refused refresh); returns how many. */
  revokeRefreshTokens(): number;
  /** What the token endpoint did: codes exchanged, refreshes, spent refresh tokens seen again. */
  codeStats(): { issued: number; refreshed: number; reused: number };
  clientId: string;
  /** Seconds. */
  tokenLifetime: number;
  /** Revokes a token; false when the server does not know it. */
  revoke(token: string): boolean;
  close(): Promise<void>;
}

export interface ApiServer {
  origin: string;
  close(): Promise<void>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  authorization: string | null;
  requestedHeaders: string | null;
}

export interface ThirdPartyServer {
  origin: string;
  /** The latest requests (at most 100), oldest first. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export interface Demo {
  spa: SpaServer;
  auth: AuthServer;
  api: ApiServer;
  thirdParty: ThirdPartyServer;
  /** The OpenID provider, with `provider: "oidc"` only. */
  oidc?: OidcProvider;
  /** With `resources`: each API's origin (also its resource indicator, with the `/` path). */
  resourceApis?: Record<"profile" | "orders" | "payments", { origin: string; close(): Promise<void> }>;
  /** Stops all the servers. */
  close(): Promise<void>;
}

/** Starts the four demo servers on loopback and wires them together. */
export declare function startDemo(options?: DemoOptions): Promise<Demo>;
