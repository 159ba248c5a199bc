// Every path that makes a token checked against the same rules, one table: a redirect, a hidden
// frame (renew), a popup (loginWithPopup), another tab (askTabs) and a refresh (the code flow).
// Each path runs through the pipeline's stages or hands over a token already made; whichever it
// is, the rules hold the same:
// - `expiresAt` is the time of arrival plus `expires_in` less `clockSkew` (a token from another
//   tab keeps the expiry that tab computed: never extended);
// - the client holds it and emits `token` once;
// - a token of a type the client does not use is refused, and nothing is held;
// - no token is written to storage.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { loginWithPopup } from "../../src/session/popup";
import { renew } from "../../src/session/renew";
import { askTabs, syncTabs } from "../../src/session/tabs";
import type { Client, Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT, SILENT, fakePopup, flush, freshClientId, handoff, nextFrame, post, stateIn, tokensOf } from "../support/session";

const TOKEN_ENDPOINT = "https://id.example.com/token";
const NOW = 1_700_000_000_000;
const SKEW = 45;

/** What the server answers: the token's parameters. */
interface Answer {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

let storage: MemoryStorage;
let clientId: string;
let answer: Answer;
const stops: (() => void)[] = [];

const fragmentOf = (state: string, a: Answer) =>
  `access_token=${a.accessToken}&token_type=${a.tokenType}&expires_in=${a.expiresIn}&state=${encodeURIComponent(state)}`;

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
// The token endpoint of the code flow: a code or a refresh token buys the current answer.
const tokenEndpoint = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
  json({ access_token: answer.accessToken, token_type: answer.tokenType, expires_in: answer.expiresIn, refresh_token: "rt" }),
);

const implicit = (): Client =>
  createClient({ authorizationEndpoint: ENDPOINT, clientId, redirectUri: CALLBACK, silentRedirectUri: SILENT, storage, clockSkew: SKEW });
const withCode = (): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN_ENDPOINT,
    clientId,
    redirectUri: CALLBACK,
    storage,
    clockSkew: SKEW,
    flow: codeFlow,
    fetch: tokenEndpoint as typeof fetch,
  });

/** A path that makes a token: returns the client it made one for, and the outcome. */
interface Path {
  name: string;
  make(): Client;
  /** Gets a token made of `answer` (the one made before, for tabs), or rejects. */
  run(client: Client): Promise<Token | null>;
  /** Whether the path reads `answer` itself (tabs hand over a token that another tab made). */
  fromServer: boolean;
}

const paths: Path[] = [
  {
    name: "redirect",
    make: implicit,
    fromServer: true,
    run: async (client) => {
      const state = stateIn(await client.authorizationUrl());
      return (await client.handleRedirect(CALLBACK + "#" + fragmentOf(state, answer)))!.token;
    },
  },
  {
    name: "frame (renew)",
    make: implicit,
    fromServer: true,
    run: async (client) => {
      const renewal = renew(client);
      const frame = await nextFrame();
      post(handoff(fragmentOf(stateIn(frame.src), answer)), frame.contentWindow);
      return renewal;
    },
  },
  {
    name: "popup (loginWithPopup)",
    make: implicit,
    fromServer: true,
    run: async (client) => {
      const popup = fakePopup();
      vi.stubGlobal("open", () => popup);
      const login = loginWithPopup(client);
      for (let i = 0; i < 50 && !popup.location.replace.mock.calls.length; i++) await flush();
      const state = stateIn(popup.location.replace.mock.lastCall![0]);
      post(handoff(fragmentOf(state, answer), CALLBACK), popup as unknown as Window);
      return (await login).token;
    },
  },
  {
    name: "refresh (code flow)",
    make: withCode,
    fromServer: true,
    run: async (client) => {
      // Signed in first with a good token; the refresh then buys `answer`.
      const wanted = answer;
      answer = { accessToken: "first", tokenType: "Bearer", expiresIn: 3600 };
      const state = stateIn(await client.authorizationUrl());
      await client.handleRedirect(CALLBACK + "?code=c&state=" + encodeURIComponent(state));
      answer = wanted;
      // The refresh itself (renew() would fall back to the frame when it is refused).
      return internalsOf(client).hooks.refresh!({});
    },
  },
  {
    name: "another tab (askTabs)",
    make: implicit,
    fromServer: false,
    run: async (client) => {
      const other = implicit();
      stops.push(syncTabs(other, { shareTokens: true }));
      const state = stateIn(await other.authorizationUrl());
      await other.handleRedirect(CALLBACK + "#" + fragmentOf(state, answer)).catch(() => null);
      return askTabs(client);
    },
  },
];

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
  storage = new MemoryStorage();
  clientId = freshClientId();
  answer = { accessToken: "the-token", tokenType: "Bearer", expiresIn: 600 };
  tokenEndpoint.mockClear();
  history.replaceState(null, "", "/");
});
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  document.querySelectorAll("iframe").forEach((f) => f.remove());
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe.each(paths)("a token made by $name", (path) => {
  it("expires expires_in less clockSkew after it arrived, is held, and is emitted once", async () => {
    const client = path.make();
    const seen = tokensOf(client);
    const token = await path.run(client);
    expect(token).toMatchObject({ accessToken: "the-token", tokenType: "Bearer" });
    // From the server: computed on arrival, with this client's clockSkew. From a tab: that tab's
    // own figure (same clock and skew here), never more.
    expect(token!.expiresAt).toBe(NOW + (600 - SKEW) * 1000);
    expect(client.getToken()).toEqual(token);
    expect(seen.filter((t) => t.accessToken == "the-token")).toHaveLength(1);
    expect(JSON.stringify(storage.writes)).not.toContain("the-token");
  });

  it("of a type the client does not use is refused, and nothing is held", async () => {
    const client = path.make();
    answer = { ...answer, tokenType: "mac" };
    const outcome = await path.run(client).then(
      (token) => token,
      (e) => e,
    );
    if (path.fromServer) expect(outcome).toMatchObject({ name: "AuthError", code: "unsupported_token_type" });
    else expect(outcome).toBeNull(); // no tab holds one to share
    expect(client.getToken()?.accessToken).not.toBe("the-token");
  });
});

it("the refresh path takes clockSkew off expires_in (a refresh without it would outlive the token)", async () => {
  const client = withCode();
  const token = await paths.find((p) => p.name.startsWith("refresh"))!.run(client);
  expect(token!.expiresAt).toBe(NOW + (600 - SKEW) * 1000);
  expect(tokenEndpoint.mock.calls.map(([, init]) => new URLSearchParams(String(init!.body)).get("grant_type"))).toEqual([
    "authorization_code",
    "refresh_token",
  ]);
});
