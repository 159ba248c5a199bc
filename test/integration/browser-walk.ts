// Walks the demo authorization server's pages over HTTP the way a browser does: cookies kept,
// redirects not followed (the tests look at each one), forms posted as
// application/x-www-form-urlencoded.
import type { StorageLike } from "../../src/index";

/** An in-memory Storage for the client's pending logins. */
export class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** One user agent: a cookie jar (the demo's servers all live on one loopback host) and fetch. */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** Sends a request with the jar's cookies, stores the cookies it sets, never follows redirects. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  /** Posts a form, as a browser submitting `<form method="post">` does. */
  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, { method: "POST", body: new URLSearchParams(form) });
  }
}

/** The value of `<input name="…" value="…">` in `html`. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no form field ${name} in the page`);
  return match[1]!;
}

/** Resolves a Location header against the URL that sent it. */
export function locationOf(response: Response, base: string): string {
  const location = response.headers.get("Location");
  if (location === null) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location, base).href;
}

/**
 * Follows an authorization request as a person would: opens the URL, signs in if the login form
 * shows, then allows or denies on the consent page. Returns the URL the server redirects back to.
 */
export async function authorizeInteractively(
  browser: Browser,
  authorizationUrl: string,
  { username, password, allow = true }: { username: string; password: string; allow?: boolean },
): Promise<string> {
  const { origin } = new URL(authorizationUrl);
  let page = await browser.get(authorizationUrl);
  if (page.status !== 200) throw new Error(`authorization page: HTTP ${page.status}`);
  let html = await page.text();
  if (html.includes('action="/login"')) {
    const login = await browser.post(origin + "/login", { transaction_id: formField(html, "transaction_id"), username, password });
    if (login.status !== 303) throw new Error(`login: HTTP ${login.status}`);
    page = await browser.get(locationOf(login, origin));
    html = await page.text();
  }
  if (!html.includes('action="/authorize/decision"')) throw new Error("expected the consent page");
  const decision = { transaction_id: formField(html, "transaction_id"), ...(allow ? { allow: "1" } : { cancel: "1" }) };
  const answer = await browser.post(origin + "/authorize/decision", decision);
  if (answer.status !== 302) throw new Error(`decision: HTTP ${answer.status}`);
  return locationOf(answer, origin);
}

/** The named inputs of the page's first form, and where it posts. */
export function firstForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error("no form in the page");
  const fields: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g)) fields[m[1]!] = m[2] ?? "";
  return { action: form[1]!, fields };
}

/**
 * Opens an authorization URL at oidc-provider (the demo's OpenID provider) and goes through its
 * development login and consent (or denies on the consent page), following every redirect, until
 * the provider sends the browser back to `redirect`.
 * @returns the URL the provider redirected to
 */
export async function authorizeAtProvider(
  authorizationUrl: string,
  redirect: string,
  { browser = new Browser(), login = "demo", deny = false }: { browser?: Browser; login?: string; deny?: boolean } = {},
): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(redirect)) return url;
    const res = await browser.get(url);
    if (res.status >= 300 && res.status < 400) {
      url = locationOf(res, url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} at ${url}: ${html.slice(0, 300)}`);
    const { action, fields } = firstForm(html);
    if (fields.prompt === "login") Object.assign(fields, { login, password: "any" });
    else if (deny) {
      url = new URL(action.replace(/\/?$/, "/abort"), url).href;
      continue;
    }
    url = locationOf(await browser.post(new URL(action, url).href, fields), url);
  }
  throw new Error("too many steps");
}
