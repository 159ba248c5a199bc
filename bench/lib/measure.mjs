// Timing with tinybench: every task runs in batches (one sample = the mean of one batch, so the
// timer's own cost does not swamp sub-microsecond work), and the whole set of tasks runs for
// several rounds, interleaved; a task's figure is the median of its per-round medians.
import { Bench } from "tinybench";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TIME_MS = Number(process.env.BENCH_TIME ?? 300);

/**
 * A task to time.
 * @typedef {object} Task
 * @property {string} name
 * @property {(input?: any) => unknown} fn - the work
 * @property {boolean} [async] - `fn` returns a promise, awaited inside the timed window
 * @property {number} [batch] - calls per sample (default 100)
 * @property {(n: number) => unknown[] | Promise<unknown[]>} [prepare] - untimed set-up before each
 *   batch of `n` calls; call i gets element i of the array it returns
 * @property {(inputs: unknown[]) => unknown} [after] - untimed clean-up after each batch
 */

/** @param {number[]} xs */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// Results go somewhere observable so that the engine cannot drop the work as dead code.
export let sink;

/**
 * One sample: `batch` calls of `fn`, timed together, with any set-up done first. The sample's time
 * is the calls' alone; what it costs against the task's time budget is the whole sample, set-up
 * and clean-up included, so that a cheap call with a costly set-up (fresh Requests) takes the
 * budget's wall-clock time and not many times more.
 */
const batched = ({ fn, async: isAsync = false, batch = 100, prepare, after }) => {
  if (isAsync) {
    return async () => {
      const start = performance.now();
      const inputs = prepare ? await prepare(batch) : [];
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) sink = await fn(inputs[i]);
      const ms = performance.now() - t0;
      await after?.(inputs);
      return { overriddenDuration: ms / batch, overriddenIterationCost: performance.now() - start };
    };
  }
  return () => {
    const start = performance.now();
    const inputs = prepare ? prepare(batch) : [];
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn(inputs[i]);
    const ms = performance.now() - t0;
    after?.(inputs);
    return { overriddenDuration: ms / batch, overriddenIterationCost: performance.now() - start };
  };
};

/**
 * Times `tasks` and returns, per task, its median time per call and the matching ops/s.
 * @param {Task[]} tasks
 * @returns {Promise<{ name: string, ns: number, hz: number }[]>}
 */
export const measure = async (tasks) => {
  const perRound = new Map(tasks.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME_MS, warmupTime: TIME_MS / 3, iterations: 16, throws: true });
    for (const task of tasks) bench.add(task.name, batched(task));
    await bench.run();
    for (const t of bench.tasks) perRound.get(t.name).push(t.result.latency.p50);
  }
  return tasks.map(({ name }) => {
    const ns = median(perRound.get(name)) * 1e6;
    return { name, ns, hz: 1e9 / ns };
  });
};

export const settings = { rounds: ROUNDS, timeMs: TIME_MS };
