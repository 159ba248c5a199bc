import { act, cleanup, render, screen } from "@testing-library/react";
import { StrictMode, createElement as h, useState, version, type ReactNode } from "react";
import { version as domVersion } from "react-dom";
import { hydrateRoot } from "react-dom/client";
import { renderToString, version as serverVersion } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { AuthProvider, SignedIn, useAuth } from "../../src/react";
import { loginWithPopup } from "../../src/session/popup";
import { restore } from "../../src/session/restore";
import { syncTabs } from "../../src/session/tabs";
import { isAuthError } from "../../src/protocol/errors";
import type { AuthProviderProps, AuthState } from "../../src/react";
import type { Client } from "../../src/client/types";
import type { IdTokenClaims } from "../../src/oidc/id-token";
import type { OidcToken } from "../../src/oidc/oidc-client";
import { MemoryStorage } from "../support/memory-storage";
import { API, fakePopup, flush, freshClientId, granted, handoff, makeClient, post, stateIn } from "../support/session";
import { signIn } from "../support/sign-in";

let storage: MemoryStorage;
const make = (extra = {}) => makeClient(storage, extra);

/** Every value useAuth() returned, in render order. */
let seen: AuthState[];
function Probe() {
  const auth = useAuth();
  seen.push(auth);
  const line = [auth.status, auth.token?.accessToken ?? "-", auth.error?.code ?? "-", auth.busy ? "busy" : "idle"];
  return h("p", { "data-testid": "auth" }, line.join(" "));
}
/** What the probe shows: status, access token, error code, busy. */
const shown = () => screen.getByTestId("auth").textContent;
const last = () => seen[seen.length - 1]!;

const provider = (props: AuthProviderProps, children: ReactNode = h(Probe)) => h(AuthProvider, props, children);

/** Puts an authorization response for a login `client` started into the address bar, as the server's redirect does. */
const redirectBack = async (client: Client, fragment = (state: string) => granted(state, "redirect-token")) => {
  const state = stateIn(await client.authorizationUrl());
  history.replaceState(null, "", "/cb#" + fragment(state));
};

