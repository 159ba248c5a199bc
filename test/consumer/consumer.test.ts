// What users get: the package packed from a clean copy of the repository (no dist/, so `prepack`
// must build it), its file list checked against package.json, then installed from the tarball
// into a small app (test/consumer/fixture) that Vite bundles and TypeScript checks under each
// module resolution users have. `npm run test:consumer` runs this; CI does too.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FIXTURE = join(ROOT, "test", "consumer", "fixture");
// Inside the repository, so that the fixture finds vite and typescript in its node_modules (and
// `implicitly` in its own, from the tarball); .tmp/ is gitignored.
const WORK = join(ROOT, ".tmp", "consumer");
const CLONE = join(WORK, "clone");
const APP = join(WORK, "app");

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  files: string[];
  main: string;
  module: string;
  types: string;
  unpkg: string;
  jsdelivr: string;
  exports: Record<string, string | Record<string, Record<string, string>>>;
};

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
/** Type-checks a project of the app; resolves tsc's diagnostics ("" when there are none). */
const tsc = (project: string) =>
  new Promise<string>((resolve) =>
    execFile(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project], { cwd: APP, encoding: "utf8" }, (error, stdout) =>
      resolve(error ? stdout || String(error) : ""),
    ),
  );
const PROJECTS = ["tsconfig.json", "tsconfig.node16.json", "cjs/tsconfig.json", "tsconfig.react.json", "tsconfig.react-node16.json"];
/** Strips "./" so package.json paths compare with tarball entries. */
const bare = (path: string) => path.replace(/^\.\//, "");

let tarball: string;
let packed: string[];
// Started together once the package is installed (they take most of this file's time).
let checks: Map<string, Promise<string>>;

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  // A clean copy of the repository: the files git tracks (or would), without dist/.
  const tracked = run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], ROOT).split("\0").filter(Boolean);
  for (const file of tracked) {
    if (!existsSync(join(ROOT, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(CLONE, file)), { recursive: true });
    cpSync(join(ROOT, file), join(CLONE, file));
  }
  expect(existsSync(join(CLONE, "dist"))).toBe(false);
  symlinkSync(join(ROOT, "node_modules"), join(CLONE, "node_modules"), "dir");
  const [result] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", WORK], CLONE)) as [{ filename: string }];
  tarball = join(WORK, result.filename);
  packed = run("tar", ["-tzf", tarball], WORK)
    .split("\n")
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ""))
    .sort();

  // The app, with the package installed from the tarball as a user would.
  cpSync(FIXTURE, APP, { recursive: true });
  cpSync(join(APP, "src", "main.ts"), join(APP, "cjs", "main.ts"));
  run("npm", ["install", "--no-audit", "--no-fund", "--offline", relative(APP, tarball)], APP);
  checks = new Map(PROJECTS.map((project) => [project, tsc(project)]));
}, 240_000);

describe("npm pack from a clean checkout", () => {
  it("is named after the package and version", () => {
    expect(tarball.endsWith(`${pkg.name}-${pkg.version}.tgz`)).toBe(true);
  });

  it("holds every file that package.json points at", () => {
    const conditions = (target: unknown): string[] =>
      typeof target == "string" ? [target] : Object.values(target as Record<string, unknown>).flatMap(conditions);
    const named = [pkg.main, pkg.module, pkg.types, pkg.unpkg, pkg.jsdelivr, ...conditions(pkg.exports)].map(bare);
    expect(named).toEqual(expect.arrayContaining(["dist/implicitly.mjs", "dist/implicitly.cjs", "dist/implicitly.d.mts", "dist/implicitly.d.cts"]));
    for (const file of named) expect(packed).toContain(file);
  });

  it("holds nothing that `files` does not list (but npm's own package.json, README and LICENSE)", () => {
    expect(packed).toEqual([...pkg.files, "LICENSE", "README.md", "package.json"].sort());
  });

  it("ships built code, not stubs: the ESM build exports createClient", () => {
    const esm = readFileSync(join(APP, "node_modules", "implicitly", "dist", "implicitly.mjs"), "utf8");
    expect(esm).toMatch(/export \{[^}]*\bcreateClient\b/);
  });
});

