// Installs the peers into this folder (never into the SDK's own dependencies), from the committed
// lock file: the first time the peer benchmarks run, and again whenever the lock file changes.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const folder = fileURLToPath(new URL(".", import.meta.url));
const lock = new URL("package-lock.json", import.meta.url);
const installed = new URL("node_modules/.package-lock.json", import.meta.url);

export const ensurePeersInstalled = () => {
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("Installing the peers into bench/peers/node_modules (npm ci) …");
  const windows = process.platform === "win32";
  const run = spawnSync(windows ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: folder,
    stdio: "inherit",
    shell: windows,
  });
  if (run.status !== 0) throw new Error(`npm ci in bench/peers failed (exit ${run.status})`);
};
