// Helpers for the session features (renew, popup, restore, tabs) in jsdom: a client, the hidden
// frame renew() adds, and the messages its redirect page would send.
import { vi } from "vitest";
import { createClient } from "../../src/client/client";
import type { Client, ClientOptions, Token } from "../../src/index";
import type { MemoryStorage } from "./memory-storage";
import { PAGE } from "./sign-in";

export { PAGE };
/** The origin of the page and of its redirect URIs. */
export const ORIGIN = new URL(PAGE).origin;
export const ENDPOINT = "https://id.example.com/authorize";
export const API = "https://api.example.com";
/** The redirect URI of the pages (and of popups). */
export const CALLBACK = PAGE + "cb";
/** The redirect URI of the hidden frame. */
export const SILENT = PAGE + "silent";

let ids = 0;
/** A client id not used by any earlier test, so that no tab channel of one test reaches the next. */
export const freshClientId = () => "spa-" + ++ids;

/** A client with a silent redirect URI of its own, and the API as its resource origin. */
export const makeClient = (storage: MemoryStorage, extra: Partial<ClientOptions> = {}): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    clientId: "spa",
    redirectUri: CALLBACK,
    silentRedirectUri: SILENT,
    scope: ["profile"],
    resourceOrigins: [API],
    storage,
    ...extra,
  });

/** Lets pending promise callbacks run (works with fake timers too). */
export const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** The hidden frames on the page. */
export const frames = () => [...document.querySelectorAll("iframe")];

/**
 * The hidden frames still on the page once the task after a renewal settled has run: renew()
 * removes its frame then, not before its promise settles. Works with fake timers too.
 */
export const framesLeft = async () => {
  // Faked timers carry their clock; with only Date faked, setTimeout is the real one.
  if ("clock" in setTimeout) vi.advanceTimersByTime(0);
  else await new Promise((r) => setTimeout(r));
  return frames();
};

/** Waits for renew() to add its frame, and returns it. */
export const nextFrame = async (): Promise<HTMLIFrameElement> => {
  const found = () => {
    const frame = frames()[0];
    if (!frame) throw new Error("no frame");
    return frame;
  };
  // With fake timers, only promise callbacks can run; otherwise a tab may be asked first.
  if (!vi.isFakeTimers()) return vi.waitFor(found, { timeout: 2000, interval: 5 });
  for (let i = 0; i < 50 && !frames().length; i++) await flush();
  return found();
};

/** The `state` parameter of an authorization URL. */
export const stateIn = (url: string) => new URL(url).searchParams.get("state")!;

/** A success response's fragment. */
export const granted = (state: string, accessToken = "renewed-token", extra = "&expires_in=3600") =>
  `access_token=${accessToken}&token_type=Bearer&state=${encodeURIComponent(state)}${extra}`;

/** What a redirect page in a frame or popup posts to the page that opened it. */
export const handoff = (fragment: string, redirectUri = SILENT) => ({ implicitly: redirectUri + "#" + fragment });

/** Delivers a `message` event to the page, as `postMessage` from `source` would. */
export const post = (data: unknown, source: MessageEventSource | null, origin = ORIGIN) => dispatchEvent(new MessageEvent("message", { data, origin, source }));

/** A stand-in for the window that `window.open` returns. */
export const fakePopup = () => {
  // Once sent to the server, its location cannot be read (another origin), as in a browser.
  let away = false;
  const popup = {
    closed: false,
    location: {
      replace: vi.fn<(url: string) => void>(() => void (away = true)),
      get href(): string {
        if (away) throw new DOMException("Blocked a frame from accessing a cross-origin frame.", "SecurityError");
        return "about:blank";
      },
    },
    close: vi.fn(() => {
      popup.closed = true;
    }),
  };
  return popup;
};

/** Records the tokens the client emits. */
export const tokensOf = (client: Client): Token[] => {
  const seen: Token[] = [];
  client.on("token", (t) => seen.push(t));
  return seen;
};
