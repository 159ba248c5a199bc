import type { Client } from "../client/types";
import type { OptionNames } from "../client/pipeline";

/** The option of {@link dpop}, given to {@link createClient} or {@link createOidcClient}. */
export interface DpopOptions {
  /**
   * Sender-constrained tokens: {@link dpop} (RFC 9449), with {@link codeFlow}. Imported only by
   * apps that use it. @default none: Bearer tokens
   */
  dpop?: (client: Client) => void;
}

/** The names of {@link DpopOptions}, for the check of option names (no code of DPoP). */
export const DPOP_OPTIONS: OptionNames = { dpop: { joins: 20, is: "dpop" } };
