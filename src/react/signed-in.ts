import { createElement, Fragment, type ReactNode } from "react";
import { useAuth } from "./auth-provider";

/** Props of {@link SignedIn}. */
export interface SignedInProps {
  /** What shows while signed in. */
  children?: ReactNode;
  /** What shows otherwise (signed out, failed, and loading unless `loading` is given). @default nothing */
  fallback?: ReactNode;
  /** What shows while the start-up runs (and on a server). @default `fallback` */
  loading?: ReactNode;
}

/**
 * Shows its children only while the client holds a valid token, else `fallback` (or `loading`
 * while the start-up runs). It hides content, it does not protect it: the API must check the token.
 *
 * @example
 * ```tsx
 * <SignedIn fallback={<SignInButton />} loading={<Spinner />}>
 *   <Orders />
 * </SignedIn>
 * ```
 */
export function SignedIn({ children, fallback = null, loading = fallback }: SignedInProps): ReactNode {
  const { status } = useAuth();
  return createElement(Fragment, null, status == "signedIn" ? children : status == "loading" ? loading : fallback);
}
