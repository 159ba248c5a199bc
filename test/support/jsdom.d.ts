// The part of jsdom's API the tests use (jsdom ships no types, and @types/jsdom is not installed).
declare module "jsdom" {
  import { EventEmitter } from "node:events";

  /** An error jsdom reports on its virtual console (`type`: "not-implemented", "unhandled-exception", …). */
  export interface JSDOMError extends Error {
    type: string;
    cause?: unknown;
  }

  export class VirtualConsole extends EventEmitter {
    forwardTo(console: Console, options?: { jsdomErrors?: string[] | "none" }): this;
    on(event: "jsdomError", listener: (error: JSDOMError) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export type DOMWindow = Window & typeof globalThis;

  export interface ConstructorOptions {
    url?: string;
    referrer?: string;
    contentType?: string;
    runScripts?: "dangerously" | "outside-only";
    resources?: "usable";
    pretendToBeVisual?: boolean;
    virtualConsole?: VirtualConsole;
    /** Runs once the window exists, before the document is parsed and its scripts run. */
    beforeParse?(window: DOMWindow): void;
  }

  export class JSDOM {
    constructor(html?: string, options?: ConstructorOptions);
    readonly window: DOMWindow;
    serialize(): string;
  }
}
