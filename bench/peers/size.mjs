// Builds each entry in entries/ the way the SDK's script-tag build is made (rollup, one IIFE,
// the terser settings of the SDK's own rollup.config.mjs) and weighs it gzipped at level 9.
// The resolve and commonjs plugins live in bench/peers/node_modules: import this after install.mjs.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import commonjs from "@rollup/plugin-commonjs";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../../rollup.config.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Gzipped size at level 9, the figure every size in these benchmarks is given in. */
export const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * Bundles `entries/<name>.js` into `dist/<name>.min.js`.
 * @returns {Promise<{ raw: number, gzip: number }>}
 */
export const buildEntry = async (name) => {
  const bundle = await rollup({
    input: here(`entries/${name}.js`),
    // "browser" as a browser bundler resolves packages: their `browser` field first.
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn: (warning, warn) => {
      // Peers that ship `this` at the top of an ES module or a `"use client"` directive are fine.
      if (warning.code !== "THIS_IS_UNDEFINED" && warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
    },
  });
  const file = here(`dist/${name}.min.js`);
  await mkdir(here("dist"), { recursive: true });
  const { output } = await bundle.generate({ format: "iife", plugins: [terser(terserOptions)] });
  await bundle.close();
  const code = Buffer.from(output[0].code);
  await writeFile(file, code);
  return { raw: code.length, gzip: gzipSize(code) };
};

/** Weighs a file that is already built, such as the SDK's script-tag build. */
export const fileSize = async (path) => {
  const code = await readFile(path);
  return { raw: code.length, gzip: gzipSize(code) };
};
