// Installs the peers into this folder (never into the SDK's own dependencies), from the committed
// lock file, the first time the peer benchmarks run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const folder = fileURLToPath(new URL(".", import.meta.url));

export const ensurePeersInstalled = () => {
  if (existsSync(new URL("node_modules/.package-lock.json", import.meta.url))) return;
  console.log("Installing the peers into bench/peers/node_modules (npm ci) …");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: folder,
    stdio: "inherit",
  });
  if (run.status !== 0) throw new Error(`npm ci in bench/peers failed (exit ${run.status})`);
};
