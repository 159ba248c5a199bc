// The built files are what users run: the script-tag build in a real (jsdom) page, the ESM and
// CommonJS builds by import and require, and the bundled type declarations. `npm test` builds
// dist/ first.
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM, VirtualConsole, type JSDOMError } from "jsdom";
import ts from "typescript";
import { describe, expect, it, vi } from "vitest";
import { AuthError as SrcAuthError, isAuthError as srcIsAuthError } from "../../src/protocol/errors";
import { MemoryStorage } from "../support/memory-storage";

type Sdk = typeof import("../../src/index");

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const DIST = join(TEST_DIR, "..", "..", "dist");
const require = createRequire(import.meta.url);

const APP = "https://app.example.test/app/";
const ENDPOINT = "https://id.example.test/authorize?tenant=t1";
const API = "https://api.example.test";

/** Opens a page at `url` and runs the script-tag build in it through a <script> element. */
const openPage = (url = APP, file = "implicitly.umd.min.js") => {
  const virtualConsole = new VirtualConsole();
  const problems: JSDOMError[] = [];
  virtualConsole.on("jsdomError", (e) => problems.push(e));
  const dom = new JSDOM("<!doctype html><html><head><title>app</title></head><body></body></html>", {
    url,
    runScripts: "dangerously",
    virtualConsole,
  });
  const { window } = dom;
  const script = window.document.createElement("script");
  script.textContent = readFileSync(join(DIST, file), "utf8");
  window.document.head.append(script);
  const page = window as unknown as { Implicitly: Sdk; fetch: typeof fetch };
  return { window, page, problems };
};

const EXPORTS = ["AuthError", "buildAuthorizationUrl", "createClient", "isAuthError", "parseAuthorizationResponse", "parseBearerChallenge"];

