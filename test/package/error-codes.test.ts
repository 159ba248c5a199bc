// AuthErrorCode lists every code the SDK raises (implicitly/react's too), each with its TSDoc: the codes found in src/ where
// an AuthError is made (`new AuthError("…")`, `fail("…")`, and the waits' `setTimeout(fail, …, "…")`)
// must all be members of the union in src/protocol/errors.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const SRC = resolve(__dirname, "../../src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
// The SDK's code: not the test kit's fake server or the doctor, which speak for servers.
const code = files(SRC)
  .filter((f) => !/[/\\](testing|doctor)[/\\]/.test(f))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n")
  // Comments may quote a server's code (`access_denied`): only code counts.
  .replace(/\/\*[^]*?\*\/|\/\/.*$/gm, "");

it("every code the SDK raises is in AuthErrorCode, with a TSDoc comment", () => {
  const raised = new Set<string>();
  for (const [, call] of code.matchAll(/(?:AuthError\(|fail\()([^;]*)/g)) for (const [literal] of call!.matchAll(/"[a-z]+(?:_[a-z]+)+"/g)) raised.add(literal);
  for (const [, literal] of code.matchAll(/setTimeout\(fail, [^,]+, ("[a-z_]+")[,)]/g)) raised.add(literal!);
  const errors = readFileSync(join(SRC, "protocol/errors.ts"), "utf8");
  const start = errors.indexOf("export type AuthErrorCode");
  const union = errors.slice(start, errors.indexOf('";\n', start) + 1);
  const members = [...union.matchAll(/\/\*\*[^]*?\*\/\s*\| ("[a-z_]+")/g)].map(([, m]) => m);
  expect(raised.size).toBeGreaterThan(30);
  expect([...raised].filter((c) => !members.includes(c))).toEqual([]);
  expect(members).toContain('"timeout"');
  expect(members).toContain('"page_in_frame"');
});
