// Markdown tables, readable as they are in a terminal, and the formats of their cells.

/** Formats a duration given in nanoseconds: "412 ns", "3.41 µs", "1.20 ms". */
export const formatTime = (ns) => {
  if (!Number.isFinite(ns)) return "–";
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
};

/** Formats a ratio: "0.82×". */
export const formatRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");

/** Formats a byte count: "2,345 B". */
export const formatBytes = (n) => (Number.isFinite(n) ? `${n.toLocaleString("en-US")} B` : "–");

/** Formats a byte count that may be negative, in kB: "+3.2 kB", "−0.4 kB". */
export const formatDelta = (n) => `${n < 0 ? "−" : "+"}${(Math.abs(n) / 1024).toFixed(1)} kB`;

/**
 * Renders rows as a Markdown table, readable as is in a terminal.
 * @param {string[]} header
 * @param {string[][]} rows - cells already formatted; numeric-looking cells are right-aligned
 * @returns {string}
 */
export const markdownTable = (header, rows) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => i > 0 && rows.every((r) => /^[-–+−\d.,]/.test(r[i])));
  const line = (cells) => `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
};
