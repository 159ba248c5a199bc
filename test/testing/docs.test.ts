// @vitest-environment node
// Every `ts` example of docs/testing.md type-checks, as an app would write it: `implicitly` and
// `implicitly/testing` map to the sources, everything else resolves from node_modules.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

/** The ```ts blocks of a Markdown file. */
export const tsBlocks = (file: string): string[] => [...readFileSync(file, "utf8").matchAll(/^```ts\n([^]*?)^```$/gm)].map((m) => m[1]!);

/** Type-checks each block as its own module; returns the diagnostics, formatted. */
export const typecheck = (blocks: readonly string[]): string => {
  const files = new Map(blocks.map((text, i) => [join(ROOT, "test", "testing", `__example${i}.ts`), text]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    paths: { implicitly: [join(ROOT, "src/index.ts")], "implicitly/testing": [join(ROOT, "src/testing.ts")] },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" });
};

describe("docs/testing.md", () => {
  it("has examples, and each one type-checks", () => {
    const blocks = tsBlocks(join(ROOT, "docs/testing.md"));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(typecheck(blocks)).toBe("");
  }, 60_000);

  it("the check fails on an example with a type error (so its pass means something)", () => {
    expect(typecheck(['import { createFakeServer } from "implicitly/testing";\ncreateFakeServer({ expiresIn: "soon" });\n'])).toMatch(/expiresIn|string/);
  }, 60_000);
});
