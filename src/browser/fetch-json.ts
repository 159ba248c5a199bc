import { AuthError } from "../protocol/errors";
import { parseJsonObject } from "../protocol/json";

/** Seconds a metadata or JWK Set fetch may take, its body included, before it is given up. */
export const FETCH_TIMEOUT = 10;

/**
 * Fetches a JSON object (a provider's metadata or JWK Set, an API's protected-resource metadata) with
 * `AbortSignal.timeout`, so a server that stalls cannot hang a login, a callback or a renewal.
 *
 * @param url - what to fetch
 * @param fetchFn - @default globalThis.fetch at call time
 * @param code - the code of the error when there is no object
 * @param description - its description (`": timed out after 10 s"` is added after a timeout)
 * @returns the object, parsed without prototypes
 * @throws AuthError `code` when the fetch fails, is not ok, is not a JSON object, or takes longer
 * than {@link FETCH_TIMEOUT} seconds
 */
export const fetchJson = async (url: string, fetchFn: typeof fetch | undefined, code: string, description: string): Promise<Record<string, unknown>> => {
  let json: Record<string, unknown> | undefined;
  let cause: unknown;
  try {
    const res = await (fetchFn || fetch)(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT * 1000) });
    if (res.ok) json = parseJsonObject(await res.text());
  } catch (e) {
    cause = e;
    if ((e as Error | null)?.name == "TimeoutError") description += ": timed out after " + FETCH_TIMEOUT + " s";
  }
  if (!json) throw new AuthError(code, description, undefined, { cause });
  return json;
};
