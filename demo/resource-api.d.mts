// Types of demo/resource-api.mjs, for the TypeScript tests that start a resource API in-process.

/** The RFC 9728 §3.1 well-known path of a resource whose identifier has no path. */
export declare const METADATA_PATH: string;

export interface ResourceApiOptions {
  /** Shown in its answers and log lines (e.g. `profile`). */
  name: string;
  /** The authorization server whose tokens it takes (`iss`). */
  issuer: string;
  /** Where that server publishes its signing keys. */
  jwksUri: string;
  /** The scope its one endpoint, `GET /`, needs. */
  scope: string;
  /** The SPA's origin(s): the only ones CORS lets in. */
  allowedOrigin: string | string[];
  /** Serve RFC 9728 metadata and name it (`resource_metadata`) in every `401` challenge. */
  metadata?: boolean;
  /** Space-separated: a token whose `acr` is none of them gets `401 insufficient_user_authentication` (RFC 9470). */
  acrValues?: string;
  /**
   * Take DPoP-bound tokens only (RFC 9449): `Authorization: DPoP`, a valid proof (`jti` once) whose
   * key's thumbprint is the token's `cnf.jkt`; `WWW-Authenticate: DPoP` challenges.
   */
  dpop?: boolean;
  /** @default 0 (a free port) */
  port?: number;
  /** A loopback address. @default "127.0.0.1" */
  host?: string;
  /** Sees every request. */
  onRequest?: (req: import("node:http").IncomingMessage) => void;
  /** Request log; never tokens. */
  log?: (line: string) => void;
}

export interface ResourceApi {
  /** Its origin; `origin + "/"` is its resource indicator (its `aud`). */
  origin: string;
  close(): Promise<void>;
}

/** Starts one API of the resources mode on loopback. */
export function startResourceApi(options: ResourceApiOptions): Promise<ResourceApi>;