describe("dist/implicitly.umd.min.js in a page", () => {
  it("defines window.Implicitly with the API's exports, without errors", () => {
    const { page, problems } = openPage();
    expect(problems).toEqual([]);
    expect(Object.keys(page.Implicitly)).toEqual(expect.arrayContaining(EXPORTS));
    for (const name of EXPORTS) expect(typeof page.Implicitly[name as keyof Sdk]).toBe("function");
  });

  it("runs login → callback → authenticated fetch with the page's sessionStorage, history and fetch", async () => {
    const { window, page, problems } = openPage();
    const api = vi.fn<typeof fetch>(async () => new Response('{"name":"Ada"}', { headers: { "Content-Type": "application/json" } }));
    page.fetch = api;
    const { createClient, isAuthError } = page.Implicitly;
    const client = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", scope: "profile", resourceOrigins: [API] });
    const seen: string[] = [];
    client.on("token", (t) => seen.push("token:" + t.accessToken));
    client.on("expired", () => seen.push("expired"));
    client.on("unauthorized", ({ challenge }) => seen.push("unauthorized:" + challenge?.error));

    // Before login: a resource request is refused and nothing is sent.
    const early = await client.fetch(API + "/me").catch((e: unknown) => e);
    expect(isAuthError(early) && early.code).toBe("login_required");
    expect(srcIsAuthError(early)).toBe(true); // across realms, by name
    expect(early instanceof SrcAuthError).toBe(false);
    expect(api).not.toHaveBeenCalled();

    // login(): stores the pending login in sessionStorage, then navigates (jsdom reports the
    // navigation as not implemented; the page stays).
    await client.login({ appState: { route: "/orders" } });
    expect(problems.map((e) => [e.type, e.message])).toEqual([["not-implemented", expect.stringMatching(/navigation/i)]]);
    const stored = JSON.parse(window.sessionStorage.getItem("implicitly:spa " + ENDPOINT)!) as Record<
      string,
      { redirectUri: string; scope: string[]; appState: unknown }
    >;
    const states = Object.keys(stored);
    expect(states).toHaveLength(1);
    const state = states[0]!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(stored[state]).toMatchObject({ redirectUri: APP, scope: ["profile"], appState: { route: "/orders" } });
    expect(JSON.stringify(stored)).not.toMatch(/access_token|accessToken/);

    // The same request as a URL: the endpoint's query kept, the page as the default redirect URI.
    const q = new URL(await client.authorizationUrl()).searchParams;
    expect(Object.fromEntries(q)).toMatchObject({ tenant: "t1", response_type: "token", client_id: "spa", redirect_uri: APP, scope: "profile" });
    expect(q.get("state")).not.toBe(state);

    // The authorization server sends the browser back with the response in the fragment.
    const lengthBefore = window.history.length;
    window.history.replaceState(null, "", `${APP}?tab=1#access_token=2YotnFZFEjr1zMsicMWpAA&token_type=Bearer&expires_in=3600&state=${state}`);
    const result = await client.handleRedirect();
    expect(result).toMatchObject({ token: { accessToken: "2YotnFZFEjr1zMsicMWpAA", tokenType: "Bearer", scope: ["profile"] }, appState: { route: "/orders" } });
    expect(window.location.href).toBe(APP + "?tab=1");
    expect(window.history.length).toBe(lengthBefore);
    expect(Object.keys(JSON.parse(window.sessionStorage.getItem("implicitly:spa " + ENDPOINT)!))).not.toContain(state);
    expect(client.getToken()!.accessToken).toBe("2YotnFZFEjr1zMsicMWpAA");
    expect(seen).toEqual(["token:2YotnFZFEjr1zMsicMWpAA"]);

    // A replay of the same response is refused.
    const replay = await createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa" })
      .handleRedirect(`${APP}#access_token=x&token_type=Bearer&state=${state}`)
      .catch((e: unknown) => e);
    expect(isAuthError(replay) && replay.code).toBe("state_mismatch");

    // Authenticated fetch: the token goes to the API only.
    const me = await client.fetch(API + "/me", { headers: { Accept: "application/json" } });
    expect(await me.json()).toEqual({ name: "Ada" });
    const [input, init] = api.mock.lastCall!;
    expect(input).toBe(API + "/me");
    expect(new Headers(init!.headers).get("authorization")).toBe("Bearer 2YotnFZFEjr1zMsicMWpAA");
    expect(new Headers(init!.headers).get("accept")).toBe("application/json");
    const thirdParty = { headers: { Accept: "text/plain" } };
    await client.fetch("https://cdn.example.test/x", thirdParty);
    expect(api.mock.lastCall).toEqual(["https://cdn.example.test/x", thirdParty]);
    expect(api.mock.lastCall![1]).toBe(thirdParty);

    // The API says the token is invalid: it is dropped and the app is told.
    api.mockResolvedValueOnce(new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } }));
    expect((await client.fetch(API + "/me")).status).toBe(401);
    expect(client.getToken()).toBeNull();
    expect(seen.slice(1)).toEqual(["expired", "unauthorized:invalid_token"]);
    expect(problems).toHaveLength(1);
  });

  it("throws the page's AuthError for invalid options", () => {
    const { page } = openPage();
    const { createClient, AuthError, isAuthError } = page.Implicitly;
    let error: unknown;
    try {
      createClient({ authorizationEndpoint: "http://id.example.test/authorize", clientId: "spa" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ name: "AuthError", code: "invalid_config", description: "authorizationEndpoint" });
  });
});

