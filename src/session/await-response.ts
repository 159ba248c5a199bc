import { AuthError } from "../protocol/errors";
import type { Internals } from "../client/internals";
import { channelName, type HandoffMessage } from "../client/handoff";
import type { AuthorizationResponse } from "../protocol/response";
import type { RedirectResult } from "../client/types";

/**
 * The authorization response in `href`, read as the client reads it (the fragment, or the query in
 * the code flow).
 * @returns the response; undefined when `href` is not a string, has no response or a malformed one
 */
export const responseOf = (i: Internals, href: unknown): AuthorizationResponse | undefined => {
  const response = typeof href == "string" ? i.hooks.parse(href)[0] : undefined;
  return response instanceof AuthError ? undefined : response || undefined;
};

/**
 * How long a frame may stay on a page other than the redirect page, in ms, before
 * {@link awaitResponse} gives up on it: time for a page that redirects by script.
 */
export const FRAME_GRACE = 1000;

/**
 * Milliseconds a popup must stay on a page of another origin, its link intact, before it counts
 * as seen there (see {@link awaitResponse}): a popup that reads as closed after that was closed by
 * the user; before that, its link may have been cut by Cross-Origin-Opener-Policy.
 */
export const AWAY_SETTLED = 500;

/**
 * Waits for the response that a frame or popup opened by this page hands over (see
 * {@link Client.handleRedirect}), and completes it with `i.complete`: validated exactly as a
 * redirect, the token held, `token` emitted.
 *
 * A message counts only when it comes from `source` (`event.source`), from the origin of
 * `redirectUri` (`event.origin`), is shaped `{ implicitly: string }`, and carries the response of
 * this request (`state`). Anything else is ignored, and so is every message once the wait is over.
 * With `popup`, a response may also come over the popup's `BroadcastChannel` (same origin by
 * construction, so only the state is checked), for when Cross-Origin-Opener-Policy cut the link.
 * Every listener, timer and channel is removed when the wait ends, whatever the outcome, and so is
 * the request's pending login (a response consumes it; a timeout, a closed popup or a frame that
 * shows a page removes it).
 *
 * With `frame`, a frame that finishes loading a page other than the redirect page means that the
 * server did not answer `prompt=none` by redirecting back: it rejects `page_in_frame` (its
 * description is the redirect URI, without query) after {@link FRAME_GRACE} ms, unless the frame
 * loads the redirect page or the response comes in the meantime (a page that redirects by script).
 * A server that honours `prompt=none` shows no page, so this is a misconfiguration (the server's
 * error page for an unregistered redirect URI or client id, or a page that refuses framing) or a
 * server that ignores `prompt=none` (its login page): never the server's `interaction_required`.
 * Which one it is cannot be read here: the page is of another origin.
 *
 * @param i - the client's internals
 * @param state - the state of the request
 * @param redirectUri - the request's redirect URI
 * @param source - the frame's or popup's window
 * @param seconds - how long to wait before rejecting `timeout`
 * @param popup - `source` is a popup: also reject `popup_closed` when the user closes it (when its
 *   link was cut by Cross-Origin-Opener-Policy, once this page has the focus again)
 * @param frame - the frame whose window is `source` (silent renewal)
 * @throws AuthError `timeout`, `popup_closed`, `page_in_frame`, or whatever the response's validation throws
 */
export const awaitResponse = (
  i: Internals,
  state: string,
  redirectUri: string,
  source: Window,
  seconds: number,
  popup?: boolean,
  frame?: HTMLIFrameElement,
): Promise<RedirectResult> =>
  new Promise((resolve, reject) => {
    const { origin, pathname } = new URL(redirectUri);
    const channel = popup && typeof BroadcastChannel == "function" ? new BroadcastChannel(channelName(i.options.clientId)) : undefined;
    let closedPolls = 0;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const settle = (outcome: Promise<RedirectResult>) => {
      removeEventListener("message", onMessage);
      channel?.close();
      clearTimeout(timer);
      clearTimeout(grace);
      clearInterval(poll);
      removeEventListener("focus", onFocus);
      if (frame) frame.onload = null;
      outcome.then(resolve, reject);
    };
    const fail = (code: string, description?: string) => {
      settle(Promise.reject(new AuthError(code, description)));
      // No response will be taken now: its pending login (and PKCE verifier) goes too, rather
      // than waiting in storage for `stateTtl`.
      i.forget(state);
    };
    const take = (data: unknown) => {
      const response = responseOf(i, (data as HandoffMessage | null)?.implicitly);
      if (response?.state === state) settle(i.complete(response));
    };
    const onMessage = (e: MessageEvent) => e.source === source && e.origin === origin && take(e.data);
    addEventListener("message", onMessage);
    if (channel) channel.onmessage = (e) => take(e.data);
    const timer = setTimeout(fail, seconds * 1000, "timeout");
    if (frame) {
      frame.onload = () => {
        clearTimeout(grace);
        // Another origin's document is out of reach (null). The redirect page keeps its path when
        // it cleans its URL, so the path is what tells it.
        const here = frame.contentDocument?.location;
        if (!here || here.origin + here.pathname != origin + pathname) {
          grace = setTimeout(fail, FRAME_GRACE, "page_in_frame", origin + pathname);
        }
      };
    }
    // A cut opener link also reads as `closed`, while the response may still be on its way over
    // the channel: a popup counts as closed by the user after 2.5 s of it. But a popup that
    // reads as closed before it was ever seen on a page of the server (its location unreadable)
    // lost its link at the server's first page (Cross-Origin-Opener-Policy), and the user may be
    // signing in there still: this page can no longer see it, so it waits, until it gets the focus
    // back (closing a popup focuses the window that opened it), or the response, or the timeout.
    let away = false;
    // When the popup was first seen on a page of another origin. It counts as "seen there" only
    // once it has stayed there for half a second: right after the server's first page commits,
    // this page may still read the popup as open on another origin for a moment before
    // Cross-Origin-Opener-Policy's cut reaches it (the popup runs in another process), and a
    // busy machine stretches that moment.
    let awaySince: number | undefined;
    let cut = false;
    let back = false;
    const onFocus = () => {
      if (source.closed && !away) cut = true;
      back = cut;
    };
    if (popup) addEventListener("focus", onFocus);
    const poll = popup
      ? setInterval(() => {
          if (!source.closed) {
            try {
              void source.location.href;
            } catch {
              // A page of another origin, with the link intact.
              awaySince ??= Date.now();
              if (Date.now() - awaySince >= AWAY_SETTLED) away = true;
            }
            return;
          }
          if (!away) cut = true;
          if ((!cut || back) && ++closedPolls > 24) fail("popup_closed");
        }, 100)
      : undefined;
  });
