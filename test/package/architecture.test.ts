import { cruise as depcruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The architecture check (`npm run lint:arch`) run on src/ and on small trees with one wrong
// import each, so that a rule that stopped working fails here.
const ROOT = resolve(__dirname, "../..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const dirs: string[] = [];

// In-process, as `depcruise src --config .dependency-cruiser.cjs --output-type err` run in `cwd`
// would: one process for every tree rather than one each (starting the CLI is most of its time).
const options = extractDepcruiseOptions(CONFIG);
const cruise = async (cwd: string) => {
  const { exitCode, output } = await depcruise(["src"], { ...(await options), outputType: "err", baseDir: cwd });
  return { status: exitCode, out: String(output) };
};

/** A tree of files (path → source) in a new temporary folder. */
const tree = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "arch-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
};

// A well-layered tree: each layer imports only those below it.
const layered: Record<string, string> = {
  "src/protocol/p.ts": "export const p = 1;\n",
  "src/browser/b.ts": 'import { p } from "../protocol/p";\nexport const b = p;\n',
  "src/client/c.ts": 'import { b } from "../browser/b";\nexport const c = b;\n',
  "src/session/s.ts": 'import { c } from "../client/c";\nexport const s = c;\n',
  "src/oidc/o.ts": 'import { c } from "../client/c";\nexport const o = c;\n',
  "src/index.ts": 'export { s } from "./session/s";\nexport { o } from "./oidc/o";\n',
};

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("architecture check", () => {
  it("passes on src/", async () => {
    const { status, out } = await cruise(ROOT);
    expect(out).not.toMatch(/error/);
    expect(status).toBe(0);
  }, 30_000);

  it("passes on a well-layered tree", async () => {
    expect((await cruise(tree(layered))).status).toBe(0);
  }, 30_000);

  it.each([
    ["protocol-is-pure", { "src/protocol/x.ts": 'import { b } from "../browser/b";\nexport const x = b;\n' }],
    ["browser-on-protocol", { "src/browser/x.ts": 'import { c } from "../client/c";\nexport const x = c;\n' }],
    ["client-on-lower-layers", { "src/client/x.ts": 'import { s } from "../session/s";\nexport const x = s;\n' }],
    ["features-apart", { "src/session/x.ts": 'import { o } from "../oidc/o";\nexport const x = o;\n' }],
    ["no-entry-imports", { "src/oidc/x.ts": 'import { s } from "../index";\nexport const x = s;\n' }],
    ["compose-reads-feature-options", { "src/compose/x.ts": 'import { s } from "../session/s";\nexport const x = s;\n' }],
    [
      "nothing-imports-compose",
      { "src/compose/options.ts": "export const k = 1;\n", "src/session/x.ts": 'import { k } from "../compose/options";\nexport const x = k;\n' },
    ],
    ["no-unknown-folders", { "src/misc/m.ts": "export const m = 1;\n", "src/client/x.ts": 'import { m } from "../misc/m";\nexport const x = m;\n' }],
    [
      "no-cycles",
      {
        "src/protocol/x.ts": 'import { y } from "./y";\nexport const x = () => y;\n',
        "src/protocol/y.ts": 'import { x } from "./x";\nexport const y = () => x;\n',
      },
    ],
    ["no-runtime-dependencies", { "src/protocol/x.ts": 'import { join } from "node:path";\nexport const x = join;\n' }],
    ["no-runtime-dependencies", { "src/session/x.ts": 'import { useState } from "react";\nexport const x = useState;\n' }],
    ["react-on-public-api", { "src/react/x.ts": 'import { b } from "../browser/b";\nexport const x = b;\n' }],
    ["react-on-public-api", { "src/react/x.ts": 'import { join } from "node:path";\nexport const x = join;\n' }],
    ["testing-apart", { "src/testing/t.ts": 'import { c } from "../client/c";\nexport const t = c;\n' }],
    ["testing-never-imported", { "src/testing/t.ts": "export const t = 1;\n", "src/session/x.ts": 'import { t } from "../testing/t";\nexport const x = t;\n' }],
  ])(
    "fails on a wrong import: %s",
    async (rule, files) => {
      const { status, out } = await cruise(tree({ ...layered, ...files }));
      expect(out).toContain(rule);
      expect(status).not.toBe(0);
    },
    30_000,
  );
});
