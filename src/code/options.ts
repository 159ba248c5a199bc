import type { Client } from "../client/types";
import type { OptionNames } from "../client/pipeline";

/** The options of {@link codeFlow}, given to {@link createClient} or {@link createOidcClient}. */
export interface CodeFlowOptions {
  /**
   * The grant to use instead of the implicit one: {@link codeFlow} (authorization code with PKCE,
   * and refresh tokens). Imported only by apps that use it. @default the implicit grant
   */
  flow?: (client: Client) => void;
  /**
   * The token endpoint, for {@link codeFlow} (absolute, `https:` or loopback `http:`).
   * @default the provider metadata's `token_endpoint` with {@link createOidcClient}
   */
  tokenEndpoint?: string;
  /** Seconds {@link codeFlow} waits for the token endpoint before it rejects `token_timeout`. @default 10 */
  tokenTimeout?: number;
  /**
   * Where {@link codeFlow} asks for the response: `"query"` (the code flow's default) or
   * `"fragment"` (sent as `response_mode=fragment`, OAuth 2.0 Multiple Response Type Encoding
   * Practices). `extraParams` may not set `response_mode`. @default "query"
   */
  responseMode?: "query" | "fragment";
  /**
   * The authorization server's issuer identifier, for {@link codeFlow} with a server that sends
   * `iss` with its responses (RFC 9207): a response whose `iss` differs from it, or has none, is
   * refused with `issuer_mismatch` before its code is exchanged. ({@link createOidcClient} checks
   * its own issuer.) @default none: `iss` is not checked
   */
  issuer?: string;
}

/** The names of {@link CodeFlowOptions}, for the check of option names (no code of the flow). */
export const CODE_FLOW_OPTIONS: OptionNames = {
  flow: { joins: 10, is: "codeFlow" },
  tokenEndpoint: 0,
  tokenTimeout: 0,
  responseMode: 0,
  issuer: 0,
};
