// @vitest-environment node
// The demo's OpenID provider runs offline and quietly: its pages (login, consent, errors) load
// nothing from beyond loopback, and loading it on Node 20 does not print oidc-provider's
// "Unsupported runtime" warning (demo/oidc-provider-offline.mjs).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { buildAuthorizationUrl } from "../../src/protocol/authorize";
import { Browser, locationOf } from "./browser-walk";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REDIRECT = "http://127.0.0.1:5173/callback";

/** Hosts that a page refers to (`https://host`, `//host`), other than loopback. */
const outside = (html: string) => [...html.matchAll(/(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)].map((m) => m[1]!).filter((host) => host != "127.0.0.1");

describe("the demo OpenID provider's pages", () => {
  let op: OidcProvider;
  beforeAll(async () => {
    op = await startOidcProvider({ redirectUris: [REDIRECT] });
  });
  afterAll(() => op.close());

  it("the login and consent pages load nothing from beyond loopback", async () => {
    const browser = new Browser();
    const start = buildAuthorizationUrl(op.authorizationEndpoint, {
      response_type: "id_token token",
      client_id: op.clientId,
      redirect_uri: REDIRECT,
      scope: "openid profile",
      state: "s",
      nonce: "n",
    });
    const pages: string[] = [];
    let url = start;
    while (!url.startsWith(REDIRECT) && pages.length < 4) {
      const res = await browser.get(url);
      if (res.status >= 300 && res.status < 400) {
        url = locationOf(res, url);
        continue;
      }
      const html = await res.text();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      pages.push(html);
      const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html)!;
      const fields = Object.fromEntries([...form[2]!.matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g)].map((m) => [m[1]!, m[2] ?? ""]));
      if (fields.prompt === "login") Object.assign(fields, { login: "demo", password: "any" });
      url = locationOf(await browser.post(new URL(form[1]!, url).href, fields), url);
    }
    expect(url.startsWith(REDIRECT)).toBe(true);
    expect(pages.map((html) => /<h1>([^<]*)/.exec(html)?.[1])).toEqual(["Sign-in", "Authorize"]);
    for (const html of pages) {
      expect(html).toContain("<style>"); // the page's own styles stay
      expect(outside(html)).toEqual([]);
    }
  });

  it("the error page loads nothing from beyond loopback", async () => {
    const res = await fetch(op.authorizationEndpoint + "?client_id=unknown&response_type=id_token%20token");
    const html = await res.text();
    expect([res.status, res.headers.get("content-type")]).toEqual([400, expect.stringMatching(/^text\/html/)]);
    expect(outside(html)).toEqual([]);
  });

  it("outside() finds the web fonts that oidc-provider's pages import (so the checks above can fail)", () => {
    expect(outside("<style>@import url(https://fonts.googleapis.com/css?family=Roboto:400,100);</style>")).toEqual(["fonts.googleapis.com"]);
    expect(outside('<a href="http://127.0.0.1:8704/x">')).toEqual([]);
  });
});

describe("loading the demo OpenID provider", () => {
  /** What a fresh Node process prints to stderr while it runs `code` (an ES module). */
  const stderrOf = (code: string) => spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, encoding: "utf8" }).stderr;

  it("prints no Unsupported runtime warning", () => {
    expect(stderrOf('await import("./demo/oidc-server.mjs");')).not.toContain("Unsupported runtime");
  });

  it.runIf(process.release.lts! < "Jod")("where oidc-provider itself prints it (Node before 22 LTS), so the check above can fail", () => {
    expect(stderrOf('await import("oidc-provider");')).toContain("oidc-provider WARNING: Unsupported runtime.");
  });
});