describe.each([
  ["dist/implicitly.mjs (import)", () => import(/* @vite-ignore */ join(DIST, "implicitly.mjs")) as Promise<Sdk>],
  ["dist/implicitly.cjs (require)", async () => require("../../dist/implicitly.cjs") as Sdk],
])("%s", (_, load) => {
  it("exports the API", async () => {
    const sdk = await load();
    expect(Object.keys(sdk)).toEqual(expect.arrayContaining(EXPORTS));
  });

  it("createClient builds the request and refuses bad options with invalid_config", async () => {
    const { createClient, AuthError } = await load();
    const storage = new MemoryStorage();
    const client = createClient({ authorizationEndpoint: ENDPOINT, clientId: "spa", redirectUri: APP, scope: ["profile"], resourceOrigins: [API], storage });
    const q = new URL(await client.authorizationUrl({ appState: 1 })).searchParams;
    expect(Object.fromEntries(q)).toMatchObject({ tenant: "t1", response_type: "token", client_id: "spa", redirect_uri: APP, scope: "profile" });
    expect(JSON.parse(storage.getItem("implicitly:spa " + ENDPOINT)!)[q.get("state")!]).toMatchObject({ appState: 1 });
    expect(() => createClient({ authorizationEndpoint: ENDPOINT, clientId: "" })).toThrow(AuthError);
    expect(() => createClient({ authorizationEndpoint: ENDPOINT, clientId: "" })).toThrow(
      expect.objectContaining({ code: "invalid_config", description: "clientId" }),
    );
  });

  it("AuthError and isAuthError", async () => {
    const { AuthError, isAuthError } = await load();
    const e = new AuthError("access_denied", "The user said no", "https://id.example.test/e");
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: "AuthError", code: "access_denied", description: "The user said no", uri: "https://id.example.test/e" });
    expect(e.message).toBe("access_denied: The user said no");
    expect(isAuthError(e)).toBe(true);
    expect(isAuthError(new SrcAuthError("x"))).toBe(true); // another copy of the class
    expect(isAuthError(new Error("x"))).toBe(false);
    expect(isAuthError(null)).toBe(false);
    expect(isAuthError({ name: "AuthError" })).toBe(false);
  });

  it("parseAuthorizationResponse", async () => {
    const { parseAuthorizationResponse, AuthError } = await load();
    expect(parseAuthorizationResponse("#access_token=2YotnFZFEjr1zMsicMWpAA&state=xyz&token_type=example&expires_in=3600")).toMatchObject({
      accessToken: "2YotnFZFEjr1zMsicMWpAA",
      state: "xyz",
      tokenType: "example",
      expiresIn: 3600,
    });
    expect(parseAuthorizationResponse("https://app.example.test/#/route")).toBeNull();
    expect(() => parseAuthorizationResponse("#state=a&state=b")).toThrow(AuthError);
    expect(() => parseAuthorizationResponse("#state=a&__proto__=b&__proto__=c")).toThrow(expect.objectContaining({ code: "invalid_response" }));
    expect(({} as Record<string, unknown>).b).toBeUndefined();
  });

  it("buildAuthorizationUrl and parseBearerChallenge", async () => {
    const { buildAuthorizationUrl, parseBearerChallenge } = await load();
    expect(buildAuthorizationUrl("https://id.example.test/a?tenant=t&client_id=old", { client_id: "spa", scope: undefined })).toBe(
      "https://id.example.test/a?tenant=t&client_id=spa",
    );
    expect(parseBearerChallenge('Basic realm="x", Bearer error="insufficient_scope", scope="a b"')).toEqual({ error: "insufficient_scope", scope: ["a", "b"] });
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
  });
});

describe("the code flow in the builds", () => {
  it("dist/implicitly-code.umd.min.js defines Implicitly.codeFlow, which makes a client ask for a code with PKCE", async () => {
    const { window, page, problems } = openPage(APP, "implicitly-code.umd.min.js");
    // jsdom has crypto.getRandomValues but no WebCrypto digest: Node's stands in for the browser's.
    Object.defineProperty(window.crypto, "subtle", { value: webcrypto.subtle });
    const { createClient, codeFlow, createOidcClient } = page.Implicitly;
    expect(typeof codeFlow).toBe("function");
    expect(typeof createOidcClient).toBe("function");
    const client = createClient({
      authorizationEndpoint: ENDPOINT,
      tokenEndpoint: "https://id.example.test/token",
      clientId: "spa",
      storage: new MemoryStorage(),
      flow: codeFlow,
    });
    const q = new URL(await client.authorizationUrl()).searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(problems).toEqual([]);
  });

  it("the other script-tag builds leave it out", () => {
    for (const file of ["implicitly.umd.min.js", "implicitly-oidc.umd.min.js"]) {
      expect(Object.keys(openPage(APP, file).page.Implicitly)).not.toContain("codeFlow");
    }
  });

  it.each([
    ["dist/implicitly.mjs", () => import(/* @vite-ignore */ join(DIST, "implicitly.mjs")) as Promise<Sdk>],
    ["dist/implicitly.cjs", async () => require("../../dist/implicitly.cjs") as Sdk],
  ])("%s exports codeFlow", async (_, load) => {
    expect(typeof (await load()).codeFlow).toBe("function");
  });
});

