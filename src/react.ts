// `implicitly/react`: the React binding, its own entry so that apps which do not import it ship
// none of it. It uses the client through its public API only; the build takes the core from the
// package's main entry (`implicitly`), so that `AuthError` and the types are the app's own.
export { AuthProvider, useAuth } from "./react/auth-provider";
export { SignedIn } from "./react/signed-in";
export { useAuthFetch } from "./react/use-auth-fetch";
export type { AuthActions, AuthProviderProps, AuthState, StepUpOptions } from "./react/auth-provider";
export type { AuthSnapshot, AuthStatus } from "./react/auth-store";
export type { SignedInProps } from "./react/signed-in";
export type { AuthFetchOptions, AuthFetchResult } from "./react/use-auth-fetch";
