import { AuthError } from "../protocol/errors";

/** A tiny typed emitter. */
export interface Emitter<E> {
  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void;
  /** Calls every listener of `event`; a listener that throws is reported and the rest still run. */
  emit<K extends keyof E>(event: K, payload: E[K]): void;
}

/**
 * Creates an emitter for the given event names.
 * @param names - the events there are, space-separated; subscribing to any other is an
 * `invalid_config` error
 */
export const createEmitter = <E>(names: string): Emitter<E> => {
  // A Map of the known names only: no other name (`constructor`, one set on Object.prototype) finds a set.
  const listeners = new Map(names.split(" ").map((name) => [name, new Set<(payload: E[keyof E]) => void>()]));
  return {
    on(event, listener) {
      const set = listeners.get(event as string);
      if (!set || typeof listener != "function") throw new AuthError("invalid_config", "on");
      const fn = listener as (payload: E[keyof E]) => void;
      set.add(fn);
      return () => void set.delete(fn);
    },
    emit(event, payload) {
      for (const listener of [...listeners.get(event as string)!]) {
        try {
          listener(payload);
        } catch (e) {
          // Report it as an uncaught error would be, without breaking the client.
          globalThis.reportError?.(e);
        }
      }
    },
  };
};
