// @vitest-environment jsdom
// resources(): one token per API (RFC 8707) through the whole client in jsdom, with a fake token
// endpoint and fake APIs behind `fetch`: which request gets which token, the refresh with
// `resource`, the frame with `resource`, each token's own expiry, events and 401, logout, and the
// configuration's checks.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/client";
import { createOidcClient } from "../../src/compose/create-oidc-client";
import { internalsOf } from "../../src/client/internals";
import { codeFlow } from "../../src/code/code-flow";
import { renew } from "../../src/session/renew";
import { resources, type ResourceToken } from "../../src/resources/resources";
import type { Client, ClientOptions, Token } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT, SILENT, flush, granted, handoff, nextFrame, post, stateIn } from "../support/session";

const TOKEN = "https://id.example.com/token";
const APP_API = "https://app-api.example.com";
const PROFILE = "https://profile.example.com";
const BILLING = "https://billing.example.com";

let storage: MemoryStorage;
/** Every request sent: its URL and init. */
let sent: { url: string; init: RequestInit }[];
/** What the token endpoint answers next. */
let answer: (form: URLSearchParams) => Response;
let issued = 0;
/** What the APIs answer (a function of the request). */
let api: (url: string, init: RequestInit) => Response;

/** An audience as a token names it (token characters only). */
const aud = (resource: string) => resource.replace(/\W/g, "_");
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
/** A rotating token endpoint: each access token names its audience (the `resource` asked, or "main"). */
const rotating = (form: URLSearchParams) => {
  issued += 1;
  return json({
    access_token: `at-${issued}-${aud(form.get("resource") ?? "main")}`,
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: "rt-" + issued,
    ...(form.get("scope") ? { scope: form.get("scope") } : {}),
  });
};

const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  sent.push({ url, init: init ?? {} });
  if (url == TOKEN) return answer(new URLSearchParams(String(init!.body)));
  return api(url, init ?? {});
});

const authorizationOf = (init: RequestInit) => (init.headers as Record<string, string> | undefined)?.Authorization;
/** The Authorization header of every request sent to `origin`. */
const sentTo = (origin: string) => sent.filter((s) => new URL(s.url).origin == origin).map((s) => authorizationOf(s.init));
/** The forms sent to the token endpoint. */
const forms = () => sent.filter((s) => s.url == TOKEN).map((s) => Object.fromEntries(new URLSearchParams(String(s.init.body))));

const make = (extra: Partial<ClientOptions> = {}): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    tokenEndpoint: TOKEN,
    clientId: "spa",
    redirectUri: CALLBACK,
    silentRedirectUri: SILENT,
    scope: ["profile:read", "invoices"],
    resourceOrigins: [APP_API],
    storage,
    fetch: fetchFn as typeof fetch,
    flow: codeFlow,
    ...extra,
  });

/** A client of the implicit grant: no refresh token, so an API's token comes from the frame. */
const makeImplicit = (): Client =>
  createClient({
    authorizationEndpoint: ENDPOINT,
    clientId: "spa",
    redirectUri: CALLBACK,
    silentRedirectUri: SILENT,
    scope: ["profile:read", "invoices"],
    storage,
    fetch: fetchFn as typeof fetch,
  });

const APIS = [
  { url: PROFILE, scope: ["profile:read"] },
  { url: BILLING + "/v1", resource: BILLING, scope: "invoices" },
];

/** Signs in through a code response in the query. */
const signIn = async (client: Client) => {
  const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
  return (await client.handleRedirect(CALLBACK + "?code=code-1&state=" + encodeURIComponent(state)))!.token;
};

beforeEach(() => {
  storage = new MemoryStorage();
  sent = [];
  issued = 0;
  answer = rotating;
  api = () => new Response("ok");
  fetchFn.mockClear();
  history.replaceState(null, "", "/");
  // A frame an earlier test's renewal left for the task after it settled.
  document.querySelectorAll("iframe").forEach((frame) => frame.remove());
});

