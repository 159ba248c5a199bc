// Bench-only builds of functions from src/, some of them internal: the given .ts files bundled with
// rollup, each transpiled the way the package build transpiles it (same tsconfig target, no
// minification), and imported from memory. Nothing is written to disk or added to the package.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";
import ts from "typescript";

const SRC = new URL("../../src/", import.meta.url);
const ENTRY = "\0bench-from-src";
const tsconfig = JSON.parse(await readFile(new URL("../../tsconfig.json", import.meta.url), "utf8"));
const { options: compilerOptions } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, ".");

/**
 * The rollup plugin that builds from src: `./x` inside src is `src/x.ts`, transpiled the way the
 * package build transpiles it.
 * @param {string} entry - the code of the entry module (it imports src files by absolute path: {@link srcPath})
 * @param {Record<string, string>} [replace] - module code by path under src/, in place of that file
 */
export const fromSrc = (entry, replace = {}) => {
  const replaced = new Map(Object.entries(replace).map(([file, code]) => [fileURLToPath(new URL(file, SRC)), code]));
  return {
    name: "bench-typescript",
    resolveId: (source, importer) =>
      source === ENTRY ? ENTRY : importer?.endsWith(".ts") && source.startsWith(".") ? resolve(dirname(importer), `${source}.ts`) : null,
    load: (id) => (id === ENTRY ? entry : (replaced.get(id) ?? null)),
    transform: (code, id) =>
      id.endsWith(".ts")
        ? { code: ts.transpileModule(code, { compilerOptions: { ...compilerOptions, declaration: false }, fileName: id }).outputText, map: null }
        : null,
  };
};

/** The id of the entry module, for `input`. */
export const FROM_SRC_ENTRY = ENTRY;

/** The absolute path of `file` under src/, for an entry's imports. */
export const srcPath = (file) => fileURLToPath(new URL(file, SRC));

/**
 * The exports of `files` (paths under src/, e.g. "protocol/response.ts"), built from src.
 * @param {string[]} files
 * @returns {Promise<Record<string, any>>}
 */
export const importFromSrc = async (files) => {
  const bundle = await rollup({
    input: ENTRY,
    plugins: [fromSrc(files.map((f) => `export * from ${JSON.stringify(srcPath(f))};`).join("\n"))],
  });
  const { output } = await bundle.generate({ format: "es" });
  await bundle.close();
  return import(`data:text/javascript;base64,${Buffer.from(output[0].code).toString("base64")}`);
};
