// @vitest-environment node
// `node demo/start.mjs` on a fresh clone, before any build: --help and flag mistakes answer at
// once, and a start without dist/ says how to build. Run from a copy of demo/ without dist/.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const clone = mkdtempSync(join(tmpdir(), "demo-cli-"));
cpSync(join(ROOT, "demo"), join(clone, "demo"), { recursive: true });
mkdirSync(join(clone, "src/session"), { recursive: true });
cpSync(join(ROOT, "src/session/silent.html"), join(clone, "src/session/silent.html"));
symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
afterAll(() => rmSync(clone, { recursive: true, force: true }));

const start = (...args: string[]) =>
  spawnSync(process.execPath, [join(clone, "demo/start.mjs"), ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, IMPLICITLY_DEMO_APP_ORIGINS: "" },
  });

describe("demo/start.mjs before a build (no dist/)", () => {
  it("--help prints the usage, --app-origin included", () => {
    const { status, stdout } = start("--help");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    expect(stdout).toMatch(/--app-origin URL/);
  });

  it("refuses an --app-origin that is not an origin, naming the flag", () => {
    const { status, stderr } = start("--app-origin", "http://localhost:5173/app");
    expect(status).toBe(1);
    expect(stderr).toMatch(/--app-origin \/ IMPLICITLY_DEMO_APP_ORIGINS: "http:\/\/localhost:5173\/app" is not an origin/);
    expect(start("--app-origin", "localhost:5173").stderr).toMatch(/is not an origin|is not a URL/);
  });

  it("without dist/, says how to build instead of crashing", () => {
    const { status, stderr } = start("--app-origin", "http://localhost:5173/");
    expect(status).toBe(1);
    expect(stderr).toMatch(/dist\/implicitly\.umd\.min\.js is missing\. Run `npm run build`/);
  });
});