describe("resources: configuration", () => {
  const invalid = (options: unknown, description: string) => {
    const client = make();
    expect(() => resources(client, options as never)).toThrow(expect.objectContaining({ code: "invalid_config", description }));
  };

  it("refuses a missing or empty list of APIs", () => {
    invalid({}, "apis");
    invalid({ apis: [] }, "apis");
    invalid(null, "apis");
  });

  it("refuses a url that is not a secure origin or origin + path (query, fragment, credentials, http: off loopback)", () => {
    for (const url of ["http://profile.example.com", "https://profile.example.com/?x=1", "https://u@profile.example.com", "/api", 7]) {
      invalid({ apis: [{ url }] }, "apis[0].url");
    }
  });

  it("refuses a resource indicator that is not an absolute URI, or has a fragment (RFC 8707 §2)", () => {
    for (const resource of ["profile", "https://profile.example.com/#x", "", 3]) invalid({ apis: [{ url: PROFILE, resource }] }, "apis[0].resource");
  });

  it("refuses a bad scope, two APIs with the same url or resource, and a renew that is not a function", () => {
    invalid({ apis: [{ url: PROFILE, scope: ["a b"] }] }, "apis[0].scope");
    invalid({ apis: [{ url: PROFILE }, { url: PROFILE + "/" }] }, "apis[1]");
    invalid({ apis: [{ url: PROFILE }, { url: BILLING, resource: PROFILE }] }, "apis[1]");
    invalid({ apis: [{ url: PROFILE }], renew: "yes" }, "renew");
    invalid({ apis: [{ url: PROFILE }], nameAtSignIn: "yes" }, "nameAtSignIn");
  });

  it("refuses a second call for the same client, and a client not made by createClient", () => {
    const client = make();
    resources(client, { apis: APIS });
    expect(() => resources(client, { apis: APIS })).toThrow(expect.objectContaining({ code: "invalid_config", description: "resources" }));
    expect(() => resources({} as Client, { apis: APIS })).toThrow(expect.objectContaining({ code: "invalid_config", description: "client" }));
  });

  it("ignores options set on Object.prototype", () => {
    const client = make();
    Object.assign(Object.prototype, { renew: "planted", resource: "urn:planted" });
    try {
      const apis = resources(client, { apis: [{ url: PROFILE }] });
      expect(apis.getToken(PROFILE)).toBeNull();
    } finally {
      delete (Object.prototype as Record<string, unknown>).renew;
      delete (Object.prototype as Record<string, unknown>).resource;
    }
  });
});

