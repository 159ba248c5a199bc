import { AuthError } from "./errors";

/** What an API says about itself in its protected-resource metadata (RFC 9728 §2). */
export interface ProtectedResource {
  /** Its resource identifier (`resource`): the URL of the request that was refused. */
  resource: string;
  /** The issuers of the authorization servers it takes tokens from (`authorization_servers`); may be empty. */
  authorizationServers: string[];
  /** The scopes it knows (`scopes_supported`); may be empty. */
  scopesSupported: string[];
  /** The whole document, parsed without prototypes (other members: `resource_name`, `bearer_methods_supported`, …). */
  metadata: Readonly<Record<string, unknown>>;
}

// An optional member that must be a list of strings when present.
const strings = (json: Readonly<Record<string, unknown>>, name: string): string[] => {
  const value = json[name];
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item == "string")) return value;
  throw new AuthError("resource_metadata_failed", name + " is not a list of strings");
};

/**
 * Reads an API's protected-resource metadata, fetched from the `resource_metadata` URL of its
 * `WWW-Authenticate` challenge, and checks that it is about the URL that was refused: its
 * `resource` must be that URL (RFC 9728 §3.3; compared as parsed URLs), so that one API cannot
 * speak for another.
 *
 * @param json - the document, a JSON object parsed without prototypes
 * @param url - the URL of the request whose answer carried the challenge
 * @returns the metadata
 * @throws AuthError `resource_mismatch` when `resource` is missing or names another URL (the
 *   description says which); `resource_metadata_failed` when a member has the wrong type
 * @see RFC 9728 §2, §3.3, §5
 */
export const parseResourceMetadata = (json: Readonly<Record<string, unknown>>, url: string): ProtectedResource => {
  const { resource } = json;
  let same = false;
  try {
    same = typeof resource == "string" && new URL(resource).href == new URL(url).href;
  } catch {
    // not a URL: not the same
  }
  if (!same) throw new AuthError("resource_mismatch", `resource ${typeof resource == "string" ? resource : "missing"}, not ${url}`);
  return {
    resource: resource as string,
    authorizationServers: strings(json, "authorization_servers"),
    scopesSupported: strings(json, "scopes_supported"),
    metadata: json,
  };
};
