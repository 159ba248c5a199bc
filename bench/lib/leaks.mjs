// What a long-lived page could accumulate: timers still armed, objects still reachable, heap.
// Needs `node --expose-gc` for forced collections.
import v8 from "node:v8";

/**
 * Counts the timers armed from now on through the global setTimeout/setInterval and not yet
 * fired or cleared.
 * @returns {{ live: () => number, stop: () => void }}
 */
export const countTimers = () => {
  const saved = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  const live = new Set();
  // Node's timers are objects that also convert to a number id; either may be passed to clear.
  const byId = new Map();
  const forget = (handle) => {
    const timer = typeof handle === "object" ? handle : byId.get(handle);
    if (!timer) return;
    live.delete(timer);
    byId.delete(+timer);
  };
  const remember = (timer) => {
    live.add(timer);
    byId.set(+timer, timer);
    return timer;
  };
  globalThis.setTimeout = (fn, ms, ...args) => {
    const timer = saved.setTimeout(
      (...a) => {
        forget(timer);
        return fn(...a);
      },
      ms,
      ...args,
    );
    return remember(timer);
  };
  globalThis.setInterval = (fn, ms, ...args) => remember(saved.setInterval(fn, ms, ...args));
  globalThis.clearTimeout = (handle) => {
    forget(handle);
    return saved.clearTimeout(handle);
  };
  globalThis.clearInterval = (handle) => {
    forget(handle);
    return saved.clearInterval(handle);
  };
  return {
    live: () => live.size,
    stop: () => Object.assign(globalThis, saved),
  };
};

/**
 * Follows a sample of objects to find out how many are still reachable after collection.
 * @returns {{ track: (object: object) => void, retained: () => number, tracked: () => number }}
 */
export const retention = () => {
  let tracked = 0;
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  return {
    track(object) {
      tracked++;
      registry.register(object, undefined);
    },
    retained: () => tracked - collected,
    tracked: () => tracked,
  };
};

if (typeof globalThis.gc !== "function") {
  throw new Error("the memory checks need forced garbage collection: run node with --expose-gc");
}

/**
 * The bytes of objects that survived collection: V8's old and large-object spaces, without the
 * young generation (refilled at once by whatever runs next) and compiled code (the JIT's).
 */
const survivors = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => !/^(new|code)_/.test(s.space_name))
    .reduce((sum, s) => sum + s.space_used_size, 0);

/** Collects until the heap settles (finalizers run between passes); returns {@link survivors}. */
export const settledHeap = async () => {
  let used = Infinity;
  for (let pass = 0; pass < 10; pass++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    const now = survivors();
    if (pass >= 3 && Math.abs(now - used) < 1024) return now;
    used = now;
  }
  return used;
};
