// dist/implicitly-silent.html, the copyable silent redirect page: in the same pages (frame, popup,
// popup with its opener link cut, responses of every kind), it must hand over exactly what
// handleRedirect() of the script-tag build hands over, to the same window, with the same target
// origin, and clean the address bar as it does. `npm test` builds dist/ first.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM, VirtualConsole, type DOMWindow } from "jsdom";
import { startSpaServer } from "../../demo/spa-server.mjs";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PAGE = readFileSync(join(ROOT, "dist", "implicitly-silent.html"), "utf8");
const SDK = readFileSync(join(ROOT, "dist", "implicitly.umd.min.js"), "utf8");
const SILENT = "https://app.example.test/silent.html";
const ORIGIN = "https://app.example.test";

type Seen = unknown[][];

/**
 * Opens `url` with `html`, watching everything a redirect page can hand a response over with:
 * the parent's and the opener's postMessage, BroadcastChannel, close() and the address bar.
 */
const open = async (url: string, html: string, withOpener: boolean) => {
  const seen: Seen = [];
  const problems: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on("jsdomError", (e) => problems.push(e.message));
  const dom = new JSDOM(html, {
    url,
    runScripts: "dangerously",
    virtualConsole,
    beforeParse(window: DOMWindow) {
      // A top-level jsdom page is its own parent: its postMessage stands for the parent's.
      window.postMessage = ((message: unknown, targetOrigin: string) => seen.push(["parent", message, targetOrigin])) as never;
      const opener = withOpener ? { postMessage: (message: unknown, targetOrigin: string) => seen.push(["opener", message, targetOrigin]) } : null;
      Object.defineProperty(window, "opener", { value: opener, configurable: true });
      window.close = () => seen.push(["close"]);
      window.BroadcastChannel = class {
        constructor(readonly name: string) {}
        postMessage(message: unknown) {
          seen.push(["broadcast", this.name, message]);
        }
        close() {}
      } as never;
      const replace = window.history.replaceState.bind(window.history);
      window.history.replaceState = (state: unknown, title: string, to?: string | URL | null) => {
        seen.push(["replaceState", String(to)]);
        replace(state, title, to);
      };
    },
  });
  await new Promise((r) => setTimeout(r, 20));
  return { seen, problems, href: dom.window.location.href };
};

/** The shipped page, with `clientId` in its data-client-id. */
const silentPage = (clientId = "spa") => PAGE.replace('data-client-id=""', `data-client-id="${clientId}"`);
/** A redirect page that loads the SDK and calls handleRedirect(), as the README showed before. */
const sdkPage = () =>
  `<!doctype html><script>${SDK}</script><script>Implicitly.createClient({ authorizationEndpoint: "https://id.example.test/authorize", clientId: "spa" }).handleRedirect().catch(() => {});</script>`;

const responses: [string, string, boolean][] = [
  ["a frame's token", "#access_token=a-token&token_type=Bearer&expires_in=60&state=f.abc", false],
  ["a frame's error", "#error=login_required&error_description=No+session&state=f.abc", false],
  ["a frame's response with percent-encoding", "#access_token=a%2Db&token_type=Bearer&state=f.a%2Bb", false],
  ["a popup's token", "#access_token=a-token&token_type=Bearer&state=p.abc", true],
  ["a popup's error", "#error=access_denied&state=p.abc", true],
  ["a popup's token, its opener link cut", "#access_token=a-token&token_type=Bearer&state=p.abc", false],
  ["a redirect's token (no frame or popup mark)", "#access_token=a-token&token_type=Bearer&state=abc", false],
  ["a response without state", "#access_token=a-token&token_type=Bearer", false],
  ["an id_token only", "#id_token=x.y.z&state=abc", false],
  ["no fragment", "", false],
  ["an empty fragment", "#", false],
  ["the app's own hash route", "#/orders?id=1", false],
];

describe("dist/implicitly-silent.html hands over exactly what handleRedirect() does", () => {
  it.each(responses)("%s", async (_name, fragment, withOpener) => {
    for (const query of ["", "?tenant=t1"]) {
      const url = SILENT + query + fragment;
      const page = await open(url, silentPage(), withOpener);
      const sdk = await open(url, sdkPage(), withOpener);
      expect(page.problems).toEqual([]);
      expect(sdk.problems).toEqual([]);
      expect(page.seen).toEqual(sdk.seen);
      expect(page.href).toBe(sdk.href);
    }
  });

  // Servers that send errors in the query (see docs/servers.md), and tokens that must not be there.
  it.each([
    ["a frame's error in the query", "error=login_required&error_description=No+session&state=f.abc", false],
    ["a popup's error in the query", "error=access_denied&state=p.abc&iss=https%3A%2F%2Fid.example.test", true],
    ["a redirect's error in the query (no frame or popup mark)", "error=access_denied&state=abc", false],
    ["an access_token in a frame's query", "access_token=a-token&token_type=Bearer&state=f.abc", false],
    ["the app's own query only", "state=shipped&page=2", false],
  ] as [string, string, boolean][])("%s", async (_name, query, withOpener) => {
    for (const own of ["", "tenant=t1&"]) {
      const url = SILENT + "?" + own + query;
      const page = await open(url, silentPage(), withOpener);
      const sdk = await open(url, sdkPage(), withOpener);
      expect(page.problems).toEqual([]);
      expect(sdk.problems).toEqual([]);
      expect(page.seen).toEqual(sdk.seen);
      expect(page.href).toBe(sdk.href);
    }
  });

  it("hands a code-flow frame's code (in the query) over and takes code, state and iss out of the URL", async () => {
    const url = SILENT + "?tenant=t1&code=a-code&state=f.abc&iss=https%3A%2F%2Fid.example.test";
    const { seen, href } = await open(url, silentPage(), false);
    expect(seen).toEqual([
      ["replaceState", SILENT + "?tenant=t1"],
      ["parent", { implicitly: url }, ORIGIN],
    ]);
    expect(href).toBe(SILENT + "?tenant=t1");
  });

  it("hands a frame's response to its parent only, on this origin only, and cleans the URL", async () => {
    const url = SILENT + "#access_token=a-token&token_type=Bearer&state=f.abc";
    const { seen, href } = await open(url, silentPage(), true);
    expect(seen).toEqual([
      ["replaceState", SILENT],
      ["parent", { implicitly: url }, ORIGIN],
    ]);
    expect(href).toBe(SILENT);
  });

  it("without data-client-id, a popup whose opener link was cut only closes", async () => {
    const { seen } = await open(SILENT + "#access_token=a&token_type=Bearer&state=p.abc", silentPage(""), false);
    expect(seen).toEqual([["replaceState", SILENT], ["close"]]);
  });

  it("is a page of one inline script and no other resource", () => {
    expect(PAGE).toBe(readFileSync(join(ROOT, "src", "session", "silent.html"), "utf8"));
    expect(PAGE.match(/<script/g)).toHaveLength(1);
    expect(PAGE).not.toMatch(/\ssrc=|<link|<img|<style/);
  });

  it("the sessions guide gives the script's CSP hash", () => {
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(PAGE)![1]!;
    const hash = `'sha256-${createHash("sha256").update(script).digest("base64")}'`;
    expect(readFileSync(join(ROOT, "docs/sessions.md"), "utf8").includes(hash), hash).toBe(true);
  });

  it("is the demo's silent page, with the demo's client id", async () => {
    const spa = await startSpaServer();
    try {
      const res = await fetch(spa.origin + "/silent.html");
      expect(await res.text()).toBe(silentPage("implicitly-demo-spa"));
    } finally {
      await spa.close();
    }
  });
});
