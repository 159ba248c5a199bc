import type { StorageLike } from "../../src/index";

/** A Storage-like map that records every write, for asserting what was (never) stored. */
export class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  readonly writes: string[] = [];
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes.push(value);
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

/** A storage that throws like a disabled or full Web Storage. */
export const brokenStorage = (name = "QuotaExceededError"): StorageLike => {
  const fail = () => {
    throw new DOMException("no storage", name);
  };
  return { getItem: fail, setItem: fail, removeItem: fail };
};