beforeEach(() => {
  storage = new MemoryStorage();
  seen = [];
  history.replaceState(null, "", "/");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

declare module "vitest" {
  export interface ProvidedContext {
    /** The major version of React that the test project (vitest.config.mjs) runs these tests on. */
    react: string;
  }
}

// These tests run on React 19 (project dom) and 18 (project react-18): a project whose aliases
// failed would run the other version, and pass.
it("runs on the React version of its project, with react-dom of the same version", () => {
  expect(version.split(".")[0]).toBe(inject("react"));
  expect([domVersion, serverVersion]).toEqual([version, version]);
});

describe("AuthProvider: the start-up", () => {
  it("under StrictMode (double effects), and across remounts, handles the redirect and restores once per client", async () => {
    const client = make();
    await redirectBack(client);
    const handle = vi.spyOn(client, "handleRedirect");
    const start = vi.fn((c: Client) => restore(c, { tabs: false }));
    const app = () => h(StrictMode, null, provider({ client, start }));
    const view = render(app());
    expect(shown()).toBe("loading - - idle");
    await vi.waitFor(() => expect(shown()).toBe("signedIn redirect-token - idle"));
    expect(start).toHaveBeenCalledTimes(1);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(location.hash).toBe("");
    // A remount (a route change, a key change) finds the session, and starts nothing.
    view.unmount();
    render(app());
    expect(shown()).toBe("signedIn redirect-token - idle");
    await flush();
    expect([start.mock.calls.length, handle.mock.calls.length]).toEqual([1, 1]);
  });

  it("by default handles the redirect (handleRedirect) once, also with two providers of one client", async () => {
    const client = make();
    await redirectBack(client);
    const handle = vi.spyOn(client, "handleRedirect");
    render(h(StrictMode, null, provider({ client }, [h(Probe, { key: 1 }), h(AuthProvider, { client, key: 2 })])));
    await vi.waitFor(() => expect(shown()).toBe("signedIn redirect-token - idle"));
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it("a failed callback (the user denied) gives the error state with the server's AuthError", async () => {
    const client = make();
    await redirectBack(client, (state) => `error=access_denied&error_description=User+said+no&state=${state}`);
    render(h(StrictMode, null, provider({ client })));
    await vi.waitFor(() => expect(shown()).toBe("error - access_denied idle"));
    const { error } = last();
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: "access_denied", description: "User said no" });
  });

  it("a forged callback (a state that is no pending login) gives the error state with state_mismatch", async () => {
    history.replaceState(null, "", "/cb#" + granted("not-ours", "forged-token"));
    const client = make();
    render(provider({ client }));
    await vi.waitFor(() => expect(shown()).toBe("error - state_mismatch idle"));
    expect(client.getToken()).toBeNull();
  });

  it("a page without a response ends signed out; an app's start-up that throws something else ends in unexpected_error", async () => {
    render(provider({ client: make() }));
    await vi.waitFor(() => expect(shown()).toBe("signedOut - - idle"));
    cleanup();
    render(
      provider({
        client: make(),
        start: () => {
          throw new TypeError("boom");
        },
      }),
    );
    await vi.waitFor(() => expect(shown()).toBe("error - unexpected_error idle"));
    expect(last().error).toMatchObject({ name: "AuthError", description: "boom" });
  });

  it("hydrates server-rendered HTML (the loading state) without a mismatch, then handles the redirect once", async () => {
    const client = make();
    await redirectBack(client);
    const handle = vi.spyOn(client, "handleRedirect");
    const app = () => h(StrictMode, null, provider({ client }));
    const container = document.createElement("div");
    container.innerHTML = renderToString(app());
    expect(container.textContent).toBe("loading - - idle");
    expect(handle).not.toHaveBeenCalled();
    document.body.append(container);
    const recoverable = vi.fn();
    const root = await act(async () => hydrateRoot(container, app(), { onRecoverableError: recoverable }));
    await vi.waitFor(() => expect(container.textContent).toBe("signedIn redirect-token - idle"));
    expect(recoverable).not.toHaveBeenCalled();
    expect(handle).toHaveBeenCalledTimes(1);
    act(() => root.unmount());
    container.remove();
  });

  it("useAuth outside an AuthProvider throws invalid_config", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    // React 18's development build also dispatches what a render threw to the page's error
    // listeners (it replays the render in a fake event); expected here, so jsdom need not print it.
    const expected = (event: ErrorEvent) => event.preventDefault();
    addEventListener("error", expected);
    try {
      expect(() => render(h(Probe))).toThrow(expect.objectContaining({ name: "AuthError", code: "invalid_config" }));
    } finally {
      removeEventListener("error", expected);
    }
  });
});

describe("useAuth: the state after each event of the client", () => {
  it("token, expiring, a refused request (401 invalid_token), a new token, logout", async () => {
    const api = vi.fn(async () => new Response("", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } }));
    const client = make({ fetch: api, expiringNotice: 3599 });
    render(provider({ client }));
    await vi.waitFor(() => expect(shown()).toBe("signedOut - - idle"));
    await act(() => signIn(client, "first"));
    expect(shown()).toBe("signedIn first - idle");
    // expiring (emitted at once here: the token expires within expiringNotice) changes nothing.
    await act(() => new Promise((r) => setTimeout(r, 10)));
    expect(shown()).toBe("signedIn first - idle");
    await act(() => client.fetch(API + "/orders"));
    expect(shown()).toBe("signedOut - - idle");
    await act(() => signIn(client, "second"));
    expect(shown()).toBe("signedIn second - idle");
    act(() => client.logout());
    expect(shown()).toBe("signedOut - - idle");
  });

  it("keeps no token that outlives a logout: every render reads the client's current token", async () => {
    const client = make();
    await signIn(client, "held");
    let rerender = () => {};
    function Host() {
      const [, setN] = useState(0);
      rerender = () => setN((n) => n + 1);
      return h(Probe);
    }
    render(provider({ client }, h(Host)));
    await act(flush);
    expect(shown()).toBe("signedIn held - idle");
    // Even a logout whose event a listener missed: the next render, for any reason, shows none.
    const { token } = last();
    act(() => client.logout());
    act(() => rerender());
    expect(shown()).toBe("signedOut - - idle");
    expect(seen.slice(-2).every((s) => s.token === null)).toBe(true);
    expect(token?.accessToken).toBe("held");
  });

  it("the token expiring in the client is gone from the next render", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      const client = make({ clockSkew: 0 });
      await signIn(client, "short", "&expires_in=60");
      render(provider({ client }));
      await act(flush);
      expect(shown()).toBe("signedIn short - idle");
      act(() => vi.advanceTimersByTime(61_000));
      expect(shown()).toBe("signedOut - - idle");
    } finally {
      vi.useRealTimers();
    }
  });

  it("a logout in another tab (syncTabs) signs this tab out", async () => {
    const clientId = freshClientId();
    const [here, there] = [make({ clientId }), make({ clientId })];
    const stops = [syncTabs(here), syncTabs(there)];
    try {
      await signIn(here, "here");
      await signIn(there, "there");
      render(provider({ client: here }));
      expect(shown()).toBe("signedIn here - idle");
      act(() => there.logout());
      await vi.waitFor(() => expect(shown()).toBe("signedOut - - idle"));
    } finally {
      stops.forEach((stop) => stop());
    }
  });

  it("exposes the OpenID user from the token's verified claims, and null when signed out", async () => {
    const client = make();
    const users: (IdTokenClaims | null)[] = [];
    function User() {
      users.push(useAuth<OidcToken>().user);
      return null;
    }
    render(provider({ client }, h(User)));
    await flush();
    expect(users.at(-1)).toBeNull();
    // A token as createOidcClient holds it: its claims verified before it is held (here: added
    // as it arrives, before React renders).
    const claims = { iss: "https://id.example.com", sub: "alice", aud: "spa", exp: 2e9, iat: 1e9, name: "Alice" };
    client.on("token", (token) => Object.assign(token, { claims }));
    await act(() => signIn(client, "oidc"));
    expect(users.at(-1)).toMatchObject({ sub: "alice", name: "Alice" });
    act(() => client.logout());
    expect(users.at(-1)).toBeNull();
  });
});

