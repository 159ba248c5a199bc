import { AuthError } from "../protocol/errors";
import { parseResource, secureUrl, type Resource } from "../protocol/resources";
import { NQCHARS, VSCHARS } from "../protocol/syntax";
import { inPage } from "../browser/page";
import type { StorageLike } from "../browser/pending";
import type { Client, ClientOptions, ScopeInput } from "./types";
import type { Token } from "../protocol/types";

/** Options after checking, with defaults applied. */
export interface ResolvedOptions {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  resources: Resource[];
  extraParams: Record<string, string>;
  clockSkew: number;
  expiringNotice: number;
  stateTtl: number;
  storage: () => StorageLike;
  fetch?: typeof fetch;
  /** As given: checked by the renewal that uses it. */
  silentRedirectUri?: string;
  silentTimeout: number;
  /** As given: checked by the sign-out that uses them. */
  revocationEndpoint?: string;
  endSessionEndpoint?: string;
  /** The grant, when not the implicit one: called once the client is made. */
  flow?: (client: Client) => void;
  /** Sender-constrained tokens, when used: called after `flow`. */
  dpop?: (client: Client) => void;
  /** The token type a token response must name: set by `dpop`. @default "Bearer" */
  tokenType?: Token["tokenType"];
  /** As given: checked by the code flow, which uses them. */
  tokenEndpoint?: string;
  tokenTimeout?: number;
  responseMode?: "query" | "fragment";
  issuer?: string;
}

/** The description names the option at fault; the README lists each option's rules. */
const invalid = (option: string) => new AuthError("invalid_config", option);

/**
 * Checks an endpoint or redirect URI: absolute, no fragment, `https:` (or `http:` on a loopback
 * host). Returns it unchanged, since redirect URIs are compared as strings by servers.
 * @throws AuthError `invalid_config` naming `option`
 */
export const checkUrl = (option: string, value: unknown): string => {
  if (typeof value == "string" && secureUrl(value) && !value.includes("#")) return value;
  throw invalid(option);
};

/**
 * Checks a scope and splits it into tokens (RFC 6749 §3.3: scope-token = 1*NQCHAR).
 * @throws AuthError `invalid_config` naming `option`
 */
export const checkScope = (option: string, value: ScopeInput | undefined): string[] => {
  const scope = typeof value == "string" ? value.split(" ").filter(Boolean) : value;
  if (!Array.isArray(scope) || !scope.every((s: unknown) => typeof s == "string" && NQCHARS.test(s))) {
    throw invalid(option);
  }
  return [...scope];
};

/**
 * Checks extra authorization parameters: string values, none of the names the SDK sets itself,
 * and none that would move the token into the query (`response_mode`) or replace the request the
 * client built (`request`, `request_uri`, RFC 9101).
 * @throws AuthError `invalid_config` naming `option`
 */
export const checkParams = (option: string, value: unknown = {}): Record<string, string> => {
  if (
    !value ||
    typeof value != "object" ||
    Array.isArray(value) ||
    Object.entries(value).some(([name, v]) => /^(response_(type|mode)|client_id|redirect_uri|scope|state|request(_uri)?)$/.test(name) || typeof v != "string")
  ) {
    throw invalid(option);
  }
  return { ...value };
};

/**
 * Checks {@link ClientOptions} and applies the defaults.
 * @throws AuthError `invalid_config` whose description names the option at fault
 */
export const resolveOptions = (given: ClientOptions): ResolvedOptions => {
  const need = (ok: unknown, name: string) => {
    if (!ok) throw invalid(name);
  };
  need(given && typeof given == "object", "options");
  // Own options only: a name set on Object.prototype by other code of the page is no option.
  const options = { __proto__: null, ...given } as ClientOptions;
  const page: Location | undefined = globalThis.location; // none outside a browser
  const { clientId, storage, fetch, resourceOrigins = page ? [page.origin] : [] } = options;
  const numbers = { clockSkew: 30, expiringNotice: 60, stateTtl: 600, silentTimeout: 10 };
  // Own names only (`for…in` would also walk names set on Object.prototype).
  for (const name of Object.keys(numbers) as (keyof typeof numbers)[]) {
    const value = (numbers[name] = options[name] ?? numbers[name]);
    // Finite seconds; 0 allowed but for the waits (s…), where it would fail every login.
    need(typeof value == "number" && (name[0] == "s" ? value > 0 : value >= 0) && value < Infinity, name);
  }
  need(typeof clientId == "string" && VSCHARS.test(clientId), "clientId");
  need(Array.isArray(resourceOrigins), "resourceOrigins");
  need(storage === undefined || typeof storage?.setItem == "function", "storage");
  need(fetch === undefined || typeof fetch == "function", "fetch");
  return <ResolvedOptions>{
    __proto__: null,
    ...options, // clientId and fetch, checked above
    ...numbers,
    authorizationEndpoint: checkUrl("authorizationEndpoint", options.authorizationEndpoint),
    // Outside a page there is no default to take: say so (no_browser), not "invalid redirectUri".
    redirectUri: checkUrl("redirectUri", options.redirectUri ?? (page ? page.origin + page.pathname : inPage("redirectUri"))),
    scope: checkScope("scope", options.scope ?? []),
    resources: resourceOrigins.map((entry: unknown) => {
      const resource = typeof entry == "string" && parseResource(entry, page?.href);
      need(resource, "resourceOrigins");
      return resource as Resource;
    }),
    extraParams: checkParams("extraParams", options.extraParams),
    storage: () => storage || sessionStorage,
  };
};
