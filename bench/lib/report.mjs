// bench/RESULTS.md: the "Size and speed" text for the README. Each benchmark script owns one
// section of it, between its own markers, and rewrites only that section; it also prints it.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";

const FILE = new URL("../RESULTS.md", import.meta.url);

/** The machine a run was made on: CPU model (as os.cpus() names it), logical cores, Node. */
export const machine = () => {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || "unknown CPU",
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.arch()}`,
  };
};

/** One line naming the machine, for the sections' headers. */
export const machineLine = (m = machine()) => `${m.cpu} (${m.cores} logical cores), Node ${m.node}, ${m.os}`;

/** How the timings were taken, for the sections' headers. */
export const rounds = ({ rounds: n, timeMs }) => `${n} round${n === 1 ? "" : "s"} of ${timeMs} ms per task, median of the per-round medians`;

const HEADER = `# Size and speed

Measured by the benchmarks in \`bench/\`; each section says how to reproduce it. Timings are
medians over several interleaved rounds (see \`bench/lib/measure.mjs\`), so compare the ratios more
than the absolute figures, which depend on the machine.
`;

// The order the sections appear in, whichever script writes first.
const ORDER = ["core", "peers"];

/**
 * Replaces (or adds) the section `id` of bench/RESULTS.md and prints it.
 * @param {string} id - "core" (npm run bench) or "peers" (npm run bench:peers)
 * @param {string} markdown - the section, from its "##" heading on
 */
export const writeSection = async (id, markdown) => {
  const text = existsSync(FILE) ? await readFile(FILE, "utf8") : HEADER;
  const sections = new Map();
  const found = /<!-- begin:(\w+) -->\n([\s\S]*?)<!-- end:\1 -->\n?/g;
  for (const [, name, body] of text.matchAll(found)) sections.set(name, body);
  sections.set(id, `${markdown.trim()}\n`);
  const head = text.replace(found, "").trimEnd();
  const names = [...ORDER.filter((n) => sections.has(n)), ...[...sections.keys()].filter((n) => !ORDER.includes(n))];
  const body = names.map((n) => `<!-- begin:${n} -->\n${sections.get(n)}<!-- end:${n} -->\n`).join("\n");
  await writeFile(FILE, `${head}\n\n${body}`);
  console.log(`\n---- Markdown (section "${id}" of bench/RESULTS.md) ----\n\n${markdown.trim()}\n`);
};