describe("installed from the tarball", () => {
  it("Node imports it as ESM and requires it as CommonJS", () => {
    const esm = run(process.execPath, ["--input-type=module", "-e", 'import("implicitly").then((m) => console.log(typeof m.createClient))'], APP);
    const cjs = run(process.execPath, ["-e", 'console.log(typeof require("implicitly").createClient)'], join(APP, "cjs"));
    expect([esm.trim(), cjs.trim()]).toEqual(["function", "function"]);
  });

  it("Node imports and requires implicitly/react too (react from the app, the core from the main entry)", () => {
    const code = (load: string) => `${load}.then((m) => console.log(typeof m.AuthProvider, typeof m.useAuth, typeof m.useAuthFetch, typeof m.SignedIn))`;
    const esm = run(process.execPath, ["--input-type=module", "-e", code('import("implicitly/react")')], APP);
    const cjs = run(process.execPath, ["-e", code('Promise.resolve(require("implicitly/react"))')], join(APP, "cjs"));
    expect([esm.trim(), cjs.trim()]).toEqual(Array(2).fill("function function function function"));
  });

  it("Node imports implicitly/testing as ESM and requires it as CommonJS, and its fake server answers", () => {
    const serve =
      "const s = m.createFakeServer(); s.fetch(s.endpoints.issuer + '/.well-known/openid-configuration').then((r) => r.json()).then((d) => console.log(typeof m.signIn, d.issuer))";
    const esm = run(process.execPath, ["--input-type=module", "-e", `import("implicitly/testing").then((m) => { ${serve} })`], APP);
    const cjs = run(process.execPath, ["-e", `const m = require("implicitly/testing"); ${serve}`], join(APP, "cjs"));
    expect([esm.trim(), cjs.trim()]).toEqual(["function https://id.example.test", "function https://id.example.test"]);
  });

  it("installs the `implicitly` command (npx implicitly doctor)", () => {
    const help = run(join(APP, "node_modules", ".bin", "implicitly"), ["--help"], APP);
    expect(help).toMatch(/^Usage: implicitly doctor --app-origin ORIGIN --redirect-uri URL/);
  });

  it.each([
    ["bundler", PROJECTS[0]!],
    ["node16, ESM (type: module)", PROJECTS[1]!],
    ["node16, CommonJS (no type: module)", PROJECTS[2]!],
    ["bundler, a React app (implicitly/react)", PROJECTS[3]!],
    ["node16, a React app (implicitly/react)", PROJECTS[4]!],
  ])(
    "the app type-checks under moduleResolution %s",
    async (_, project) => {
      expect(await checks.get(project)).toBe("");
    },
    90_000,
  );
});

describe("bundled by Vite", () => {
  // Strings that only the session features or only OpenID Connect hold, and that minifiers keep.
  const CORE = ["state_mismatch", "response_type"];
  const SESSION = ["iframe", "popup_closed", "implicitly-tabs:"];
  const OIDC = ["openid-configuration", "at_hash", "RSASSA-PKCS1-v1_5", "discovery_failed"];

  /** Builds the fixture app with `entry` as its script and returns the JavaScript it emits. */
  const bundle = async (entry: string) => {
    const { build } = await import("vite");
    const html = join(APP, entry.replace(/\W/g, "_") + ".html");
    writeFileSync(html, readFileSync(join(APP, "index.html"), "utf8").replace("/src/main.ts", "/src/" + entry));
    const outDir = join(WORK, "out", entry);
    await build({ root: APP, configFile: false, logLevel: "silent", build: { outDir, emptyOutDir: true, rollupOptions: { input: html } } });
    const assets = join(outDir, "assets");
    return readdirSync(assets)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(join(assets, f), "utf8"))
      .join("\n");
  };

  it("an app that imports only createClient ships no session or OpenID Connect code", async () => {
    const js = await bundle("main.ts");
    for (const marker of CORE) expect(js).toContain(marker);
    for (const marker of [...SESSION, ...OIDC]) expect(js).not.toContain(marker);
  }, 60_000);

  it("a React app (StrictMode, JSX) bundles implicitly/react with one copy of the core; an app without it ships none of it", async () => {
    const [js, plain] = [await bundle("react.tsx"), await bundle("main.ts")];
    const count = (text: string, what: string) => text.split(what).length - 1;
    // (Booleans and counts: a failure message must not print React's megabyte.) The binding's own
    // code, and the core once: its AuthError is the main entry's, not a copy.
    expect(js.includes("unexpected_error")).toBe(true);
    expect(count(js, '"AuthError"')).toBe(count(plain, '"AuthError"'));
    expect([plain.includes("unexpected_error"), plain.includes("useSyncExternalStore")]).toEqual([false, false]);
  }, 60_000);

  it("the markers do show up when the app imports those features (so the check above can fail)", async () => {
    const session = await bundle("session.ts");
    for (const marker of SESSION) expect(session).toContain(marker);
    for (const marker of OIDC) expect(session).not.toContain(marker);
    const oidc = await bundle("oidc.ts");
    for (const marker of OIDC) expect(oidc).toContain(marker);
    for (const marker of SESSION) expect(oidc).not.toContain(marker);
  }, 60_000);
});
