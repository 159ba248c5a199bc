// The demo names the mode it really runs in, on both pages and in every mode: the title, the
// heading and the banner (grant, provider, PKCE, DPoP), each button with the SDK call it makes,
// and the request log with the scheme each request carried. And `--app-origin` lets an app of
// one's own (here a page on another origin, as a newcomer's Vite app would be) sign in at the
// demo's servers and call its API.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, startDemo, type Demo, type DemoOptions } from "../../demo/demo.mjs";
import { launchChromium } from "./chromium";
import { signInAtProvider } from "./demo-browser";

let browser: Browser;
beforeAll(async () => void (browser = await launchChromium()));
afterAll(() => browser?.close());

/** Starts a demo for the tests of one `describe`, and stops it after them. */
function demoIn(options: DemoOptions): { demo: Demo } {
  const holder = {} as { demo: Demo };
  beforeAll(async () => void (holder.demo = await startDemo(options)));
  afterAll(() => holder.demo?.close());
  return holder;
}

/** A fresh profile with one tab; page errors fail the test. */
async function newPage(): Promise<{ page: Page; errors: Error[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  return { page, errors, close: () => context.close() };
}

/** Every button the demo's template shows, with the SDK call printed under it. */
const CALLS: Record<string, string> = {
  login: "client.login({ scope })",
  "login-popup": "loginWithPopup(client, { scope })",
  logout: "signOut(client)",
  "get-profile": 'client.fetch(api + "/api/profile")',
  "get-orders": 'client.fetch(api + "/api/orders")',
  "call-third-party": 'client.fetch(thirdParty + "/echo")',
  "allow-more": "loginWithPopup(client, { scope: [...granted, ...needed] })",
};

const MODES: { options: DemoOptions; name: string; banner: RegExp[]; builds: [string, string] }[] = [
  {
    options: {},
    name: "OAuth 2.0 implicit grant",
    banner: [/oauth2orize/, /response_type=token /, /Authorization: Bearer$/],
    builds: ["script-tag build", "ES-module build"],
  },
  {
    options: { flow: "code" },
    name: "OAuth 2.0 authorization code flow with PKCE",
    banner: [/oauth2orize/, /response_type=code, code_challenge_method=S256/, /flow: codeFlow /, /Authorization: Bearer$/],
    builds: ["script-tag build", "ES-module build"],
  },
  {
    options: { provider: "oidc" },
    name: "OpenID Connect implicit flow",
    banner: [/oidc-provider \(createOidcClient\)/, /response_type=id_token token /, /Authorization: Bearer$/],
    builds: ["script-tag build", "ES-module build"],
  },
  {
    options: { provider: "oidc", flow: "code" },
    name: "OpenID Connect authorization code flow with PKCE",
    banner: [/oidc-provider/, /response_type=code, code_challenge_method=S256/, /flow: codeFlow /, /Authorization: Bearer$/],
    builds: ["script-tag build", "ES-module build"],
  },
  {
    options: { provider: "oidc", flow: "code", dpop: true },
    name: "OpenID Connect authorization code flow with PKCE and DPoP",
    banner: [/oidc-provider/, /response_type=code/, /flow: codeFlow, dpop /, /Authorization: DPoP \+ proof$/],
    builds: ["script-tag build", "ES-module build"],
  },
];

for (const mode of MODES) {
  describe(`the demo names its mode: ${mode.name}`, () => {
    const servers = demoIn(mode.options);

    it("in the title, the heading and the banner of both pages, and shows each button's SDK call", async () => {
      const { demo } = servers;
      const { page, errors, close } = await newPage();
      try {
        for (const [path, build] of [
          ["/", mode.builds[0]],
          ["/esm.html", mode.builds[1]],
        ] as const) {
          await page.goto(demo.spa.origin + path);
          await page.locator("body[data-ready]").waitFor();
          expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`${mode.name}, ${build}`);
          expect(await page.title()).toBe(`implicitly demo · ${mode.name} · ${build}`);
          const banner = await page.locator("#mode").innerText();
          for (const part of mode.banner) expect(banner).toMatch(part);
          // A code mode never calls itself implicit, and an implicit one never claims PKCE.
          if (mode.options.flow === "code") expect(`${await page.title()} ${banner}`).not.toMatch(/implicit (grant|flow)|id_token token|response_type=token/);
          else expect(`${await page.title()} ${banner}`).not.toMatch(/PKCE|codeFlow/);
          for (const [id, call] of Object.entries(CALLS)) {
            expect(await page.locator(`.action:has(#${id}) code.call`).innerText(), id).toBe(call);
          }
          expect(await page.locator("label[for=auto-renew] + code.call").innerText()).toBe("autoRenew(client)");
        }
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  });
}

/** The rows of the request log: request, status, Authorization sent. */
const logRows = (page: Page) =>
  page.locator("#log tbody tr").evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)));

