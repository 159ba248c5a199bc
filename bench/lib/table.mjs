// Plain-text tables for the terminal (and for pasting into Markdown).

/** Formats a duration given in nanoseconds: "412 ns", "3.41 µs", "1.20 ms". */
export const formatTime = (ns) => {
  if (!Number.isFinite(ns)) return "–";
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
};

/** Formats a rate: "1,234,567". */
export const formatRate = (hz) => (Number.isFinite(hz) ? Math.round(hz).toLocaleString("en-US") : "–");

/** Formats a ratio: "0.82×". */
export const formatRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");

/** Formats a byte count: "2,345 B". */
export const formatBytes = (n) => (Number.isFinite(n) ? `${n.toLocaleString("en-US")} B` : "–");

/**
 * Prints rows as a Markdown table (readable as is in a terminal).
 * @param {string} title
 * @param {string[]} header
 * @param {string[][]} rows - cells already formatted; numeric-looking cells are right-aligned
 */
export const printTable = (title, header, rows) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => /^[-–\d.,]/.test(r[i])));
  const line = (cells) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  console.log(`\n### ${title}\n`);
  console.log([line(header), rule, ...rows.map(line)].join("\n"));
};

/**
 * Prints timing results with their ratio to a baseline row.
 * @param {string} title
 * @param {{ name: string, ns: number, hz: number }[]} results
 * @param {string} baseline - the name of the row every other row is compared with
 */
export const printTimings = (title, results, baseline) => {
  const base = results.find((r) => r.name === baseline);
  if (!base) throw new Error(`no baseline row named ${baseline}`);
  printTable(
    title,
    ["name", "median", "ops/s", `ratio to ${baseline}`],
    results.map((r) => [r.name, formatTime(r.ns), formatRate(r.hz), formatRatio(r.ns / base.ns)]),
  );
};
