// One demo (its servers on free ports) and one Chromium per test file, with the bookkeeping every
// browser test needs: fresh profiles closed after each test, page errors failing the test, and
// the Authorization headers that reached the API.
import type { Browser, BrowserContext, LaunchOptions, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startDemo, type Demo, type DemoOptions } from "../../demo/demo.mjs";
import { launchChromium } from "./chromium";

/** What {@link useDemoBrowser} gives a test file (filled in by its `beforeAll`). */
export interface DemoBrowser {
  demo: Demo;
  browser: Browser;
  /** Authorization headers that reached the API, in order. */
  apiAuthorization: string[];
  /** A fresh browser profile (no cookies, no storage), closed after the test; 800×760 unless told. */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
}

/**
 * Registers the hooks that start the demo and Chromium before the file's tests and stop them
 * after; each test's profiles are closed after it, and an uncaught page error fails it.
 * @param options - `demo`: options of `startDemo` (its `onApiRequest` is taken); `launch`: Chromium's
 */
export function useDemoBrowser(options: { demo?: Omit<DemoOptions, "onApiRequest">; launch?: LaunchOptions } = {}): DemoBrowser {
  const contexts: BrowserContext[] = [];
  const pageErrors: Error[] = [];
  const env = {
    apiAuthorization: [] as string[],
    async newContext(viewport = { width: 800, height: 760 }) {
      const context = await env.browser.newContext({ viewport });
      contexts.push(context);
      context.on("page", (page) => page.on("pageerror", (e) => pageErrors.push(e)));
      return context;
    },
  } as DemoBrowser;

  beforeAll(async () => {
    [env.demo, env.browser] = await Promise.all([
      startDemo({
        ...options.demo,
        onApiRequest: (req) => void (req.headers.authorization && env.apiAuthorization.push(req.headers.authorization)),
      }),
      launchChromium(options.launch),
    ]);
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await env.browser?.close();
    await env.demo?.close();
  });

  return env;
}

/**
 * Goes through the OpenID provider's development login and consent pages in `page` (which is
 * there, or on its way), as a person would, and waits until the demo app is back and ready.
 * @param issuer - the provider's origin
 * @param appOrigin - the demo app's origin
 */
export async function signInAtProvider(page: Page, issuer: string, appOrigin: string): Promise<void> {
  await page.waitForURL((url) => url.origin === issuer);
  await page.getByPlaceholder("Enter any login").fill("demo");
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.origin === appOrigin);
  await page.locator("body[data-ready]").waitFor();
}

/** What the page's IndexedDB holds: per stored session, its members and whether its key is extractable. */
export const storedSessions = (page: Page) =>
  page.evaluate(async () => {
    // Never create the database by looking at it.
    if (!(await indexedDB.databases()).some((d) => d.name === "implicitly")) return [];
    return new Promise<unknown[]>((resolve, reject) => {
      const open = indexedDB.open("implicitly");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("sessions")) return resolve([]);
        const all = db.transaction("sessions").objectStore("sessions").getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result.map((s) => ({ members: Object.keys(s).sort(), extractable: s.key.privateKey.extractable })));
        };
      };
    });
  });

/**
 * Signs in again in `popup` (a step-up at the OpenID provider's development login page, opened by
 * the page), consenting when asked, and waits until the popup has closed.
 * @param issuer - the provider's origin
 */
export async function signInAgainInPopup(popup: Page, issuer: string): Promise<void> {
  await popup.waitForURL((url) => url.origin === issuer);
  await popup.getByPlaceholder("Enter any login").fill("demo");
  await popup.getByPlaceholder("and password").fill("any password");
  await popup.getByRole("button", { name: "Sign-in" }).click();
  // A grant that holds what is asked needs no consent: then the popup closes at once.
  const consent = popup.getByRole("button", { name: "Continue" });
  await Promise.race([popup.waitForEvent("close"), consent.click().catch(() => undefined)]);
  if (!popup.isClosed()) await popup.waitForEvent("close");
}
