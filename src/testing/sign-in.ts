import type { FakeServer } from "./fake-server";

/**
 * What {@link signIn} needs of a client: the two public methods of every implicitly client
 * (`createClient`, `createOidcClient`), typed structurally so that this subpath carries none of
 * the SDK's own code or types.
 */
export interface SignInClient {
  /** Starts a login and returns its authorization URL: the client's `authorizationUrl()`. */
  authorizationUrl(options?: never): Promise<string>;
  /** Completes the login with the redirect's URL: the client's `handleRedirect()`. */
  handleRedirect(url: string): Promise<unknown>;
}

/**
 * Brings a client into the signed-in state in a unit test, through its public API only, as a page
 * would after a real redirect: `client.authorizationUrl()` starts the login (its pending state is
 * stored), the fake server answers the authorization request at once (no login page), and
 * `client.handleRedirect()` completes it with the URL the server redirects to: the code is
 * exchanged, the ID token verified, every check of the SDK runs.
 *
 * The client's `fetch` option must be `server.fetch` (or a `fetch` that reaches the server) when it
 * needs the server: for the code flow's token endpoint, and OpenID Connect discovery and keys.
 *
 * @param client - a client made by `createClient` or `createOidcClient`
 * @param server - from {@link createFakeServer}
 * @param options - the login's options (`scope`, `appState`, …)
 * @returns what `handleRedirect()` resolves: the token and the app state
 * @throws AuthError whatever `handleRedirect()` rejects with (e.g. `access_denied` after
 * `server.refuse()`); Error when the server answers with a page instead of a redirect
 * @example
 * ```ts
 * const { token } = await signIn(client, server, { scope: "openid profile" });
 * ```
 */
export const signIn = async <C extends SignInClient>(
  client: C,
  server: FakeServer,
  options?: Parameters<C["authorizationUrl"]>[0],
): Promise<NonNullable<Awaited<ReturnType<C["handleRedirect"]>>>> => {
  const redirect = await server.authorize(await client.authorizationUrl(options as never));
  const result = (await client.handleRedirect(redirect)) as Awaited<ReturnType<C["handleRedirect"]>> | null;
  if (!result) throw new Error("the redirect carried no authorization response for this client: " + new URL(redirect).pathname);
  return result;
};
