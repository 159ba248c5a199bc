import { AuthError } from "../protocol/errors";

/**
 * Throws `no_browser` where there is no page: no `location`, as in server-side rendering and
 * Node. Whatever navigates, reads the address bar or opens a frame or popup calls it first, so
 * that it fails with a code an app can branch on instead of a `ReferenceError`, before anything
 * is stored. (`location` rather than `window`: it is the global the core needs, and the one
 * tests stub to stand for a page.)
 * @param what - what needed the page, when the caller is not obvious from the stack (an option)
 * @throws AuthError `no_browser`
 */
export const inPage = (what?: string): void => {
  if (!globalThis.location) throw new AuthError("no_browser", what);
};
