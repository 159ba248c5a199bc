// Placeholders for the app's own code in the snippets of README.md and docs/*.md, checked by
// scripts/docs-check.mjs. A snippet that declares one of these names itself uses its own.
import type { ClientOptions, OidcClient, Token } from "implicitly";

declare global {
  /** The app's client, made in another snippet. */
  const auth: OidcClient;
  /** Options of another snippet. */
  const options: ClientOptions;
  const loginButton: HTMLButtonElement;
  const logoutButton: HTMLButtonElement;
  const allowButton: HTMLButtonElement;
  const button: HTMLButtonElement;
  const greeting: HTMLElement;
  const order: unknown;
  const router: { navigate(path: string): void };
  function show(value: unknown): void;
  function showSignedIn(token: Token): void;
  function showLoginButton(): void;
  function showError(message: string): void;
  function showMessage(message: string): void;
  function offerMoreAccess(scope: readonly string[]): void;
}
