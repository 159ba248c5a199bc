// @vitest-environment node
// The README's and the guides' code compiles against the SDK (scripts/docs-check.mjs), and the
// check itself catches what a stale snippet looks like.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error a plain ES module script, without types
import { checkDocs, checkLinks, codeBlocks } from "../../scripts/docs-check.mjs";

type Check = (files?: string[]) => { checked: number; errors: string[] };
const check = checkDocs as Check;
const links = checkLinks as (files?: string[]) => string[];

const scratch = mkdtempSync(join(tmpdir(), "snippets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const markdown = (name: string, text: string) => {
  mkdirSync(join(scratch, "docs"), { recursive: true });
  const file = join(scratch, "docs", name);
  writeFileSync(file, text);
  return file;
};

describe("code blocks of README.md and docs/*.md", () => {
  it("every ts and js block compiles against src/", () => {
    const { checked, errors } = check();
    expect(errors).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it("fails on an export that does not exist and on a misspelled option, naming the line", () => {
    const file = markdown(
      "stale.md",
      [
        "# A stale guide",
        "",
        "```ts",
        'import { createClient, handleSignout } from "implicitly";',
        'createClient({ authorizationEndpoint: "https://id.example.com/a", clientId: "spa", resourceOrigin: ["https://api.example.com"] });',
        "void handleSignout;",
        "```",
        "",
      ].join("\n"),
    );
    const { checked, errors } = check([file]);
    expect(checked).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/stale\.md:4: .*no exported member named 'handleSignout'/),
      expect.stringMatching(/stale\.md:5: .*'resourceOrigin' does not exist in type 'ClientOptions'/),
    ]);
  }, 60_000);

  it("every relative link leads to a file and heading that exist, and a broken one is named", () => {
    expect(links()).toEqual([]);
    const file = markdown(
      "links.md",
      "# Links\n\n## A heading, here\n\n[ok](#a-heading-here) [gone](#nowhere) [no file](missing.md) [web](https://example.com)\n",
    );
    expect(links([file])).toEqual([
      expect.stringMatching(/links\.md: #nowhere \(no such heading\)$/),
      expect.stringMatching(/links\.md: missing\.md \(no such file\)$/),
    ]);
  });

  it("checks ts and js blocks, also inside list items, and leaves other languages alone", () => {
    const blocks = codeBlocks(
      ["```sh", "npm test", "```", "- item", "  ```js", "  const a = 1;", "  ```", "```html", "<p>", "```", "```ts", "let b = 2;", "```"].join("\n"),
    );
    expect(blocks).toEqual([
      { line: 6, ext: ".js", code: "const a = 1;" },
      { line: 12, ext: ".ts", code: "let b = 2;" },
    ]);
  });
});
