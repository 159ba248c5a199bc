// Replaces browser globals by getters that record each read and throw, to prove that importing
// the SDK touches none of them (server-side rendering, workers, sandboxed frames).

/** The globals an import must not read. */
export const NAMES = ["location", "history", "sessionStorage", "localStorage", "document", "window", "crypto", "fetch", "navigator"] as const;

const saved = new Map<string, PropertyDescriptor | undefined>();

/** The names read since the last {@link poisonGlobals}. */
export const touched: string[] = [];

/** Replaces each global in {@link NAMES} by a getter that records the read and throws. */
export const poisonGlobals = (): void => {
  touched.length = 0;
  for (const name of NAMES) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        throw new Error(`global ${name} read during import`);
      },
    });
  }
};

/** Puts the globals back as they were. */
export const restoreGlobals = (): void => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
  saved.clear();
};
