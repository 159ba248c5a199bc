// client.fetch in Chromium: a browser keeps Authorization on a same-origin redirect, and a page
// cannot see where an opaque redirect goes, so a resource given as a path prefix
// (`https://api…/api/`) must not follow a redirect out of it with the token; and a Request made in
// another frame (another realm) is checked by its real URL.
import type { IncomingMessage } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../demo/demo.mjs";
import { launchChromium } from "./chromium";

type DemoWindow = Window & { Implicitly: typeof import("../../src/script-tag") };

let demo: Demo;
let browser: Browser;
/** The API requests that arrived: path and Authorization header. */
const arrived: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  [demo, browser] = await Promise.all([
    startDemo({ onApiRequest: (req: IncomingMessage) => void arrived.push({ path: req.url ?? "", authorization: req.headers.authorization }) }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** In the script-tag page: a client whose token may go to `resource`, holding a token, fetches `path` at the API. */
const fetchThere = async (resource: string, path: string, init?: RequestInit) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(demo.spa.pages["script-tag"]);
    return await page.evaluate(
      async ([api, resource, path, init]) => {
        const { Implicitly } = window as unknown as DemoWindow;
        const client = Implicitly.createClient({
          authorizationEndpoint: api + "/authorize",
          clientId: "e2e",
          resourceOrigins: [resource],
          storage: sessionStorage,
        });
        const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
        await client.handleRedirect(location.origin + "/#access_token=e2e-token&token_type=Bearer&state=" + encodeURIComponent(state));
        try {
          const res = await client.fetch(api + path, init ?? undefined);
          return { status: res.status, url: res.url };
        } catch (e) {
          return { error: String(e) };
        }
      },
      [demo.api.origin, resource, path, init ?? null] as const,
    );
  } finally {
    await context.close();
  }
};

describe("client.fetch and redirects (Chromium)", () => {
  it("a path-prefix resource: a same-origin redirect out of the prefix fails the request, and the token never gets there", async () => {
    arrived.length = 0;
    const outcome = await fetchThere(demo.api.origin + "/api/", "/api/moved");
    expect(outcome).toMatchObject({ error: expect.stringContaining("TypeError") });
    expect(arrived.filter((r) => r.path == "/api/moved" && r.authorization)).toEqual([{ path: "/api/moved", authorization: "Bearer e2e-token" }]);
    expect(arrived.filter((r) => r.path == "/outside")).toEqual([]);
  });

  it("with redirect: follow chosen by the caller, the browser does carry it (what redirect: error prevents)", async () => {
    arrived.length = 0;
    const outcome = await fetchThere(demo.api.origin + "/api/", "/api/moved", { redirect: "follow" });
    expect(outcome).toMatchObject({ status: 404 });
    // (The first request to /outside is the CORS preflight, without the header.)
    expect(arrived.filter((r) => r.path == "/outside" && r.authorization)).toEqual([{ path: "/outside", authorization: "Bearer e2e-token" }]);
  });

  it("an origin resource follows redirects on its own origin, as fetch does", async () => {
    arrived.length = 0;
    const outcome = await fetchThere(demo.api.origin, "/api/moved");
    expect(outcome).toMatchObject({ status: 404, url: demo.api.origin + "/outside" });
  });
});

describe("client.fetch and a Request of another realm (Chromium)", () => {
  it("reads its real URL through the platform getter: the token goes with it inside the resources, never elsewhere", async () => {
    arrived.length = 0;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(demo.spa.pages["script-tag"]);
      const outcome = await page.evaluate(
        async ([api, thirdParty]) => {
          const { Implicitly } = window as unknown as DemoWindow;
          const client = Implicitly.createClient({
            authorizationEndpoint: api + "/authorize",
            clientId: "e2e",
            resourceOrigins: [api],
            storage: sessionStorage,
          });
          const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
          await client.handleRedirect(location.origin + "/#access_token=e2e-token&token_type=Bearer&state=" + encodeURIComponent(state));
          const frame = document.createElement("iframe");
          document.body.append(frame);
          const OtherRequest = (frame.contentWindow as unknown as typeof globalThis).Request;
          const inside = new OtherRequest(api + "/api/profile");
          const elsewhere = new OtherRequest(thirdParty + "/echo");
          // Shadowed: it claims to go to the API.
          Object.defineProperty(elsewhere, "url", { value: api + "/api/profile" });
          const a = await client.fetch(inside);
          const b = await (await client.fetch(elsewhere)).json();
          return { realm: inside instanceof Request, insideStatus: a.status, elsewhere: b };
        },
        [demo.api.origin, demo.thirdParty.origin] as const,
      );
      expect(outcome.realm).toBe(false); // really another realm: instanceof fails
      expect(outcome.insideStatus).toBe(401); // the fake token reached the API, which refused it
      expect(arrived.filter((r) => r.path == "/api/profile" && r.authorization)).toEqual([{ path: "/api/profile", authorization: "Bearer e2e-token" }]);
      expect(outcome.elsewhere).toEqual({ authorizationHeaderReceived: false });
      expect(demo.thirdParty.received.filter((r) => r.authorization)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
