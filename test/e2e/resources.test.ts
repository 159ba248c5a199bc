// resources() in Chromium, from the ESM build: one sign-in (the code flow, against a small token
// endpoint that names each token's audience), a token per API from the refresh token with
// `resource`, each API on its own origin. What arrives where is recorded at the servers: API A's
// token never reaches API B, also when A answers with a redirect to B (cross-origin) or to B's
// path on A's own origin (where a browser would keep the header), and the client's own token
// reaches neither.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";

interface Server {
  origin: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port: its own origin. */
const listen = (handler: RequestListener, _options: { label: string }): Promise<Server> =>
  new Promise((done) => {
    const server = createServer(handler).listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      done({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((closed) => server.close(() => closed())) });
    });
  });

let browser: Browser;
let app: Server;
let apiA: Server;
let apiB: Server;
/** Requests that arrived at the APIs: which server, path and Authorization header. */
const arrived: { at: string; path: string; authorization: string | undefined }[] = [];
/** The token requests' forms. */
const forms: Record<string, string>[] = [];
/** Tokens issued so far (each test starts again at 0). */
let issued = 0;

const ESM = readFileSync(resolve("dist/implicitly.mjs"), "utf8");

// An API: CORS for the page (Authorization allowed), `/moved-out` redirects to the other API,
// `/moved-in` to the other API's path on this origin (`/b/…`, API B's prefix on A's origin).
const api = (name: string, other: () => string) => (req: IncomingMessage, res: ServerResponse) => {
  res.setHeader("Access-Control-Allow-Origin", app.origin);
  res.setHeader("Access-Control-Allow-Headers", "Authorization");
  if (req.method == "OPTIONS") {
    res.end();
    return;
  }
  arrived.push({ at: name, path: req.url ?? "", authorization: req.headers.authorization });
  if (req.url == "/moved-out") res.writeHead(307, { Location: other() + "/x" }).end();
  else if (req.url == "/moved-in") res.writeHead(307, { Location: "/b/x" }).end();
  else res.end("ok");
};

beforeAll(async () => {
  app = await listen(
    (req: IncomingMessage, res: ServerResponse) => {
      if (req.url == "/implicitly.mjs") {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(ESM);
      } else if (req.url == "/token" && req.method == "POST") {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk));
        req.on("end", () => {
          const form = Object.fromEntries(new URLSearchParams(body));
          forms.push(form);
          issued += 1;
          const audience = (form.resource ?? "own").replace(/\W/g, "_");
          res
            .writeHead(200, { "Content-Type": "application/json" })
            .end(JSON.stringify({ access_token: `at-${issued}-${audience}`, token_type: "Bearer", expires_in: 600, refresh_token: "rt-" + issued }));
        });
      } else {
        res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>resources</title>");
      }
    },
    { label: "app" },
  );
  apiA = await listen(
    api("A", () => apiB.origin),
    { label: "api A" },
  );
  apiB = await listen(
    api("B", () => apiA.origin),
    { label: "api B" },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), apiA?.close(), apiB?.close()]);
});

/** Signs in on a fresh page, then fetches each of `urls` with `apis.fetch`: each outcome. */
const run = async (apis: { url: string; resource: string }[], urls: string[]) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(app.origin + "/");
    // The ESM build as an app's module imports it (a string: the test's own imports are rewritten).
    await page.addScriptTag({ type: "module", content: 'import * as implicitly from "/implicitly.mjs"; window.implicitly = implicitly;' });
    await page.waitForFunction(() => "implicitly" in window);
    return await page.evaluate(
      async ([origin, apis, urls]) => {
        const { createClient, codeFlow, resources } = (window as unknown as { implicitly: typeof import("../../src/index") }).implicitly;
        const client = createClient({
          authorizationEndpoint: origin + "/authorize",
          tokenEndpoint: origin + "/token",
          clientId: "e2e",
          redirectUri: origin + "/",
          resourceOrigins: [origin],
          flow: codeFlow,
        });
        const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
        await client.handleRedirect(origin + "/?code=c1&state=" + encodeURIComponent(state));
        const set = resources(client, { apis });
        const out: unknown[] = [];
        for (const url of urls) {
          try {
            const res = await set.fetch(url);
            out.push({ status: res.status, url: res.url });
          } catch (e) {
            out.push({ error: String(e) });
          }
        }
        return out;
      },
      [app.origin, apis, urls] as const,
    );
  } finally {
    await context.close();
  }
};

describe("resources() in Chromium: one token per API", () => {
  it("each API gets its own token from the refresh token with resource; none reaches another origin, also on a cross-origin redirect", async () => {
    arrived.length = 0;
    forms.length = 0;
    issued = 0;
    const a = apiA.origin;
    const b = apiB.origin;
    const outcome = await run(
      [
        { url: a, resource: a },
        { url: b, resource: b },
      ],
      [a + "/me", b + "/me", a + "/moved-out"],
    );
    expect(outcome.slice(0, 2)).toEqual([
      { status: 200, url: a + "/me" },
      { status: 200, url: b + "/me" },
    ]);
    // The redirect is not followed with A's token: the request fails.
    expect(outcome[2]).toMatchObject({ error: expect.stringContaining("TypeError") });
    expect(forms.map((f) => [f.grant_type, f.resource])).toEqual([
      ["authorization_code", undefined],
      ["refresh_token", a],
      ["refresh_token", b],
    ]);
    const tokenA = "Bearer at-2-" + a.replace(/\W/g, "_");
    const tokenB = "Bearer at-3-" + b.replace(/\W/g, "_");
    expect(arrived.filter((r) => r.at == "A").map((r) => r.authorization)).toEqual([tokenA, tokenA]);
    expect(arrived.filter((r) => r.at == "B")).toEqual([{ at: "B", path: "/me", authorization: tokenB }]);
    expect(arrived.some((r) => r.authorization?.includes("own"))).toBe(false);
  });

  it("two APIs on one origin: a redirect from A's path to B's path does not take A's token there", async () => {
    arrived.length = 0;
    forms.length = 0;
    issued = 0;
    const a = apiA.origin;
    const outcome = await run(
      [
        { url: a, resource: "urn:a" },
        { url: a + "/b", resource: "urn:b" },
      ],
      [a + "/moved-in", a + "/b/me"],
    );
    expect(outcome[0]).toMatchObject({ error: expect.stringContaining("TypeError") });
    expect(outcome[1]).toEqual({ status: 200, url: a + "/b/me" });
    expect(arrived).toEqual([
      { at: "A", path: "/moved-in", authorization: "Bearer at-2-urn_a" },
      { at: "A", path: "/b/me", authorization: "Bearer at-3-urn_b" },
    ]);
  });
});
