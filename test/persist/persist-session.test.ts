// persistSession in jsdom, with fake-indexeddb as the store, a small Web Locks fake shared by the
// "tabs" (clients of one test), and a fake token endpoint that rotates refresh tokens and tells
// a refresh token sent twice.
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { dpop } from "../../src/dpop/dpop";
import { persistSession } from "../../src/persist/persist-session";
import { renew } from "../../src/session/renew";
import type { Client, ClientOptions } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT } from "../support/session";

/** A stored session as the tests read and spoil it (IndexedDB gives it back by structured clone). */
type StoredRecord = { key: { privateKey: CryptoKey; publicKey: CryptoKey; jwk?: unknown }; refreshToken?: string; scope?: unknown; [name: string]: unknown };

const TOKEN = "https://id.example.com/token";
const API = "https://api.example.com";

type Call = { body: URLSearchParams; dpop: string | null };
let calls: Call[];
let issued: number;
let idb: IDBFactory;
let storage: MemoryStorage;
/** The token endpoint's answer; by default a DPoP token with a new refresh token. */
let tokenAnswer: (call: Call) => Response | Promise<Response>;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const dpopToken = () => {
  issued += 1;
  return json({ access_token: "at-" + issued, token_type: "DPoP", expires_in: 3600, refresh_token: "rt-" + issued, scope: "profile" });
};

const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
  const call = { body: new URLSearchParams(String(init.body)), dpop: new Headers(init.headers).get("DPoP") };
  calls.push(call);
  return tokenAnswer(call);
};

/** Web Locks as one browser has them: exclusive, granted in the order asked, per name. */
const createLocks = () => {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request: ((name: string, _opts: LockOptions, task: () => Promise<unknown>) => {
      const run = (tails.get(name) ?? Promise.resolve()).then(() => task());
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    }) as LockManager["request"],
  };
};
let locks: ReturnType<typeof createLocks>;

/** A tab: a new page load with its own client, sharing IndexedDB and the locks. */
const tab = (extra: Partial<ClientOptions> = {}, persist = true): Client => {
  const client = createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN,
    clientId: "spa",
    redirectUri: CALLBACK,
    scope: ["profile"],
    resourceOrigins: [API],
    storage,
    fetch: fetchFn as typeof fetch,
    flow: codeFlow,
    dpop,
    ...extra,
  });
  if (persist) persistSession(client, { indexedDB: idb, locks });
  return client;
};

const signIn = async (client: Client) => {
  const sent = new URL(await client.authorizationUrl()).searchParams;
  return (await client.handleRedirect(CALLBACK + "?code=code-1&state=" + encodeURIComponent(sent.get("state")!)))!.token;
};

/** Everything in the store, as stored. */
const stored = () =>
  new Promise<unknown[]>((resolve, reject) => {
    const open = idb.open("implicitly");
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("sessions")) return resolve([]);
      const request = db.transaction("sessions").objectStore("sessions").getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    };
  });