describe("resources: one token per API, from the refresh token (code flow)", () => {
  it("gets each API's token with grant_type=refresh_token and its resource and scope, and sends it to that API only", async () => {
    const client = make();
    const main = await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.fetch(PROFILE + "/me");
    await apis.fetch(BILLING + "/v1/invoices");
    await apis.fetch(PROFILE + "/me");
    expect(forms().slice(1)).toEqual([
      { grant_type: "refresh_token", refresh_token: "rt-1", client_id: "spa", resource: PROFILE, scope: "profile:read" },
      // The refresh token the first one rotated.
      { grant_type: "refresh_token", refresh_token: "rt-2", client_id: "spa", resource: BILLING, scope: "invoices" },
    ]);
    expect(sentTo(PROFILE)).toEqual(["Bearer at-2-" + aud(PROFILE), "Bearer at-2-" + aud(PROFILE)]);
    expect(sentTo(BILLING)).toEqual(["Bearer at-3-" + aud(BILLING)]);
    // The client's own token is untouched, and still goes to its own API only.
    expect(client.getToken()).toBe(main);
    await client.fetch(APP_API + "/x");
    expect(sentTo(APP_API)).toEqual(["Bearer " + main.accessToken]);
    expect(apis.getToken(BILLING)).toMatchObject({ accessToken: "at-3-" + aud(BILLING), resource: BILLING, scope: ["invoices"] });
  });

  it("a token for API A never reaches API B, nor the client's own API, nor any other origin", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.fetch(PROFILE + "/me");
    for (const url of [BILLING + "/v1/x", APP_API + "/x", "https://profile.example.com.evil.example/me", "http://profile.example.com/me", BILLING + "/v2/x"]) {
      await apis.fetch(url);
    }
    const leaked = sent.filter((s) => s.url != TOKEN && !s.url.startsWith(PROFILE + "/") && authorizationOf(s.init)?.includes(PROFILE));
    expect(leaked).toEqual([]);
    // Outside every API and outside resourceOrigins: no token at all.
    expect(
      sent.filter((s) => s.url.includes("evil") || s.url.startsWith("http:") || s.url.startsWith(BILLING + "/v2")).map((s) => authorizationOf(s.init)),
    ).toEqual([undefined, undefined, undefined]);
  });

  it("a token for API A never follows a redirect (which could lead to API B): redirect is 'error', 'manual' kept", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.fetch(PROFILE + "/me");
    await apis.fetch(PROFILE + "/me", { redirect: "follow" });
    await apis.fetch(new Request(PROFILE + "/me", { redirect: "follow" }));
    await apis.fetch(PROFILE + "/me", { redirect: "manual" });
    expect(sent.filter((s) => s.url.startsWith(PROFILE)).map((s) => s.init.redirect)).toEqual(["error", "error", "error", "manual"]);
  });

  it("two APIs on one origin: each path gets its own token, the longer path first", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, {
      apis: [
        { url: APP_API + "/profile", resource: "urn:profile" },
        { url: APP_API + "/profile/billing", resource: "urn:billing" },
      ],
    });
    await apis.fetch(APP_API + "/profile/me");
    await apis.fetch(APP_API + "/profile/billing/x");
    await apis.fetch(APP_API + "/profilex");
    expect(sent.filter((s) => s.url != TOKEN).map((s) => [s.url, authorizationOf(s.init)])).toEqual([
      [APP_API + "/profile/me", "Bearer at-2-urn_profile"],
      [APP_API + "/profile/billing/x", "Bearer at-3-urn_billing"],
      // Not inside either API: the client's own token (resourceOrigins), never theirs.
      [APP_API + "/profilex", "Bearer at-1-main"],
    ]);
  });

  it("calls at once share one token request per API; a held token is reused", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    await Promise.all([apis.fetch(PROFILE + "/a"), apis.fetch(PROFILE + "/b"), apis.tokenFor(PROFILE), apis.fetch(BILLING + "/v1/x")]);
    expect(
      forms()
        .slice(1)
        .map((f) => f.resource),
    ).toEqual([PROFILE, BILLING]);
    // One at a time: the second used the refresh token the first rotated.
    expect(
      forms()
        .slice(1)
        .map((f) => f.refresh_token),
    ).toEqual(["rt-1", "rt-2"]);
    expect(await apis.tokenFor(PROFILE)).toBe(apis.getToken(PROFILE));
  });

  it("without a sign-in rejects login_required; a scope the server refuses rejects its code; nothing reaches the API", async () => {
    const client = make();
    const apis = resources(client, { apis: [{ url: PROFILE, scope: ["admin"] }] });
    await expect(apis.fetch(PROFILE + "/me")).rejects.toMatchObject({ code: "login_required" });
    expect(forms()).toHaveLength(0);
    await signIn(client);
    // The client's own token names only its own scopes: the API's scope is the server's to judge.
    answer = (form) => (form.get("scope") == "admin" ? json({ error: "invalid_scope" }, 400) : rotating(form));
    await expect(apis.fetch(PROFILE + "/me")).rejects.toMatchObject({ code: "invalid_scope" });
    expect(forms().at(-1)).toMatchObject({ resource: PROFILE, scope: "admin" });
    expect(sentTo(PROFILE)).toEqual([]);
  });

  it("a server that refuses the resource (invalid_target) or its scope (invalid_scope) keeps the grant; any other refusal drops the refresh token", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    answer = () => json({ error: "invalid_target" }, 400);
    await expect(apis.fetch(PROFILE + "/me")).rejects.toMatchObject({ code: "invalid_target" });
    expect(internalsOf(client).refreshToken!()).toBe("rt-1");
    answer = () => json({ error: "invalid_scope" }, 400);
    await expect(apis.fetch(PROFILE + "/me")).rejects.toMatchObject({ code: "invalid_scope" });
    expect(internalsOf(client).refreshToken!()).toBe("rt-1");
    answer = () => json({ error: "invalid_grant" }, 400);
    await expect(apis.fetch(BILLING + "/v1/x")).rejects.toMatchObject({ code: "invalid_grant" });
    expect(internalsOf(client).refreshToken!()).toBeUndefined();
    expect(client.getToken()).not.toBeNull();
  });
});

