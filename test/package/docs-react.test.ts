// docs/react.md's examples compile: each ```tsx and ```ts block is type-checked as a module of
// its own against src/ (as `implicitly` and `implicitly/react`), with the project's strict options.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
// Inside the repository, so that the examples find react's types; .tmp/ is gitignored.
const WORK = join(ROOT, ".tmp", "docs-react");

it("docs/react.md: every example type-checks", async () => {
  const blocks = [...readFileSync(join(ROOT, "docs", "react.md"), "utf8").matchAll(/```(tsx?)\n([\s\S]*?)```/g)];
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  blocks.forEach(([, ext, code], i) => writeFileSync(join(WORK, `example-${i}.${ext}`), code!));
  // The modules the examples import from the app itself.
  writeFileSync(join(WORK, "app.tsx"), "export function App() {\n  return <p>app</p>;\n}\n");
  writeFileSync(join(WORK, "orders.tsx"), "export function OrderList() {\n  return <ul />;\n}\n");
  const tsconfig = {
    extends: join(ROOT, "tsconfig.json"),
    compilerOptions: {
      noEmit: true,
      jsx: "react-jsx",
      noUnusedLocals: false,
      paths: { implicitly: [join(ROOT, "src/index.ts")], "implicitly/react": [join(ROOT, "src/react.ts")] },
    },
    include: ["./*.ts", "./*.tsx"],
  };
  writeFileSync(join(WORK, "tsconfig.json"), JSON.stringify(tsconfig));
  const out = await new Promise<string>((done) =>
    execFile(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", WORK], { encoding: "utf8" }, (error, stdout) =>
      done(error ? stdout || String(error) : ""),
    ),
  );
  expect(out).toBe("");
}, 60_000);
