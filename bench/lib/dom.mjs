// A jsdom page for code that needs `window`, `location`, `history` or Web Storage. Node's own
// `fetch`, `Request`, `Response`, `Headers`, `URL`, `URLSearchParams` and `crypto` stay in place:
// they are what the benchmarks measure against, and jsdom has no fetch of its own.
import { JSDOM } from "jsdom";

export const PAGE_URL = "https://app.example.com/callback";

/** The page-level names copied from the jsdom window onto the global object. */
const PAGE_GLOBALS = [
  "window",
  "document",
  "location",
  "history",
  "navigator",
  "sessionStorage",
  "localStorage",
  "addEventListener",
  "removeEventListener",
  "dispatchEvent",
  "XMLHttpRequest",
];

/**
 * Opens a page at `url` and makes its window the global one for the code under test.
 * @returns {{ window: import("jsdom").DOMWindow, close: () => void }}
 */
export const openPage = (url = PAGE_URL) => {
  // "pretendToBeVisual" gives the page requestAnimationFrame; no resources are ever loaded.
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { url, pretendToBeVisual: true });
  const { window } = dom;
  const saved = new Map();
  for (const name of PAGE_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    const value = name === "window" ? window : window[name];
    Object.defineProperty(globalThis, name, {
      // Global functions call through the window, so that counting its listeners sees them too.
      value: typeof value === "function" && /^[a-z]/.test(name) ? (...args) => window[name](...args) : value,
      configurable: true,
      writable: true,
    });
  }
  // The SDK and its peers read these off `window` too.
  for (const name of ["fetch", "Request", "Response", "Headers", "URL", "URLSearchParams", "crypto"]) {
    Object.defineProperty(window, name, { value: globalThis[name], configurable: true, writable: true });
  }
  // jsdom's selector engine adds its own listeners on first use (document.baseURI is one): let it
  // do so now, so that listener counts see only the code under test.
  window.document.querySelector("base");
  return {
    window,
    close() {
      for (const [name, desc] of saved) {
        if (desc) Object.defineProperty(globalThis, name, desc);
        else delete globalThis[name];
      }
      window.close();
    },
  };
};

/**
 * Counts the event listeners added to and removed from `target` from now on.
 * @returns {{ live: () => number, stop: () => void }}
 */
export const countListeners = (target) => {
  const { addEventListener: add, removeEventListener: remove } = target;
  const live = new Set();
  target.addEventListener = function (type, listener, options) {
    live.add(`${type}\0${listenerId(listener)}`);
    return add.call(this, type, listener, options);
  };
  target.removeEventListener = function (type, listener, options) {
    live.delete(`${type}\0${listenerId(listener)}`);
    return remove.call(this, type, listener, options);
  };
  return {
    live: () => live.size,
    stop() {
      target.addEventListener = add;
      target.removeEventListener = remove;
    },
  };
};

const ids = new WeakMap();
let nextId = 0;
const listenerId = (fn) => {
  if (!ids.has(fn)) ids.set(fn, nextId++);
  return ids.get(fn);
};