describe("resources: each token's own events, expiry and 401", () => {
  it("emits token, expiring and expired naming the resource; the client's own events stay quiet", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const client = make();
      await signIn(client);
      const own: Token[] = [];
      client.on("token", (t) => own.push(t));
      const apis = resources(client, { apis: APIS });
      const seen: [string, string][] = [];
      for (const event of ["token", "expiring", "expired"] as const) apis.on(event, (t: ResourceToken) => seen.push([event, t.resource]));
      await apis.tokenFor(BILLING);
      vi.advanceTimersByTime((3600 - 30 - 60) * 1000);
      vi.advanceTimersByTime(60 * 1000);
      expect(seen).toEqual([
        ["token", BILLING],
        ["expiring", BILLING],
        ["expired", BILLING],
      ]);
      expect(own).toEqual([]);
      expect(apis.getToken(BILLING)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("a 401 invalid_token drops that API's token only (expired, unauthorized with the resource); the next request gets a new one", async () => {
    const client = make();
    const main = await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.tokenFor(BILLING);
    const events: unknown[] = [];
    apis.on("expired", (t) => events.push(["expired", t.resource]));
    apis.on("unauthorized", (e) => events.push(["unauthorized", e.resource, e.challenge?.error]));
    api = () => new Response("", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
    const refused = await apis.fetch(PROFILE + "/me");
    expect(refused.status).toBe(401);
    expect(events).toEqual([
      ["expired", PROFILE],
      ["unauthorized", PROFILE, "invalid_token"],
    ]);
    expect(apis.getToken(PROFILE)).toBeNull();
    expect(apis.getToken(BILLING)).not.toBeNull();
    expect(client.getToken()).toBe(main);
    api = () => new Response("ok");
    await apis.fetch(PROFILE + "/me");
    expect(sentTo(PROFILE)).toEqual(["Bearer at-3-" + aud(PROFILE), "Bearer at-4-" + aud(PROFILE)]);
  });

  it("a 401 insufficient_user_authentication drops that API's token too: after a stronger sign-in, the next request gets a new one", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.tokenFor(BILLING);
    const events: unknown[] = [];
    apis.on("unauthorized", (e) => events.push([e.resource, e.challenge?.error, e.challenge?.acrValues]));
    api = () => new Response("", { status: 401, headers: { "WWW-Authenticate": 'Bearer error="insufficient_user_authentication", acr_values="urn:mfa"' } });
    await apis.fetch(PROFILE + "/me");
    expect(events).toEqual([[PROFILE, "insufficient_user_authentication", "urn:mfa"]]);
    expect(apis.getToken(PROFILE)).toBeNull();
    expect(apis.getToken(BILLING)).not.toBeNull();
    api = () => new Response("ok");
    await apis.fetch(PROFILE + "/me");
    expect(sentTo(PROFILE)).toEqual(["Bearer at-3-" + aud(PROFILE), "Bearer at-4-" + aud(PROFILE)]);
  });

  it("a 403 insufficient_scope keeps the token and names the resource and the scope asked", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    const events: unknown[] = [];
    apis.on("unauthorized", (e) => events.push([e.resource, e.challenge?.error, e.challenge?.scope]));
    api = () => new Response("", { status: 403, headers: { "WWW-Authenticate": 'Bearer error="insufficient_scope", scope="invoices:write"' } });
    await apis.fetch(BILLING + "/v1/x");
    expect(events).toEqual([[BILLING, "insufficient_scope", ["invoices:write"]]]);
    expect(apis.getToken(BILLING)).not.toBeNull();
  });

  it("logout() of the client forgets every API's token, and a token request landing after it is dropped", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS });
    await apis.tokenFor(PROFILE);
    let release!: () => void;
    fetchFn.mockImplementationOnce(async (input, init) => {
      sent.push({ url: String(input), init: init! });
      await new Promise<void>((r) => (release = r));
      return rotating(new URLSearchParams(String(init!.body)));
    });
    const late = apis.tokenFor(BILLING);
    await flush();
    client.logout();
    expect(apis.getToken(PROFILE)).toBeNull();
    release();
    await expect(late).rejects.toMatchObject({ code: "login_required" });
    expect(apis.getToken(BILLING)).toBeNull();
  });
});

