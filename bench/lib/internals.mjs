// A bench-only build of the two functions a callback goes through before any storage is touched:
// parseAuthorizationResponse (src/protocol/response.ts, exported by the package) and tokenFromResponse
// (src/protocol/validate.ts, internal). They are bundled from src with rollup, each .ts file transpiled the
// way the package build transpiles it (same tsconfig target, no minification), and imported from
// memory: nothing is written to disk and nothing is added to the package.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";
import ts from "typescript";
import { SCOPE, STATE } from "./fixtures.mjs";

const SRC = new URL("../../src/", import.meta.url);
const ENTRY = "\0bench-internals";

const tsconfig = JSON.parse(await readFile(new URL("../../tsconfig.json", import.meta.url), "utf8"));
const { options: compilerOptions } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, ".");

/** Resolves `./x` inside src to `src/x.ts` and strips the types, file by file. */
const typescriptFromSrc = {
  name: "bench-typescript",
  resolveId(source, importer) {
    if (source === ENTRY) return ENTRY;
    if (importer?.endsWith(".ts") && source.startsWith(".")) {
      return resolve(dirname(importer), `${source}.ts`);
    }
    return null;
  },
  load(id) {
    if (id !== ENTRY) return null;
    const file = (name) => JSON.stringify(fileURLToPath(new URL(name, SRC)));
    return [
      `export { parseAuthorizationResponse } from ${file("protocol/response.ts")};`,
      `export { tokenFromResponse } from ${file("protocol/validate.ts")};`,
    ].join("\n");
  },
  transform(code, id) {
    if (!id.endsWith(".ts")) return null;
    const out = ts.transpileModule(code, { compilerOptions: { ...compilerOptions, declaration: false }, fileName: id });
    return { code: out.outputText, map: null };
  },
};

const bundle = await rollup({ input: ENTRY, plugins: [typescriptFromSrc] });
const { output } = await bundle.generate({ format: "es" });
await bundle.close();

/** `{ parseAuthorizationResponse, tokenFromResponse }`, built from src. */
export const internals = await import(`data:text/javascript;base64,${Buffer.from(output[0].code).toString("base64")}`);

/**
 * Everything `client.handleRedirect(url)` does with the callback URL itself: parse it strictly
 * (parseAuthorizationResponse), match its state against the login's, and turn it into a token
 * (tokenFromResponse). Left out: reading and deleting the pending login in storage, holding the
 * token and arming its timers, which the handleRedirect row measures.
 * @param {string} url - the callback URL
 * @returns {import("../../dist/implicitly.mjs").Token}
 */
export const parseAndValidate = (url) => {
  const response = internals.parseAuthorizationResponse(url);
  if (!response || response.state !== STATE) throw new Error("state mismatch");
  return internals.tokenFromResponse(response, SCOPE, Date.now(), 30);
};

// The same callback must yield the token the client would hold.
const token = parseAndValidate(`https://app.example.com/callback#${new URLSearchParams({
  access_token: "x", token_type: "bearer", expires_in: "60", state: STATE,
})}`);
if (token.accessToken !== "x" || token.tokenType !== "Bearer" || token.scope.join(" ") !== SCOPE.join(" ")) {
  throw new Error("the bench-only build of the callback path misbehaves");
}
