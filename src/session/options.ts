import type { OptionNames } from "../client/pipeline";

/** The client options that the session features read ({@link renew}, and so {@link restore} and {@link autoRenew}). */
export interface SessionOptions {
  /**
   * The redirect URI of silent renewal ({@link renew}) in a hidden frame: a page of this app's
   * origin that calls {@link Client.handleRedirect}. Must be registered at the server. Checked by
   * {@link renew}, so that apps without renewal do not ship the check.
   * @default redirectUri
   */
  silentRedirectUri?: string;
  /** Seconds {@link renew} waits for the hidden frame's response before it rejects `timeout`. @default 10 */
  silentTimeout?: number;
}

/** The names of {@link SessionOptions}, for the check of option names (no code of the session features). */
export const SESSION_OPTIONS: OptionNames = { silentRedirectUri: 0, silentTimeout: 0 };
