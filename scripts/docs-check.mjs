// Type-checks every ```ts and ```js code block of README.md and docs/*.md against the SDK's
// sources, so that a guide cannot show an export that does not exist, an option that was renamed
// or a call with the wrong arguments; and checks that every relative link between them leads to a
// file and heading that exist. `npm run docs:check`; CI runs it.
//
// Each block is a module of its own (its `import ... from "implicitly"` resolves to src/index.ts),
// checked with the strict settings of a Vite + TypeScript app. A snippet may use the placeholders
// declared in scripts/docs-check.d.ts (`showError`, `loginButton`, an `auth` client, …) for the
// app's own code. Blocks that are not meant to compile here carry their own language tag: sh,
// html, text (output, headers), cjs (a bundler's Node config), or none.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const EXTENSIONS = { ts: ".ts", typescript: ".ts", tsx: ".tsx", js: ".js", javascript: ".js" };

/** The README and every guide in docs/. */
export const markdownFiles = (root = ROOT) => [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(root, "docs", name)),
];

/**
 * The code blocks of a Markdown text that are TypeScript or JavaScript.
 * @returns `{ line, ext, code }`, `line` being the 1-based line of the block's first code line
 */
export const codeBlocks = (markdown) => {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\w*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith(indent + fence)) end++;
    const ext = EXTENSIONS[lang.toLowerCase()];
    // A block's lines lose the indentation of its fence (blocks inside list items).
    if (ext)
      blocks.push({
        line: i + 2,
        ext,
        code: lines
          .slice(i + 1, end)
          .map((l) => l.slice(indent.length))
          .join("\n"),
      });
    i = end;
  }
  return blocks;
};

/**
 * Type-checks the blocks of the given Markdown files.
 * @returns the number of blocks checked and one message per error, as `file:line: message`
 */
export const checkDocs = (files = markdownFiles()) => {
  // Inside the repository (git-ignored), so that a snippet's other imports (vitest, react,
  // playwright-core) resolve from node_modules as they would in an app.
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".tmp", "docs-check-"));
  const sources = new Map(); // snippet file -> { md, line }
  try {
    // The app's own modules that the React guide's snippets import.
    writeFileSync(join(dir, "app.tsx"), "export function App() {\n  return null;\n}\n");
    writeFileSync(join(dir, "orders.tsx"), "export function OrderList() {\n  return null;\n}\n");
    for (const md of files) {
      const name = relative(ROOT, md).replace(/[\\/.]/g, "_");
      for (const block of codeBlocks(readFileSync(md, "utf8"))) {
        const file = join(dir, `${name}_L${block.line}${block.ext}`);
        writeFileSync(file, block.code + "\n");
        sources.set(file, { md: relative(ROOT, md), line: block.line });
      }
    }
    const options = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // Each block is a module of its own, so top-level await works and names do not collide.
      moduleDetection: ts.ModuleDetectionKind.Force,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      // Node's modules for the snippets that start a server in a test (node:http), not its globals' use elsewhere.
      types: ["node"],
      jsx: ts.JsxEmit.ReactJSX,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      exactOptionalPropertyTypes: true,
      paths: {
        implicitly: [join(ROOT, "src/index.ts")],
        "implicitly/testing": [join(ROOT, "src/testing.ts")],
        "implicitly/react": [join(ROOT, "src/react.ts")],
      },
    };
    const program = ts.createProgram([...sources.keys(), join(ROOT, "scripts/docs-check.d.ts")], options);
    const errors = [];
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
      const where = d.file && sources.get(resolve(d.file.fileName));
      if (where && d.start !== undefined) {
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        errors.push(`${where.md}:${where.line + line}: ${text}`);
      } else {
        // An error outside the snippets (in src/ or the placeholders) fails the check as well.
        errors.push(`${d.file ? relative(ROOT, d.file.fileName) : "tsc"}: ${text}`);
      }
    }
    return { checked: sources.size, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A heading's anchor, as GitHub makes it: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

/** The anchors of a Markdown text's headings (a repeated heading gets -1, -2, … as on GitHub). */
const anchorsOf = (markdown) => {
  const seen = new Map();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, "").matchAll(/^#+ (.*)$/gm)) {
    const base = slug(heading);
    const n = seen.get(base);
    seen.set(base, n === undefined ? 0 : n + 1);
    if (n !== undefined) seen.set(`${base}-${n + 1}`, 0);
  }
  return new Set(seen.keys());
};

/**
 * Checks the relative links of the given Markdown files (outside code blocks): the file must
 * exist and, for a Markdown file, the `#anchor` must be one of its headings.
 * @returns one message per broken link, as `file: link`
 */
export const checkLinks = (files = markdownFiles()) => {
  const errors = [];
  for (const md of files) {
    const text = readFileSync(md, "utf8").replace(/```[\s\S]*?```/g, "");
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(link)) continue;
      const [path, anchor] = link.split("#");
      const target = path ? resolve(dirname(md), path) : md;
      if (!existsSync(target)) errors.push(`${relative(ROOT, md)}: ${link} (no such file)`);
      else if (anchor && target.endsWith(".md") && !anchorsOf(readFileSync(target, "utf8")).has(anchor)) {
        errors.push(`${relative(ROOT, md)}: ${link} (no such heading)`);
      }
    }
  }
  return errors;
};

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  const { checked, errors } = checkDocs();
  errors.push(...checkLinks());
  for (const e of errors) console.log(`FAIL ${e}`);
  console.log(`${checked} code blocks and the links of README.md and docs/*.md checked, ${errors.length} errors`);
  process.exit(errors.length ? 1 : 0);
}
