// Compile-only test of `implicitly/react`'s public types (`npm run typecheck`): the provider takes
// every kind of client and the SDK's own feature functions as they are; the hooks' results are
// typed. Every `@ts-expect-error` must meet an error (else TS2578). Nothing here runs.
import { createElement } from "react";
import {
  codeFlow,
  createClient,
  createOidcClient,
  dpop,
  loginWithPopup,
  restore,
  signOut,
  type IdTokenClaims,
  type OidcToken,
  type Token,
} from "../../src/index";
import { AuthProvider, SignedIn, useAuth, useAuthFetch, type AuthFetchResult, type AuthState, type AuthStatus } from "../../src/react";
import type { AuthError } from "../../src/protocol/errors";

declare const options: { authorizationEndpoint: string; clientId: string };
const plain = createClient(options);
const code = createClient({ ...options, flow: codeFlow, dpop, tokenEndpoint: "https://id.example.com/token" });
const oidc = createOidcClient({ issuer: "https://id.example.com", clientId: "spa" });

// Any client, and the SDK's functions passed as they are.
createElement(AuthProvider, { client: plain, start: restore, loginWithPopup, signOut });
createElement(AuthProvider, { client: code, start: (c) => restore(c, { autoRenew: true }) });
createElement(AuthProvider<OidcToken>, { client: oidc, loginWithPopup, signOut: (c) => signOut(c, { revoke: false }) });
// @ts-expect-error a client is required
createElement(AuthProvider, {});
createElement(SignedIn, { fallback: "signed out", loading: null });

function Typed() {
  const auth: AuthState = useAuth();
  const status: AuthStatus = auth.status;
  const token: Token | null = auth.token;
  const error: AuthError | null = auth.error;
  // A plain client's token has no claims: no user.
  const none: null = auth.user;
  const user: IdTokenClaims | null = useAuth<OidcToken>().user;
  const login: Promise<void> = auth.login({ scope: "orders", appState: "/orders" });
  void auth.stepUp({ acrValues: ["mfa"], maxAge: 0, popup: true, scope: ["orders"] });
  // @ts-expect-error maxAge is a number of seconds
  void auth.stepUp({ maxAge: "0" });
  const orders: AuthFetchResult<{ id: string }[]> = useAuthFetch<{ id: string }[]>("https://api.example.com/orders", { init: { method: "GET" } });
  useAuthFetch(new URL("https://api.example.com/me"), { read: (r) => r.text() });
  useAuthFetch(null);
  return [status, token, error, none, user, login, orders];
}
void Typed;
