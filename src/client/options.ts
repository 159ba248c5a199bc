import { AuthError } from "../protocol/errors";
import { parseResource, secureUrl, type Resource } from "../protocol/resources";
import { NQCHARS, VSCHARS } from "../protocol/syntax";
import { inPage } from "../browser/page";
import type { StorageLike } from "../browser/pending";
import type { ClientOptions, ScopeInput } from "./types";
import { isFeature, type OptionNames } from "./pipeline";

/**
 * The core options after checking, with defaults applied. Every other option given is there too,
 * as given (own members only), for the feature that reads and checks it.
 */
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
}

/** The names of the core's options ({@link CoreOptions}), for the check of option names. */
export const CORE_OPTIONS: OptionNames = {
  authorizationEndpoint: 0,
  clientId: 0,
  responseType: 0,
  redirectUri: 0,
  scope: 0,
  resourceOrigins: 0,
  extraParams: 0,
  clockSkew: 0,
  expiringNotice: 0,
  stateTtl: 0,
  storage: 0,
  fetch: 0,
};

/**
 * What was given, as an error message shows it: a string as it is, but for a URL's user info,
 * query and fragment, which may hold secrets; anything else by its type.
 */
export const shown = (value: unknown): string =>
  typeof value == "string"
    ? JSON.stringify(value.replace(/\/\/[^/?#]*@/, "//…@").replace(/[?#].*/s, "…"))
    : value === null
      ? "null"
      : Array.isArray(value)
        ? "an array"
        : value === undefined
          ? "nothing"
          : "a " + typeof value;

/**
 * An `invalid_config` error that teaches: its description is the option's name (what apps branch
 * on), its message says what was given and the rule it broke, e.g.
 * `resourceOrigins[0]: "api.example.com" is not an absolute https:// (or loopback http://) origin`.
 * @param option - the option's name
 * @param value - what was given
 * @param rule - what it is not, e.g. `is not a function`
 * @param at - where in the option, when not the option itself (`resourceOrigins[0]`)
 */
export const invalidConfig = (option: string, value: unknown, rule: string, at = option): AuthError =>
  new AuthError("invalid_config", option, undefined, { message: at + ": " + shown(value) + " " + rule });

const SECURE = "is not an absolute https: (or loopback http:) ";

/**
 * Checks an endpoint or redirect URI: absolute, no fragment, `https:` (or `http:` on a loopback
 * host). Returns it unchanged, since redirect URIs are compared as strings by servers.
 * @throws AuthError `invalid_config` naming `option`
 */
export const checkUrl = (option: string, value: unknown): string => {
  if (typeof value == "string" && secureUrl(value) && !value.includes("#")) return value;
  throw invalidConfig(option, value, SECURE + "URL without #fragment");
};

/**
 * Checks a scope and splits it into tokens (RFC 6749 §3.3: scope-token = 1*NQCHAR).
 * @throws AuthError `invalid_config` naming `option`
 */
export const checkScope = (option: string, value: ScopeInput | undefined): string[] => {
  const scope = typeof value == "string" ? value.split(" ").filter(Boolean) : value;
  if (!Array.isArray(scope) || !scope.every((s: unknown) => typeof s == "string" && NQCHARS.test(s))) {
    throw invalidConfig(option, value, "is not a list of scope tokens (RFC 6749 §3.3)");
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
  if (!value || typeof value != "object" || Array.isArray(value)) throw invalidConfig(option, value, "is not an object");
  for (const [name, v] of Object.entries(value)) {
    if (/^(response_(type|mode)|client_id|redirect_uri|scope|state|request(_uri)?)$/.test(name)) {
      throw invalidConfig(option, name, "is set by the client", option + "." + name);
    }
    if (typeof v != "string") throw invalidConfig(option, v, "is not a string", option + "." + name);
  }
  return { ...value };
};

/**
 * Checks {@link ClientOptions} and applies the defaults.
 * @throws AuthError `invalid_config` whose description names the option at fault
 */
export const resolveOptions = (given: ClientOptions): ResolvedOptions => {
  if (!given || typeof given != "object") throw invalidConfig("options", given, "is not an object");
  // Own options only: a name set on Object.prototype by other code of the page is no option.
  const options = { __proto__: null, ...given } as ClientOptions;
  const page: Location | undefined = globalThis.location; // none outside a browser
  const { clientId, storage, fetch, resourceOrigins = page ? [page.origin] : [] } = options;
  const numbers = { clockSkew: 30, expiringNotice: 60, stateTtl: 600 };
  // Own names only (`for…in` would also walk names set on Object.prototype).
  for (const name of Object.keys(numbers) as (keyof typeof numbers)[]) {
    const value = (numbers[name] = options[name] ?? numbers[name]);
    // Finite seconds; 0 allowed but for stateTtl, where it would fail every login.
    const positive = name == "stateTtl";
    if (!(typeof value == "number" && (positive ? value > 0 : value >= 0) && value < Infinity)) {
      throw invalidConfig(name, value, "is not a number of seconds " + (positive ? "> 0" : ">= 0"));
    }
  }
  if (!(typeof clientId == "string" && VSCHARS.test(clientId))) throw invalidConfig("clientId", clientId, "is not a string of visible ASCII");
  if (!Array.isArray(resourceOrigins)) throw invalidConfig("resourceOrigins", resourceOrigins, "is not an array");
  if (!(storage === undefined || typeof storage?.setItem == "function")) throw invalidConfig("storage", storage, "is not a Storage");
  if (!(fetch === undefined || typeof fetch == "function")) throw invalidConfig("fetch", fetch, "is not a function");
  return <ResolvedOptions>{
    __proto__: null,
    ...options, // clientId and fetch, checked above; the features' options, which they check
    ...numbers,
    authorizationEndpoint: checkUrl("authorizationEndpoint", options.authorizationEndpoint),
    // Outside a page there is no default to take: say so (no_browser), not "invalid redirectUri".
    redirectUri: checkUrl("redirectUri", options.redirectUri ?? (page ? page.origin + page.pathname : inPage("redirectUri"))),
    scope: checkScope("scope", options.scope ?? []),
    resources: resourceOrigins.map((entry: unknown, n) => {
      // A path ("/api/") is the page's own origin; anything else must be absolute: a bare host
      // ("api.example.com") would otherwise become a path of the page.
      const resource = typeof entry == "string" && /^(\/|[a-z][a-z\d+.-]*:)/i.test(entry) && parseResource(entry, page?.href);
      if (!resource) {
        throw invalidConfig("resourceOrigins", entry, SECURE + "origin (or origin + path)", "resourceOrigins[" + n + "]");
      }
      return resource;
    }),
    extraParams: checkParams("extraParams", options.extraParams),
    storage: () => storage || sessionStorage,
  };
};

// How alike two names are, case aside: the length of their common start and end. Typos in
// option names are a letter's case, a letter left out or added: one of the two stays long.
const likeness = (a: string, b: string): number => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let start = 0;
  let end = 0;
  while (start < x.length && x[start] == y[start]) start++;
  while (end < x.length - start && x[x.length - 1 - end] == y[y.length - 1 - end]) end++;
  return start + end;
};

/**
 * Checks the names of the options given against every known one (the core's and each feature's),
 * and that an option which takes a feature (`flow: codeFlow`) holds that very feature.
 * In plain JavaScript a misspelled option would otherwise be ignored, silently.
 * @param given - the options as given
 * @param known - the names of the core's and every feature's options
 * @throws AuthError `invalid_config` whose description is the option's name: an unknown name (the
 * message names the closest known one), or a feature option that holds something else
 */
export const checkOptionNames = (given: unknown, known: readonly OptionNames[]): void => {
  if (!given || typeof given != "object") return; // resolveOptions says so
  const all: Record<string, OptionNames[string]> = Object.assign(Object.create(null), ...known);
  for (const name of Object.keys(given)) {
    const value = (given as Record<string, unknown>)[name];
    const spec = all[name];
    if (spec === undefined) {
      const closest = Object.keys(all).sort((a, b) => likeness(name, b) - likeness(name, a))[0];
      throw new AuthError("invalid_config", name, undefined, { message: `unknown option ${JSON.stringify(name)}: did you mean ${closest}?` });
    }
    if (spec && value !== undefined && !(isFeature(value) && value.joins == spec.joins)) {
      throw invalidConfig(name, value, `is not ${spec.is} (import { ${spec.is} } from "implicitly")`);
    }
  }
};
