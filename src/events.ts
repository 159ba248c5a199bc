import { AuthError } from "./errors";

/** A tiny typed emitter. */
export interface Emitter<E> {
  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void;
  /** Calls every listener of `event`; a listener that throws is reported and the rest still run. */
  emit<K extends keyof E>(event: K, payload: E[K]): void;
}

/**
 * Creates an emitter for the given event names.
 * @param names - matches the events there are; subscribing to any other is an `invalid_config` error
 */
export const createEmitter = <E>(names: RegExp): Emitter<E> => {
  const listeners = new Map<keyof E, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      if (!names.test(String(event)) || typeof listener != "function") {
        throw new AuthError("invalid_config", "on");
      }
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const fn = listener as (payload: never) => void;
      set.add(fn);
      return () => void set.delete(fn);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) || [])]) {
        try {
          (listener as (payload: E[typeof event]) => void)(payload);
        } catch (e) {
          // Report it as an uncaught error would be, without breaking the client.
          if (typeof reportError == "function") reportError(e);
        }
      }
    },
  };
};
