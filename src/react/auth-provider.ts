import { createContext, createElement, useContext, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from "react";
import { AuthError } from "../protocol/errors";
import { LOADING, storeOf, type AuthSnapshot, type AuthStore } from "./auth-store";
import type { Client, LoginOptions, RedirectResult } from "../client/types";
import type { Token } from "../protocol/types";

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps<T extends Token = Token> {
  /**
   * The app's client, made once, outside the component tree (by `createClient` or
   * `createOidcClient`, with any flow and `dpop`). Handing in another client starts that one.
   */
  client: Client<T>;
  /**
   * The start-up, run once per client after the first mount (never on a server, never twice,
   * also under `StrictMode`): `restore` for a session that survives reloads, or the app's own
   * function (e.g. one that routes to the `appState` of the result). While it runs, the status is
   * `"loading"`; when it rejects, `"error"` with its {@link AuthError}.
   * @default `(client) => client.handleRedirect()`
   */
  start?: (client: Client<T>) => unknown;
  /**
   * Popup sign-in for {@link AuthActions.loginWithPopup} and popup step-up: pass `loginWithPopup`
   * (imported by apps that use it, so others do not ship it).
   * @default none: {@link AuthActions.loginWithPopup} fails with `invalid_config`
   */
  loginWithPopup?: (client: Client<T>, opts?: LoginOptions) => Promise<RedirectResult<T>>;
  /**
   * Sign-out at the authorization server for {@link AuthActions.signOut}: e.g.
   * `(client) => signOut(client, { postLogoutRedirectUri })`.
   * @default a local {@link Client.logout} only
   */
  signOut?: (client: Client<T>) => unknown;
  /** The app, or the part of it that uses the session. */
  children?: ReactNode;
}

/**
 * Options of {@link AuthActions.stepUp}: those of a login, but `scope` is what to ask for on top
 * of the scope the current token has (e.g. what an `insufficient_scope` challenge names).
 */
export interface StepUpOptions extends LoginOptions {
  /**
   * The authentication context class(es) to ask for (`acr_values`, OpenID Connect Core §3.1.2.1),
   * e.g. what a resource's `insufficient_user_authentication` challenge names (RFC 9470).
   */
  acrValues?: string | readonly string[];
  /** The longest time since the user last authenticated, in seconds (`max_age`); 0 asks again now. */
  maxAge?: number;
  /** In a popup (needs {@link AuthProviderProps.loginWithPopup}) rather than a redirect. @default false */
  popup?: boolean;
}

/**
 * What {@link useAuth} offers besides the state. Failures do not reject: they become the
 * state's `error` (an {@link AuthError}) and the promise resolves `undefined`, so that a click
 * handler needs no `catch`.
 */
export interface AuthActions<T extends Token = Token> {
  /** Starts a redirect sign-in ({@link Client.login}); none while another sign-in runs. */
  login(opts?: LoginOptions): Promise<void>;
  /**
   * Signs in in a popup ({@link AuthProviderProps.loginWithPopup}); none while another sign-in
   * runs. Call it straight from a click handler, before any `await`.
   */
  loginWithPopup(opts?: LoginOptions): Promise<RedirectResult<T> | undefined>;
  /** Forgets the token here ({@link Client.logout}). */
  logout(): void;
  /** Signs out: {@link AuthProviderProps.signOut} when given, else {@link Client.logout}. */
  signOut(): Promise<void>;
  /** Signs in again, asking for a stronger or fresher authentication (see {@link StepUpOptions}). */
  stepUp(opts?: StepUpOptions): Promise<RedirectResult<T> | void>;
  /** The client's `fetch`: the token goes only inside its `resourceOrigins`. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/** What {@link useAuth} returns: the state, the OpenID user, the actions and the client. */
export interface AuthState<T extends Token = Token> extends AuthSnapshot<T>, AuthActions<T> {
  /**
   * The verified ID token claims of the current token (`createOidcClient`); `null` when signed
   * out or when the client is not an OpenID one.
   */
  user: (T extends { claims?: infer C } ? C : never) | null;
  /** The client, for what the hooks do not cover. */
  client: Client<T>;
}

/** What the provider hands down: one object per client and feature functions. */
interface Binding {
  client: Client<Token>;
  store: AuthStore<Token>;
  actions: AuthActions<Token>;
}

const AuthContext = createContext<Binding | null>(null);

const serverSnapshot = () => LOADING;

/**
 * Gives its children the session of `client` through {@link useAuth}, {@link useAuthFetch} and
 * {@link SignedIn}. After its first mount it runs the start-up (`start`: by default
 * {@link Client.handleRedirect}) once per client, also under `StrictMode` and across remounts.
 * On a server it renders the `"loading"` state and touches no browser global; the client takes
 * over when it hydrates.
 *
 * @example
 * ```tsx
 * const auth = createClient({ authorizationEndpoint, clientId, silentRedirectUri });
 * createRoot(root).render(
 *   <AuthProvider client={auth} start={(client) => restore(client)} loginWithPopup={loginWithPopup}>
 *     <App />
 *   </AuthProvider>,
 * );
 * ```
 */
export function AuthProvider<T extends Token = Token>(props: AuthProviderProps<T>): ReactNode {
  const { client, start, children } = props;
  // The feature functions as last rendered: an inline function (a new one on every render) makes
  // no new context value, which would re-render every component that uses the session.
  const features = useRef(props);
  features.current = props;
  const binding = useMemo(() => bind(client, features), [client]);
  // Runs after mount only (never on a server); the store makes it once per client.
  useEffect(() => binding.store.start(start ?? ((c) => c.handleRedirect())), [binding]);
  return createElement(AuthContext.Provider, { value: binding as unknown as Binding }, children);
}

/** The store and the actions of `client`, with the feature functions the provider was last given. */
const bind = <T extends Token>(client: Client<T>, features: { readonly current: AuthProviderProps<T> }) => {
  const store = storeOf(client);
  const withPopup = (opts?: LoginOptions) =>
    store.signIn(() => {
      const popup = features.current.loginWithPopup;
      if (!popup) throw new AuthError("invalid_config", "loginWithPopup: pass it to <AuthProvider>");
      return popup(client, opts);
    });
  const actions: AuthActions<T> = {
    login: (opts) => store.signIn(() => client.login(opts), true),
    loginWithPopup: withPopup,
    logout: () => client.logout(),
    signOut: async () => {
      const signOut = features.current.signOut;
      await store.act(() => (signOut ? signOut(client) : client.logout()));
    },
    stepUp(opts = {}) {
      // Own options only: a name some other code set on Object.prototype is no option.
      const { acrValues, maxAge, popup: inPopup, ...login } = { __proto__: null, ...opts } as StepUpOptions;
      const extraParams: Record<string, string> = { ...login.extraParams };
      if (acrValues !== undefined) extraParams["acr_values"] = typeof acrValues == "string" ? acrValues : acrValues.join(" ");
      if (maxAge !== undefined) extraParams["max_age"] = String(maxAge);
      // More than the token has, never less: the new token replaces the current one.
      const more = typeof login.scope == "string" ? login.scope.split(" ").filter(Boolean) : (login.scope ?? []);
      const granted = client.getToken()?.scope ?? [];
      const request: LoginOptions = { ...login, extraParams };
      if (more.length) request.scope = [...new Set([...granted, ...more])];
      return inPopup ? withPopup(request) : actions.login(request);
    },
    fetch: client.fetch,
  };
  return { client, store, actions };
};

/**
 * The session of the nearest {@link AuthProvider}: its state ({@link AuthSnapshot}), the OpenID
 * user, the actions ({@link AuthActions}) and the client. The component re-renders when the
 * client gets or drops a token, and every render reads the client's current token: a token
 * that a logout, an expiry or a refused request dropped is never shown or used.
 *
 * @typeParam T - the client's token type, e.g. `OidcToken` for `createOidcClient`
 * @throws AuthError `invalid_config` outside an {@link AuthProvider}
 * @example
 * ```tsx
 * function Account() {
 *   const { status, user, error, login, logout } = useAuth<OidcToken>();
 *   if (status == "loading") return <p>Loading…</p>;
 *   if (status != "signedIn") return <button onClick={() => login()}>Sign in {error?.code}</button>;
 *   return <button onClick={logout}>Sign out {user?.name}</button>;
 * }
 * ```
 */
export function useAuth<T extends Token = Token>(): AuthState<T> {
  const binding = useContext(AuthContext);
  if (!binding) throw new AuthError("invalid_config", "useAuth: outside <AuthProvider>");
  const { client, store, actions } = binding as unknown as ReturnType<typeof bind<T>>;
  const snapshot = useSyncExternalStore(store.subscribe, store.get, serverSnapshot);
  const claims = (snapshot.token as { claims?: unknown } | null)?.claims;
  return { ...snapshot, ...actions, user: (claims ?? null) as AuthState<T>["user"], client };
}
