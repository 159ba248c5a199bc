// `node bench/code-flow.mjs`: the code flow's own parsing costs, each next to its baseline. The
// code callback is parsed from the query (parseCodeResponse), the token endpoint's answer strictly
// (parseTokenResponse); both built from src the way bench/lib/internals.mjs builds the callback
// path (transpiled, not minified, imported from memory). Printed only; the README quotes it.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";
import ts from "typescript";
import { measure, settings } from "./lib/measure.mjs";

const SRC = new URL("../src/", import.meta.url);
const ENTRY = "\0bench-code-flow";
const tsconfig = JSON.parse(await readFile(new URL("../tsconfig.json", import.meta.url), "utf8"));
const { options } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, ".");
const bundle = await rollup({
  input: ENTRY,
  plugins: [
    {
      name: "bench-typescript",
      resolveId: (source, importer) => (source === ENTRY ? ENTRY : importer?.endsWith(".ts") && source.startsWith(".") ? resolve(dirname(importer), `${source}.ts`) : null),
      load: (id) =>
        id === ENTRY
          ? ["protocol/code-response.ts", "protocol/token-response.ts"].map((f) => `export * from ${JSON.stringify(fileURLToPath(new URL(f, SRC)))};`).join("\n")
          : null,
      transform: (code, id) => (id.endsWith(".ts") ? { code: ts.transpileModule(code, { compilerOptions: { ...options, declaration: false }, fileName: id }).outputText, map: null } : null),
    },
  ],
});
const { output } = await bundle.generate({ format: "es" });
await bundle.close();
const { parseCodeResponse, parseTokenResponse } = await import(`data:text/javascript;base64,${Buffer.from(output[0].code).toString("base64")}`);

const STATE = "f.Q2hvb3NlIGEgc3Ryb25nIHN0YXRlIGZvciBldmVyeSBsb2dpbg";
const CALLBACK = `https://app.example.com/callback?tab=2&code=SplxlOBeZQQYbYS6WxSbIA${"x".repeat(40)}&state=${STATE}&iss=https%3A%2F%2Fid.example.com`;
const BODY = JSON.stringify({
  access_token: "a".repeat(800),
  token_type: "Bearer",
  expires_in: 3600,
  refresh_token: "r".repeat(64),
  scope: "openid profile email",
});

if (parseCodeResponse(CALLBACK)[1] !== "https://app.example.com/callback?tab=2") throw new Error("parseCodeResponse misbehaves");
if (parseTokenResponse(200, "application/json", BODY).expiresIn !== 3600) throw new Error("parseTokenResponse misbehaves");

const results = await measure([
  { name: "parseCodeResponse(url)", fn: () => parseCodeResponse(CALLBACK) },
  { name: "new URLSearchParams(new URL(url).search)", fn: () => new URLSearchParams(new URL(CALLBACK).search) },
  { name: "parseTokenResponse(800-character token)", fn: () => parseTokenResponse(200, "application/json", BODY) },
  { name: "JSON.parse(body)", fn: () => JSON.parse(BODY) },
]);
console.log(`Node ${process.version}, ${settings.rounds} rounds of ${settings.timeMs} ms`);
for (const { name, ns } of results) console.log(`${name.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(7)} µs`);