describe("useAuth: actions", () => {
  it("a second sign-in while one runs is not started (redirect login: until the page comes back from the cache)", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...location, assign, href: location.href, origin: location.origin, pathname: location.pathname });
    const client = make();
    const authorize = vi.spyOn(client, "login");
    render(provider({ client, start: () => undefined }));
    await vi.waitFor(() => expect(shown()).toBe("signedOut - - idle"));
    await act(async () => {
      const a = last().login();
      const b = last().login();
      const c = last().stepUp({ acrValues: "mfa" });
      await Promise.all([a, b, c]);
    });
    expect(authorize).toHaveBeenCalledTimes(1);
    expect(assign).toHaveBeenCalledTimes(1);
    // The page is leaving for the server: still one sign-in running, a click starts none.
    expect(shown()).toBe("signedOut - - busy");
    await act(() => last().login());
    expect(assign).toHaveBeenCalledTimes(1);
    // Back from the back-forward cache: a sign-in can start again.
    act(() => void dispatchEvent(new Event("pageshow")));
    expect(shown()).toBe("signedOut - - idle");
    await act(() => last().stepUp({ acrValues: ["mfa", "hwk"], maxAge: 0, extraParams: { ui_locales: "de" } }));
    expect(assign).toHaveBeenCalledTimes(2);
    const url = new URL(assign.mock.lastCall![0] as string);
    expect([url.searchParams.get("acr_values"), url.searchParams.get("max_age"), url.searchParams.get("ui_locales")]).toEqual(["mfa hwk", "0", "de"]);
    expect(url.searchParams.get("scope")).toBe("profile");
    // More scope: what the token has, plus what was asked for.
    act(() => void dispatchEvent(new Event("pageshow")));
    await act(() => signIn(client, "t", "&scope=profile%20orders:read"));
    await act(() => last().stepUp({ scope: "orders:write orders:read" }));
    expect(new URL(assign.mock.lastCall![0] as string).searchParams.get("scope")).toBe("profile orders:read orders:write");
  });

  it("popup sign-in: one popup at a time, the token on success, the AuthError on failure", async () => {
    let popup = fakePopup();
    const open = vi.fn(() => popup);
    vi.stubGlobal("open", open);
    const client = make();
    render(provider({ client, loginWithPopup, start: () => undefined }));
    await vi.waitFor(() => expect(shown()).toBe("signedOut - - idle"));
    let first!: Promise<unknown>;
    act(() => {
      first = last().loginWithPopup();
      void last().loginWithPopup();
      void last().stepUp({ popup: true, acrValues: "mfa" });
    });
    // Opened synchronously, in the click, and once.
    expect(open).toHaveBeenCalledTimes(1);
    expect(shown()).toBe("signedOut - - busy");
    await vi.waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
    const state = stateIn(popup.location.replace.mock.lastCall![0]);
    await act(async () => {
      post(handoff(granted(state, "popup-token"), "http://localhost:3000/cb"), popup as unknown as Window);
      await first;
    });
    expect(shown()).toBe("signedIn popup-token - idle");
    // The user closes the next popup: the error state names it, and the client is still signed in.
    popup = fakePopup();
    let second!: Promise<unknown>;
    act(() => void (second = last().stepUp({ popup: true, acrValues: "mfa" })));
    // Seen on the server's page first (its location unreadable): a popup closed from there was
    // closed by the user, not cut off by Cross-Origin-Opener-Policy.
    await vi.waitFor(() => expect(popup.location.replace).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 700));
    popup.closed = true;
    await act(async () => {
      await second;
    });
    expect(shown()).toBe("signedIn popup-token popup_closed idle");
    expect(open).toHaveBeenCalledTimes(2);
  });

  it("loginWithPopup without the function given to the provider: invalid_config, no window opened", async () => {
    const open = vi.fn();
    vi.stubGlobal("open", open);
    render(provider({ client: make(), start: () => undefined }));
    await act(() => last().loginWithPopup());
    expect(shown()).toBe("error - invalid_config idle");
    expect(open).not.toHaveBeenCalled();
  });

  it("logout and signOut forget the token (signOut through the function given, else a local logout)", async () => {
    const client = make();
    await signIn(client, "a");
    const signOut = vi.fn((c: Client) => c.logout());
    render(provider({ client, signOut, start: () => undefined }));
    await act(() => last().signOut());
    expect(signOut).toHaveBeenCalledWith(client);
    expect(shown()).toBe("signedOut - - idle");
    await act(() => signIn(client, "b"));
    cleanup();
    render(provider({ client, start: () => undefined }));
    expect(shown()).toBe("signedIn b - idle");
    act(() => last().logout());
    expect(shown()).toBe("signedOut - - idle");
  });
});

describe("SignedIn", () => {
  it("shows loading, then the fallback, then its children once signed in, and the fallback again after logout", async () => {
    const client = make();
    const gate = h(SignedIn, { fallback: h("p", null, "please sign in"), loading: h("p", null, "loading") }, h("p", null, "secret"));
    render(provider({ client }, gate));
    expect(document.body.textContent).toBe("loading");
    await vi.waitFor(() => expect(document.body.textContent).toBe("please sign in"));
    await act(() => signIn(client));
    expect(document.body.textContent).toBe("secret");
    act(() => client.logout());
    expect(document.body.textContent).toBe("please sign in");
  });
});