describe("the request log shows the scheme each request carried", () => {
  const bearer = demoIn({});
  const dpop = demoIn({ provider: "oidc", flow: "code", dpop: true });

  it("Bearer to the API, none to the third-party origin", async () => {
    const { demo } = bearer;
    const { page, errors, close } = await newPage();
    try {
      await page.goto(demo.spa.origin + "/");
      await page.locator("body[data-ready]").waitFor();
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((url) => url.origin === demo.auth.origin);
      await page.getByLabel("Username").fill(DEMO_USER.username);
      await page.getByLabel("Password").fill(DEMO_USER.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("button", { name: "Allow", exact: true }).click();
      await page.waitForURL((url) => url.origin === demo.spa.origin);
      await page.locator("body[data-ready]").waitFor();
      await page.getByRole("button", { name: "Get profile" }).click();
      await expect.poll(() => logRows(page)).toContainEqual([`GET ${demo.api.origin}/api/profile`, "200", "Bearer"]);
      await page.getByRole("button", { name: "Call a third-party origin" }).click();
      await expect.poll(() => logRows(page)).toContainEqual([`GET ${demo.thirdParty.origin}/echo`, "200", "none"]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("DPoP with its proof, with the dpop option", async () => {
    const { demo } = dpop;
    const { page, errors, close } = await newPage();
    try {
      await page.goto(demo.spa.origin + "/");
      await page.locator("body[data-ready]").waitFor();
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await signInAtProvider(page, demo.oidc!.issuer, demo.spa.origin);
      await page.getByRole("button", { name: "Get profile" }).click();
      await expect.poll(() => logRows(page)).toContainEqual([`GET ${demo.api.origin}/api/profile`, "200", "DPoP + proof"]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

/** The built SDK and its silent page, as an app of one's own would serve them. */
const SDK = readFileSync("dist/implicitly.mjs", "utf8");
const SILENT = readFileSync("dist/implicitly-silent.html", "utf8");

/**
 * Serves "your own app" on its own origin: one page with the README's recommended setup (code
 * flow, restore(), a login button, an API call), the SDK, and the shipped silent page.
 */
async function startOwnApp(settings: () => Record<string, string>) {
  const page = () => `<!doctype html><meta charset="utf-8"><title>my app</title>
<button id="login">Sign in</button><pre id="output"></pre>
<script type="module">
  import { codeFlow, createClient, restore } from "/implicitly.mjs";
  const s = ${JSON.stringify(settings())};
  const auth = createClient({
    authorizationEndpoint: s.authorizationEndpoint,
    tokenEndpoint: s.tokenEndpoint,
    clientId: s.clientId,
    redirectUri: location.origin + "/",
    // /misconfigured: a silent page the server does not know, as after a typo in the registration.
    silentRedirectUri: location.origin + (location.pathname == "/misconfigured" ? "/unregistered.html" : "/silent.html"),
    scope: "profile",
    resourceOrigins: [s.api],
    flow: codeFlow,
  });
  document.getElementById("login").onclick = () => auth.login();
  const output = document.getElementById("output");
  try {
    const token = await restore(auth);
    if (token) {
      const res = await auth.fetch(s.api + "/api/profile");
      output.textContent = res.status + " " + (await res.json()).name;
    } else output.textContent = "signed out";
  } catch (e) {
    output.textContent = "error " + e.code + " " + e.description;
  }
  document.body.dataset.ready = "true";
</script>`;
  const server = createServer((req, res) => {
    const [type, body] =
      req.url === "/implicitly.mjs" ? ["text/javascript", SDK] : req.url?.startsWith("/silent.html") ? ["text/html", SILENT] : ["text/html", page()];
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store", Connection: "close" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("--app-origin: an app of one's own against the demo's servers", () => {
  const holder = {} as { demo: Demo; app: { origin: string; close(): Promise<void> } };
  beforeAll(async () => {
    holder.app = await startOwnApp(() => ({
      authorizationEndpoint: holder.demo.auth.authorizationEndpoint,
      tokenEndpoint: holder.demo.auth.tokenEndpoint,
      clientId: holder.demo.auth.clientId,
      api: holder.demo.api.origin,
    }));
    holder.demo = await startDemo({ flow: "code", appOrigins: [holder.app.origin] });
  });
  afterAll(async () => {
    await holder.demo?.close();
    await holder.app?.close();
  });

  it("signs in by redirect, calls the API across origins, and renews silently after a reload", async () => {
    const { demo, app } = holder;
    const { page, errors, close } = await newPage();
    try {
      await page.goto(app.origin + "/");
      await page.locator("body[data-ready]").waitFor();
      // Not signed in at the server yet: restore() resolves null after its silent try.
      expect(await page.locator("#output").innerText()).toBe("signed out");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.origin === demo.auth.origin);
      await page.getByLabel("Username").fill(DEMO_USER.username);
      await page.getByLabel("Password").fill(DEMO_USER.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("button", { name: "Allow", exact: true }).click();
      await page.waitForURL((url) => url.origin === app.origin);
      await page.locator("body[data-ready]").waitFor();
      expect(await page.locator("#output").innerText()).toBe(`200 ${DEMO_USER.name}`);
      // A reload: the silent page at <origin>/silent.html is registered, so the frame brings a token.
      await page.reload();
      await page.locator("body[data-ready]").waitFor();
      expect(await page.locator("#output").innerText()).toBe(`200 ${DEMO_USER.name}`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("an unregistered silent redirect URI: the server's error page in the frame gives page_in_frame, not a signed-out null nor a timeout", async () => {
    const { demo, app } = holder;
    const { page, errors, close } = await newPage();
    const answers: number[] = [];
    page.on("response", (r) => r.url().startsWith(demo.auth.authorizationEndpoint + "?") && answers.push(r.status()));
    try {
      await page.goto(app.origin + "/misconfigured");
      await page.locator("body[data-ready]").waitFor();
      // The server refused the redirect URI with its own error page (it must not redirect to it).
      expect(answers).toEqual([400]);
      expect(await page.locator("#output").innerText()).toBe(`error page_in_frame ${app.origin}/unregistered.html`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
