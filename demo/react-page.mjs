// The React page's script: demo/react/main.jsx bundled by Vite with React and the SDK's builds
// (dist/implicitly.mjs, dist/implicitly-react.mjs), in memory, once per process and only when the
// page is first asked for, so that `npm run demo` and the tests that do not open it wait for nothing.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DIST_DIR } from "./lib.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** @type {Promise<string> | undefined} */
let built;

/**
 * The bundled script of the React page (React's development build: StrictMode runs effects twice).
 * @returns {Promise<string>}
 */
export function reactPageScript() {
  built ??= bundle().catch((err) => {
    built = undefined; // a later request tries again
    throw err;
  });
  return built;
}

async function bundle() {
  const { build } = await import("vite");
  const result = await build({
    configFile: false,
    root: path.join(HERE, "react"),
    logLevel: "silent",
    mode: "development",
    define: { "process.env.NODE_ENV": JSON.stringify("development") },
    resolve: {
      alias: [
        { find: /^implicitly\/react$/, replacement: DIST_DIR + "implicitly-react.mjs" },
        { find: /^implicitly$/, replacement: DIST_DIR + "implicitly.mjs" },
      ],
    },
    oxc: { jsx: { runtime: "automatic" } },
    build: {
      write: false,
      target: "es2022",
      minify: false,
      rollupOptions: { input: path.join(HERE, "react", "main.jsx"), output: { entryFileNames: "app.js", codeSplitting: false } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ("output" in o ? o.output : [])).find((o) => o.type === "chunk" && o.isEntry);
  if (!chunk || chunk.type !== "chunk") throw new Error("the React page's bundle has no entry chunk");
  return chunk.code;
}