/** Waits until the writes queued by a token or logout event have landed. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const part = (text: string) => JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
const proofJwk = (proof: string | null) => part(proof!.split(".")[0]!).jwk;

beforeEach(() => {
  idb = new IDBFactory();
  locks = createLocks();
  storage = new MemoryStorage();
  calls = [];
  issued = 0;
  tokenAnswer = dpopToken;
  history.replaceState(null, "", "/");
});

describe("persistSession: set-up", () => {
  it("needs the code flow and dpop: a Bearer refresh token is never stored", () => {
    const noDpop = createClient({ authorizationEndpoint: ENDPOINT, tokenEndpoint: TOKEN, clientId: "spa", redirectUri: CALLBACK, storage, flow: codeFlow });
    expect(() => persistSession(noDpop, { indexedDB: idb })).toThrow(expect.objectContaining({ code: "invalid_config", description: "persistSession" }));
    const implicit = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: CALLBACK, storage });
    expect(() => persistSession(implicit, { indexedDB: idb })).toThrow(expect.objectContaining({ code: "invalid_config" }));
    expect(() => persistSession({} as Client)).toThrow(expect.objectContaining({ code: "invalid_config" }));
  });
});

describe("persistSession: what is stored", () => {
  it("stores the refresh token, its scope and the non-extractable key; never the access token", async () => {
    const client = tab();
    await signIn(client);
    await settle();
    const [record, ...more] = (await stored()) as StoredRecord[];
    expect(more).toEqual([]);
    expect(Object.keys(record!).sort()).toEqual(["key", "refreshToken", "scope"]);
    expect(record).toMatchObject({ refreshToken: "rt-1", scope: ["profile"] });
    expect(record!.key.privateKey).toBeInstanceOf(CryptoKey);
    expect(record!.key.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", record!.key.privateKey)).rejects.toThrow();
    // The key stored is the one the token is bound to (the exchange's proof).
    expect(record!.key.jwk).toEqual(proofJwk(calls[0]!.dpop));
    expect(JSON.stringify(record)).not.toContain("at-1");
  });

  it("logout() deletes it", async () => {
    const client = tab();
    await signIn(client);
    client.logout();
    await settle();
    expect(await stored()).toEqual([]);
  });

  it("a logout right after sign-in is not overtaken by the sign-in's save", async () => {
    const client = tab();
    await signIn(client);
    client.logout(); // the save (waiting for the key) was queued first
    await settle();
    expect(await stored()).toEqual([]);
  });
});

describe("persistSession: a reload", () => {
  it("refreshes with the stored token and key: one request, no frame, and the rotated token is stored", async () => {
    await signIn(tab());
    await settle();
    const signInJwk = proofJwk(calls[0]!.dpop);
    const reloaded = tab();
    const frames = vi.spyOn(document, "createElement");
    const token = await renew(reloaded);
    expect(token).toMatchObject({ accessToken: "at-2", tokenType: "DPoP" });
    expect(frames).not.toHaveBeenCalledWith("iframe");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body.get("refresh_token")).toBe("rt-1");
    expect(proofJwk(calls[1]!.dpop)).toEqual(signInJwk);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-2" }]);
    // The resource requests use the stored key too.
    expect(internalsOf(reloaded).grant!.get()).toEqual({ refreshToken: "rt-2", scope: ["profile"] });
  });

  it("without persistence, a reload has no refresh token (the frame's turn)", async () => {
    await signIn(tab({}, false));
    await expect(internalsOf(tab({}, false)).hooks.refresh!({})).rejects.toMatchObject({ code: "login_required" });
    expect(calls).toHaveLength(1);
  });

  it("a refusal (invalid_grant) deletes the stored session", async () => {
    await signIn(tab());
    await settle();
    tokenAnswer = () => json({ error: "invalid_grant" }, 400);
    await expect(internalsOf(tab()).hooks.refresh!({})).rejects.toMatchObject({ code: "invalid_grant" });
    expect(await stored()).toEqual([]);
  });

  it("a network failure keeps the stored session", async () => {
    await signIn(tab());
    await settle();
    tokenAnswer = () => Promise.reject(new TypeError("Failed to fetch"));
    const reloaded = tab();
    await expect(internalsOf(reloaded).hooks.refresh!({})).rejects.toMatchObject({ code: "dpop_network" });
    expect(await stored()).toMatchObject([{ refreshToken: "rt-1" }]);
    reloaded.logout(); // stops the retries
  });

  it.each([
    [
      "an extractable key",
      async (r: StoredRecord) => (r.key.privateKey = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"])).privateKey),
    ],
    ["a refresh token outside VSCHAR", async (r: StoredRecord) => (r.refreshToken = "rt\n1")],
    ["no key", async (r: StoredRecord) => delete (r as Partial<StoredRecord>).key],
    [
      "a key inherited from the prototype",
      async (r: StoredRecord) => ((r = Object.setPrototypeOf(r, { key: r.key }) as StoredRecord), delete (r as Partial<StoredRecord>).key),
    ],
    ["a scope that is not a list", async (r: StoredRecord) => (r.scope = "profile")],
  ])("refuses a stored session with %s (invalid_response), deletes it and sends nothing", async (_name, spoil) => {
    await signIn(tab());
    await settle();
    const [record] = (await stored()) as StoredRecord[];
    await spoil(record);
    await new Promise<void>((resolve) => {
      const open = idb.open("implicitly");
      open.onsuccess = () => {
        const tx = open.result.transaction("sessions", "readwrite");
        tx.objectStore("sessions").put(record, "spa " + ENDPOINT);
        tx.oncomplete = () => resolve();
      };
    });
    await expect(internalsOf(tab()).hooks.refresh!({})).rejects.toMatchObject({ code: "invalid_response" });
    expect(calls).toHaveLength(1);
    expect(await stored()).toEqual([]);
  });
});

describe("persistSession: tokens for other APIs (resources)", () => {
  const BILLING = "https://billing.example.com";
  const forBilling = (client: Client) => internalsOf(client).refreshFor!({ resource: BILLING }, ["invoices"]);
  const refreshTokensSent = () => calls.map((call) => call.body.get("refresh_token"));

  it("rotate the stored refresh token too: the next refresh, in a reload, sends the rotated one", async () => {
    const first = tab();
    await signIn(first);
    await settle();
    await forBilling(first); // rt-1 → rt-2
    expect(calls[1]!.body.get("resource")).toBe(BILLING);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-2" }]);
    await internalsOf(first).hooks.refresh!({});
    await internalsOf(tab()).hooks.refresh!({});
    expect(refreshTokensSent()).toEqual([null, "rt-1", "rt-2", "rt-3"]);
  });

  it("come from the stored session after a reload, before any refresh of the tab's own token", async () => {
    await signIn(tab());
    await settle();
    const token = await forBilling(tab());
    expect(token.tokenType).toBe("DPoP");
    expect(refreshTokensSent()).toEqual([null, "rt-1"]);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-2" }]);
  });

  it("take turns with other refreshes, in this tab and in others: each refresh token is sent once", async () => {
    const first = tab();
    await signIn(first);
    await settle();
    const other = tab();
    await Promise.all([forBilling(first), internalsOf(other).hooks.refresh!({}), internalsOf(first).hooks.refresh!({}), forBilling(other)]);
    expect(refreshTokensSent()).toEqual([null, "rt-1", "rt-2", "rt-3", "rt-4"]);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-5" }]);
  });

  it("take turns in one tab without Web Locks too", async () => {
    const first = createClient({
      authorizationEndpoint: ENDPOINT,
      tokenEndpoint: TOKEN,
      clientId: "spa",
      redirectUri: CALLBACK,
      scope: ["profile"],
      storage,
      fetch: fetchFn as typeof fetch,
      flow: codeFlow,
      dpop,
    });
    // The page's navigator has no Web Locks (as jsdom's): the tab keeps its own turns.
    expect(globalThis.navigator.locks).toBeUndefined();
    persistSession(first, { indexedDB: idb });
    await signIn(first);
    await settle();
    await Promise.all([forBilling(first), internalsOf(first).hooks.refresh!({}), forBilling(first)]);
    expect(refreshTokensSent()).toEqual([null, "rt-1", "rt-2", "rt-3"]);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-4" }]);
  });
});

describe("persistSession: many tabs", () => {
  it("tabs refreshing at once take turns: each refresh token is sent exactly once, the last one stays", async () => {
    await signIn(tab());
    await settle();
    const [a, b, c] = [tab(), tab(), tab()];
    const tokens = await Promise.all([a, b, c].map((t) => internalsOf(t).hooks.refresh!({})));
    const sent = calls.slice(1).map((call) => call.body.get("refresh_token"));
    expect(sent).toEqual(["rt-1", "rt-2", "rt-3"]);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(3);
    expect(await stored()).toMatchObject([{ refreshToken: "rt-4" }]);
  });

  it("a tab that held the old refresh token uses the rotated one", async () => {
    const first = tab();
    await signIn(first);
    await settle();
    await internalsOf(tab()).hooks.refresh!({}); // another tab rotates rt-1 → rt-2
    await internalsOf(first).hooks.refresh!({});
    expect(calls.map((call) => call.body.get("refresh_token"))).toEqual([null, "rt-1", "rt-2"]);
  });

  it("a sign-out in one tab: the other tab refreshes nothing and is signed out", async () => {
    const first = tab();
    await signIn(first);
    await settle();
    const second = tab();
    await internalsOf(second).hooks.refresh!({});
    first.logout();
    await settle();
    const logouts = vi.fn();
    second.on("logout", logouts);
    await expect(internalsOf(second).hooks.refresh!({})).rejects.toMatchObject({ code: "login_required" });
    expect(calls).toHaveLength(2);
    expect(second.getToken()).toBeNull();
    expect(logouts).toHaveBeenCalledOnce();
    expect(await stored()).toEqual([]);
  });

  it("a refresh that lands after a sign-out in another tab does not bring the session back", async () => {
    const first = tab();
    await signIn(first);
    await settle();
    let answer!: () => void;
    tokenAnswer = () => new Promise<Response>((resolve) => (answer = () => resolve(dpopToken())));
    const second = tab();
    const refreshing = internalsOf(second).hooks.refresh!({});
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    first.logout();
    await settle();
    answer();
    await expect(refreshing).rejects.toMatchObject({ code: "login_required" });
    expect(second.getToken()).toBeNull();
    await settle();
    expect(await stored()).toEqual([]);
  });

  it("a sign-in in another tab replacing the stored session during a refresh: nobody is signed out, and the next refresh takes the new session", async () => {
    await signIn(tab());
    await settle();
    let answer!: () => void;
    tokenAnswer = () => new Promise<Response>((resolve) => (answer = () => resolve(dpopToken())));
    const second = tab();
    const logouts = vi.fn();
    second.on("logout", logouts);
    const refreshing = internalsOf(second).hooks.refresh!({});
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    // Another tab signs in anew meanwhile (its own code exchange).
    tokenAnswer = dpopToken;
    const third = tab();
    void signIn(third);
    await vi.waitFor(() => expect(calls).toHaveLength(3));
    await settle();
    answer();
    await expect(refreshing).resolves.toMatchObject({ tokenType: "DPoP" });
    expect(logouts).not.toHaveBeenCalled();
    const [record] = (await stored()) as { refreshToken: string }[];
    expect(record!.refreshToken).toBe(internalsOf(third).grant!.get()!.refreshToken);
    await internalsOf(second).hooks.refresh!({});
    expect(calls.at(-1)!.body.get("refresh_token")).toBe(record!.refreshToken);
  });
});