describe("resources: from the hidden frame, with resource in the request (implicit grant, or a refused refresh)", () => {
  it("the frame asks for the API's resource and scope; its token is the API's, never the client's own", async () => {
    // The implicit grant: no refresh token, so the frame.
    const client = makeImplicit();
    const own: Token[] = [];
    client.on("token", (t) => own.push(t));
    const apis = resources(client, { apis: APIS, renew });
    const got = apis.fetch(BILLING + "/v1/x");
    const frame = await nextFrame();
    const asked = new URL(frame.src).searchParams;
    expect(asked.get("resource")).toBe(BILLING);
    expect(asked.get("scope")).toBe("invoices");
    expect(asked.get("prompt")).toBe("none");
    post(handoff(granted(stateIn(frame.src), "billing-token")), frame.contentWindow);
    await got;
    expect(sentTo(BILLING)).toEqual(["Bearer billing-token"]);
    expect(apis.getToken(BILLING)).toMatchObject({ accessToken: "billing-token", resource: BILLING });
    expect(client.getToken()).toBeNull();
    expect(own).toEqual([]);
  });

  it("with the code flow, the frame only when the refresh with resource is refused", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS, renew });
    // The client's own refresh would be granted: never used for another audience.
    answer = (form) => (form.get("resource") ? json({ error: "invalid_target" }, 400) : rotating(form));
    const got = apis.tokenFor(PROFILE);
    const frame = await nextFrame();
    expect(
      forms()
        .slice(1)
        .map((f) => f.resource),
    ).toEqual([PROFILE]);
    expect(new URL(frame.src).searchParams.get("resource")).toBe(PROFILE);
    answer = rotating;
    post({ implicitly: SILENT + "?code=c2&state=" + encodeURIComponent(stateIn(frame.src)) }, frame.contentWindow);
    await expect(got).resolves.toMatchObject({ resource: PROFILE, accessToken: "at-2-main" });
    expect(client.getToken()!.accessToken).toBe("at-1-main");
  });

  it("no frame after a logout while the refresh with resource was on its way", async () => {
    const client = make();
    await signIn(client);
    const apis = resources(client, { apis: APIS, renew });
    let release!: () => void;
    fetchFn.mockImplementationOnce(async (input, init) => {
      sent.push({ url: String(input), init: init! });
      await new Promise<void>((r) => (release = r));
      return json({ error: "invalid_target" }, 400);
    });
    const late = apis.tokenFor(PROFILE);
    await flush();
    client.logout();
    release();
    await expect(late).rejects.toMatchObject({ code: "login_required" });
    await flush();
    expect(document.querySelectorAll("iframe")).toHaveLength(0);
  });

  it("a login of the client's own that names a resource gives the client its token and grant, not an API's", async () => {
    const client = make();
    const apis = resources(client, { apis: APIS, renew });
    const url = new URL(await client.authorizationUrl({ extraParams: { resource: PROFILE } }));
    expect(url.searchParams.get("resource")).toBe(PROFILE);
    const result = await client.handleRedirect(CALLBACK + "?code=c1&state=" + encodeURIComponent(url.searchParams.get("state")!));
    expect(client.getToken()).toBe(result!.token);
    expect(apis.getToken(PROFILE)).toBeNull();
    expect(internalsOf(client).refreshToken!()).toBe("rt-1");
  });
});

