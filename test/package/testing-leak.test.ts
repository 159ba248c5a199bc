// implicitly/testing is for an app's tests: no bundle an app ships may hold any of it. Checked on
// the built files (`npm test` builds dist/ first), by strings only the fake server's code has.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = join(__dirname, "..", "..", "dist");
const APP_BUNDLES = ["implicitly.mjs", "implicitly.cjs", "implicitly.umd.min.js", "implicitly-oidc.umd.min.js", "implicitly-code.umd.min.js"];
// String literals of src/testing/ that minifiers keep as they are.
const MARKERS = ["is not the fake server's", "Sign in to continue.", "refresh token used before"];

describe("implicitly/testing stays out of app bundles", () => {
  it("dist/testing.mjs holds the markers (so their absence below means something)", () => {
    const testing = readFileSync(join(DIST, "testing.mjs"), "utf8");
    for (const marker of MARKERS) expect(testing).toContain(marker);
  });

  it.each(APP_BUNDLES)("%s holds none of it", (file) => {
    const text = readFileSync(join(DIST, file), "utf8");
    for (const marker of MARKERS) expect(text).not.toContain(marker);
    expect(text).not.toMatch(/createFakeServer|routeFakeServer/);
  });

  it("the main entry's declarations name none of it", () => {
    expect(readFileSync(join(DIST, "implicitly.d.mts"), "utf8")).not.toMatch(/FakeServer|signIn\b/);
  });
});