describe("package.json exports", () => {
  it("maps require to dist/implicitly.cjs and serves the same API", () => {
    expect(require.resolve("implicitly")).toBe(join(DIST, "implicitly.cjs"));
    expect(require("implicitly")).toBe(require("../../dist/implicitly.cjs"));
    const pkg = require("implicitly/package.json") as {
      exports: Record<string, Record<string, Record<string, string>>>;
      sideEffects: boolean;
      dependencies?: unknown;
    };
    // Declarations per format, `types` first in each condition: TypeScript takes a declaration's
    // module format from its extension, so `require` needs a .d.cts (else TS1479 in CommonJS).
    expect(pkg.exports["."]).toEqual({
      import: { types: "./dist/implicitly.d.mts", default: "./dist/implicitly.mjs" },
      require: { types: "./dist/implicitly.d.cts", default: "./dist/implicitly.cjs" },
    });
    for (const condition of Object.values(pkg.exports["."]!)) expect(Object.keys(condition)[0]).toBe("types");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.dependencies).toBeUndefined();
  });
});

describe("dist/implicitly.d.mts, .d.cts and .d.ts", () => {
  it("each passes the compile-only type test (test/types.compile.ts) in place of src/", () => {
    const original = readFileSync(join(TEST_DIR, "types.compile.ts"), "utf8");
    expect(original).toContain('from "../../src/index"');
    expect(original.match(/@ts-expect-error/g)!.length).toBeGreaterThan(30);
    // One virtual copy per declaration file: `.mjs` resolves to the .d.mts, `.cjs` to the .d.cts,
    // and the bare path to the .d.ts.
    const copies = new Map(
      ["implicitly.mjs", "implicitly.cjs", "implicitly"].map((target, n) => {
        const source = original.replace('from "../../src/index"', `from "../../dist/${target}"`);
        expect(source).not.toContain("/src/");
        return [join(TEST_DIR, `types.dist${n}.compile.ts`), source] as const;
      }),
    );
    const config = ts.getParsedCommandLineOfConfigFile(
      join(TEST_DIR, "..", "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    )!;
    const host = ts.createCompilerHost(config.options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, language, ...rest) =>
      copies.has(name) ? ts.createSourceFile(name, copies.get(name)!, language) : getSourceFile.call(host, name, language, ...rest);
    host.fileExists = (name) => copies.has(name) || fileExists.call(host, name);
    host.readFile = (name) => copies.get(name) ?? readFile.call(host, name);
    const program = ts.createProgram({ rootNames: [...copies.keys()], options: { ...config.options, noEmit: true }, host });
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files).toEqual(expect.arrayContaining(["implicitly.d.mts", "implicitly.d.cts", "implicitly.d.ts"].map((f) => join(DIST, f))));
    expect(files.filter((f) => f.includes("/src/"))).toEqual([]);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.slice(d.file.fileName.lastIndexOf("/") + 1)}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1} ` : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
    expect(diagnostics).toEqual([]);
  }, 60_000);
});

describe("sign-out at the server in the builds", () => {
  const umd = (file: string) => {
    const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: APP, runScripts: "dangerously" });
    const script = dom.window.document.createElement("script");
    script.textContent = readFileSync(join(DIST, file), "utf8");
    dom.window.document.head.append(script);
    return (dom.window as unknown as { Implicitly: Record<string, unknown> }).Implicitly;
  };

  it("is in the ES module and the full script-tag build, not in the plain one (its size budget)", async () => {
    const esm = (await import(/* @vite-ignore */ join(DIST, "implicitly.mjs"))) as Sdk;
    expect(typeof esm.signOut).toBe("function");
    expect(typeof esm.handleSignOut).toBe("function");
    const full = umd("implicitly-oidc.umd.min.js");
    expect([typeof full.signOut, typeof full.handleSignOut, typeof full.createOidcClient]).toEqual(["function", "function", "function"]);
    const plain = umd("implicitly.umd.min.js");
    expect([plain.signOut, plain.handleSignOut]).toEqual([undefined, undefined]);
  });
});