describe("resources: nameAtSignIn, one grant for every API (RFC 8707 §2.1)", () => {
  const resourcesIn = (url: string) => new URL(url).searchParams.getAll("resource");

  it("the client's own sign-ins name every API's resource, one parameter each, also an API added later", async () => {
    const client = make();
    const apis = resources(client, { apis: APIS, nameAtSignIn: true });
    expect(resourcesIn(await client.authorizationUrl())).toEqual([PROFILE, BILLING]);
    apis.add({ url: "https://mcp.example.com/mcp" });
    expect(resourcesIn(await client.authorizationUrl())).toEqual([PROFILE, BILLING, "https://mcp.example.com/mcp"]);
    // The frame's renewal of the client's own token too (the same grant, kept whole).
    const own = renew(client);
    own.catch(() => undefined);
    expect(resourcesIn((await nextFrame()).src)).toEqual([PROFILE, BILLING, "https://mcp.example.com/mcp"]);
  });

  it("an API's own frame names only that API; a sign-in that names a resource of its own is left as it is", async () => {
    const implicit = makeImplicit();
    const apis = resources(implicit, { apis: APIS, renew, nameAtSignIn: true });
    apis.tokenFor(BILLING).catch(() => undefined);
    expect(resourcesIn((await nextFrame()).src)).toEqual([BILLING]);
    expect(resourcesIn(await implicit.authorizationUrl({ extraParams: { resource: "https://other.example.com" } }))).toEqual(["https://other.example.com"]);
  });

  it("off by default: a sign-in names no resource", async () => {
    const client = make();
    resources(client, { apis: APIS });
    expect(resourcesIn(await client.authorizationUrl())).toEqual([]);
  });
});

