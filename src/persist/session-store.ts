import type { BindingKeyPair, Grant } from "../client/internals";

/** What persistence keeps of a session: a DPoP-bound grant and the key pair it is bound to. */
export interface StoredSession extends Grant {
  /** Non-extractable private key, kept by structured clone: it can sign, never be read out. */
  key: BindingKeyPair;
}

/** The stored sessions of one database, by client (see {@link openSessionStore}). */
export interface SessionStore {
  /** The session stored under `id`, as stored (unchecked), or undefined. */
  read(id: string): Promise<unknown>;
  /**
   * Replaces the session under `id` with `next` (undefined deletes it), but only while the stored
   * one still holds the refresh token `expected` (undefined: none stored), in one transaction.
   * @returns whether it was replaced
   */
  swap(id: string, expected: string | undefined, next: StoredSession | undefined): Promise<boolean>;
  /** Stores `next` under `id` (undefined deletes it), whatever was there. */
  put(id: string, next: StoredSession | undefined): Promise<void>;
}

const STORE = "sessions";

// An IDBRequest as a promise.
const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * Opens (creating it when needed) the IndexedDB database `name` with one object store of sessions.
 * The database is opened on first use; every operation rejects when IndexedDB is unavailable.
 *
 * @param factory - the `IDBFactory` (the browser's `indexedDB`)
 * @param name - the database name
 */
export const openSessionStore = (factory: IDBFactory | undefined, name: string): SessionStore => {
  let db: Promise<IDBDatabase> | undefined;
  const open = () =>
    (db ||= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory!.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  // Runs `work` in one transaction and resolves its result once the transaction has committed
  // (a write is only done when it is on disk for the other tabs).
  const transact = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    const tx = (await open()).transaction(STORE, mode);
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    const result = await work(tx.objectStore(STORE));
    await committed;
    return result;
  };
  const write = (store: IDBObjectStore, id: string, next: StoredSession | undefined) =>
    done((next ? store.put(next, id) : store.delete(id)) as IDBRequest<unknown>);
  return {
    read: (id) => transact("readonly", (store) => done(store.get(id))),
    swap: (id, expected, next) =>
      transact("readwrite", async (store) => {
        const current = (await done(store.get(id))) as { refreshToken?: unknown } | undefined;
        if (current?.refreshToken !== expected) return false;
        await write(store, id, next);
        return true;
      }),
    put: (id, next) => transact("readwrite", async (store) => void (await write(store, id, next))),
  };
};
