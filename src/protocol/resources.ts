/** A parsed `resourceOrigins` entry: an origin, and a path prefix without its trailing "/". */
export interface Resource {
  origin: string;
  path: string;
}

/**
 * True for `https:` URLs, and for `http:` ones on a loopback host (`localhost`, 127.0.0.0/8,
 * `[::1]`): the only places a token or a redirect may go.
 */
export const isSecure = (url: URL): boolean =>
  url.protocol == "https:" || (url.protocol == "http:" && /^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname));

/**
 * Parses `value` as a URL (against `base`, when given) that is secure (see {@link isSecure}).
 * @returns the URL; undefined when `value` is not a URL, or not a secure one
 */
export const secureUrl = (value: unknown, base?: string): URL | undefined => {
  try {
    const url = new URL(value as string, base);
    if (isSecure(url)) return url;
  } catch {
    // not a URL
  }
  return undefined;
};

/**
 * Parses a `resourceOrigins` entry, or returns `undefined` when it is not a secure (see
 * {@link isSecure}) origin or origin + path (no `@`, so no credentials; no query or fragment).
 * @param entry - e.g. `https://api.example.com` or `https://example.com/api/`
 * @param base - resolves an entry that is a path (`/api/`) against the page
 */
export const parseResource = (entry: string, base?: string): Resource | undefined => {
  const u = secureUrl(entry, base);
  return u && !/[?#@]/.test(entry) ? { origin: u.origin, path: u.pathname.replace(/\/+$/, "") } : undefined;
};

/**
 * True when `url` is inside one of `resources`: the same origin (scheme, host and port, compared
 * on the parsed URL) and, for an entry with a path, the same path or a path below it on a
 * segment boundary (`/api` matches `/api` and `/api/x`, never `/apix`).
 * @param resources - parsed entries
 * @param url - an absolute URL (already resolved)
 */
export const isResource = (resources: readonly Resource[], url: URL): boolean =>
  // "/api/x/" starts with "/api/", "/apix/" does not; an entry without a path ("") takes all.
  resources.some((r) => r.origin === url.origin && (url.pathname + "/").startsWith(r.path + "/"));

/**
 * The one of `resources` that `url` is inside (see {@link isResource}), the most specific when
 * several are (the longest path prefix: `/api/billing` before `/api`).
 * @returns its index; -1 when `url` is inside none
 */
export const pickResource = (resources: readonly Resource[], url: URL): number => {
  let best = -1;
  resources.forEach((r, at) => {
    if (isResource([r], url) && (best < 0 || r.path.length > resources[best]!.path.length)) best = at;
  });
  return best;
};