describe("resources: discovery from the API (RFC 9728)", () => {
  const MCP = "https://mcp.example.com";
  const WELL_KNOWN = MCP + "/.well-known/oauth-protected-resource/mcp";
  const ISSUER = "https://id.example.com";
  const challenge = (where = WELL_KNOWN) =>
    new Response("", { status: 401, headers: { "WWW-Authenticate": `Bearer resource_metadata="${where}", scope="tools"` } });
  let metadata: Record<string, unknown>;

  beforeEach(() => {
    metadata = { resource: MCP + "/mcp", authorization_servers: [ISSUER], scopes_supported: ["tools"] };
    api = (url) => (url == WELL_KNOWN ? json(metadata) : url.startsWith(MCP) ? challenge() : new Response("ok"));
  });

  it("reads the API's metadata from its challenge, checks it, and add() then gets the API its own token from the same sign-in", async () => {
    const client = make({ scope: ["profile:read", "tools"] });
    await signIn(client);
    const apis = resources(client, { apis: APIS, authorizationServers: [ISSUER] });
    const refused = await apis.fetch(MCP + "/mcp");
    // Outside every API and resourceOrigins: no token went there.
    expect(sentTo(MCP)).toEqual([undefined]);
    const found = await apis.discover(MCP + "/mcp", refused);
    expect(found).toMatchObject({ resource: MCP + "/mcp", authorizationServers: [ISSUER], scopesSupported: ["tools"] });
    apis.add({ url: found.resource, resource: found.resource, scope: found.scopesSupported });
    api = () => new Response("ok");
    await apis.fetch(MCP + "/mcp");
    expect(forms().at(-1)).toMatchObject({ grant_type: "refresh_token", resource: MCP + "/mcp", scope: "tools" });
    expect(sentTo(MCP).at(-1)).toBe("Bearer at-2-" + aud(MCP + "/mcp"));
  });

  it("refuses metadata whose resource is another URL: resource_mismatch", async () => {
    const client = make({ issuer: ISSUER });
    const apis = resources(client, { apis: APIS });
    metadata.resource = PROFILE;
    await expect(apis.discover(MCP + "/mcp", challenge())).rejects.toMatchObject({ code: "resource_mismatch" });
  });

  it("never follows an authorization server the app did not configure: untrusted_authorization_server, naming what the API asked for", async () => {
    const client = make({ issuer: ISSUER });
    const apis = resources(client, { apis: APIS });
    metadata.authorization_servers = ["https://evil.example.com"];
    const error = await apis.discover(MCP + "/mcp", challenge()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "untrusted_authorization_server", description: "https://evil.example.com" });
    expect(String((error as Error).message)).toContain("tools");
    expect(sent.filter((s) => s.url.includes("evil"))).toEqual([]);
    // With no issuer at all, no server is trusted.
    const bare = resources(make(), { apis: APIS });
    metadata.authorization_servers = [ISSUER];
    await expect(bare.discover(MCP + "/mcp", challenge())).rejects.toMatchObject({ code: "untrusted_authorization_server" });
    // The app's own list.
    const listed = resources(make(), { apis: APIS, authorizationServers: [ISSUER] });
    await expect(listed.discover(MCP + "/mcp", challenge())).resolves.toMatchObject({ resource: MCP + "/mcp" });
  });

  it("trusts an OpenID client's own issuer by default (createOidcClient keeps it out of the core options)", async () => {
    const oidc = createOidcClient({
      issuer: ISSUER,
      authorizationEndpoint: ENDPOINT,
      jwksUri: ISSUER + "/jwks",
      tokenEndpoint: TOKEN,
      clientId: "spa",
      redirectUri: CALLBACK,
      storage,
      fetch: fetchFn as typeof fetch,
      flow: codeFlow,
    });
    const apis = resources(oidc, { apis: APIS });
    await expect(apis.discover(MCP + "/mcp", challenge())).resolves.toMatchObject({ resource: MCP + "/mcp", authorizationServers: [ISSUER] });
    // Only that issuer: another one the API names is still refused.
    metadata.authorization_servers = ["https://evil.example.com"];
    await expect(apis.discover(MCP + "/mcp", challenge())).rejects.toMatchObject({ code: "untrusted_authorization_server" });
  });

  it("refuses a challenge without resource_metadata, or with one that is not https:, fetching nothing", async () => {
    const apis = resources(make({ issuer: ISSUER }), { apis: APIS });
    await expect(apis.discover(MCP + "/mcp", new Response("", { status: 401, headers: { "WWW-Authenticate": "Bearer" } }))).rejects.toMatchObject({
      code: "resource_metadata_failed",
      description: "no resource_metadata",
    });
    await expect(apis.discover(MCP + "/mcp", challenge("http://mcp.example.com/.well-known/oauth-protected-resource"))).rejects.toMatchObject({
      code: "resource_metadata_failed",
    });
    expect(sent).toEqual([]);
  });

  it("refuses metadata that is not a JSON object: resource_metadata_failed", async () => {
    const apis = resources(make({ issuer: ISSUER }), { apis: APIS });
    api = () => new Response("[1]", { headers: { "Content-Type": "application/json" } });
    await expect(apis.discover(MCP + "/mcp", challenge())).rejects.toMatchObject({ code: "resource_metadata_failed", description: WELL_KNOWN });
  });

  it("refuses authorizationServers entries that are not https: URLs, and add() of an API there is already", () => {
    expect(() => resources(make(), { apis: APIS, authorizationServers: ["http://id.example.com"] })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "authorizationServers[0]" }),
    );
    const apis = resources(make(), { apis: APIS });
    expect(() => apis.add({ url: PROFILE })).toThrow(expect.objectContaining({ code: "invalid_config", description: "api" }));
    expect(() => apis.add({ url: "ftp://x.example.com" })).toThrow(expect.objectContaining({ code: "invalid_config", description: "api.url" }));
  });
});

describe("resources: the frame and the client's own renewal", () => {
  it("a renewal of the client's own token and an API's frame at once: two frames, each caller gets the token it asked for", async () => {
    const client = makeImplicit();
    const apis = resources(client, { apis: APIS, renew });
    const forApi = apis.tokenFor(BILLING);
    const own = renew(client);
    await vi.waitFor(() => expect(document.querySelectorAll("iframe")).toHaveLength(2), { timeout: 2000, interval: 5 });
    const [apiFrame, ownFrame] = [...document.querySelectorAll("iframe")];
    expect(new URL(apiFrame!.src).searchParams.get("resource")).toBe(BILLING);
    expect(new URL(ownFrame!.src).searchParams.has("resource")).toBe(false);
    post(handoff(granted(stateIn(ownFrame!.src), "own-token")), ownFrame!.contentWindow);
    post(handoff(granted(stateIn(apiFrame!.src), "billing-token")), apiFrame!.contentWindow);
    await expect(own).resolves.toMatchObject({ accessToken: "own-token" });
    await expect(forApi).resolves.toMatchObject({ accessToken: "billing-token", resource: BILLING });
    expect(client.getToken()!.accessToken).toBe("own-token");
  });
});
