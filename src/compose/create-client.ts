import { createClient as createCoreClient } from "../client/client";
import { checkOptionNames, CORE_OPTIONS } from "../client/options";
import { CODE_FLOW_OPTIONS } from "../code/options";
import { DPOP_OPTIONS } from "../dpop/options";
import { SESSION_OPTIONS } from "../session/options";
import { SIGN_OUT_OPTIONS } from "../logout/options";
import type { Client, ClientOptions as CoreClientOptions } from "../client/types";
import type { ClientOptions } from "./options";

/**
 * The names of every option a client takes: the core's and each feature's, from the feature's
 * own folder (names only: no code of the feature comes with them).
 */
export const KNOWN_OPTIONS = [CORE_OPTIONS, CODE_FLOW_OPTIONS, DPOP_OPTIONS, SESSION_OPTIONS, SIGN_OUT_OPTIONS];

/**
 * Creates an OAuth 2.0 client: the implicit grant, or the grant and features its options name.
 * Only this call and the client's methods touch browser globals (`location`, `history`,
 * `sessionStorage`, `crypto`, `fetch`), so the module can be imported anywhere.
 *
 * @param options - see {@link ClientOptions}
 * @returns the client
 * @throws AuthError `invalid_config` whose description names the option at fault and whose
 *   message says what was given and the rule it broke (an unknown option: the closest known
 *   name); `no_browser` (description `redirectUri`) outside a page when `redirectUri` is not
 *   given, as there is no page to default to
 * @example
 * ```ts
 * const auth = createClient({
 *   authorizationEndpoint: "https://id.example.com/oauth2/authorize",
 *   clientId: "my-spa",
 *   scope: ["profile"],
 *   resourceOrigins: ["https://api.example.com"],
 * });
 * await auth.handleRedirect();           // on every page load
 * loginButton.onclick = () => auth.login();
 * const res = await auth.fetch("https://api.example.com/me");
 * ```
 */
export const createClient = (options: ClientOptions): Client => {
  checkOptionNames(options, KNOWN_OPTIONS);
  // Each feature reads its own options from these (an interface has no index signature to match).
  return createCoreClient(options as CoreClientOptions);
};
