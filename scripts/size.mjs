// Prints the gzip -9 size of the script-tag build and fails when it is over budget.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const budgets = [{ file: "dist/implicitly.umd.min.js", what: "script-tag build", max: 3584 }];

let over = false;
for (const { file, what, max } of budgets) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run npm run build first`);
    process.exit(1);
  }
  const bytes = gzipSync(readFileSync(file), { level: 9 }).length;
  const ok = bytes <= max;
  over ||= !ok;
  console.log(`${ok ? "ok  " : "OVER"} ${what} (${file}): ${bytes} B gzip, budget ${max} B`);
}
process.exit(over ? 1 : 0);
