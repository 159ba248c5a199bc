import type { FakeServer } from "./fake-server";

/** The part of Playwright's `Request` that {@link routeFakeServer} reads. */
export interface RoutedRequest {
  /** The request's URL. */
  url(): string;
  /** Its method. */
  method(): string;
  /** Its headers, as the browser sends them. */
  allHeaders(): Promise<Record<string, string>>;
  /** Its body, as text. */
  postData(): string | null;
}

/** The part of Playwright's `Route` that {@link routeFakeServer} uses. */
export interface RoutedRoute {
  /** The request being routed. */
  request(): RoutedRequest;
  /** Answers it. */
  fulfill(response: { status: number; headers: Record<string, string>; body: string }): Promise<void>;
}

/** The part of Playwright's `Page` (or `BrowserContext`) that {@link routeFakeServer} uses. */
export interface RoutablePage {
  /** Routes the requests whose URL matches the glob `url` to `handler`. */
  route(url: string, handler: (route: RoutedRoute) => Promise<void>): Promise<unknown>;
}

/**
 * Puts the fake server behind Playwright's `page.route()` (or `context.route()`): every request
 * the browser makes to the issuer's origin, navigations and `fetch` alike, is answered by
 * {@link FakeServer.handle}, so an end-to-end test needs no server process and no port. The
 * browser does the rest as with a real server: it follows the authorization redirect back to the
 * app, and enforces CORS on the page's requests.
 *
 * Typed structurally, so that `implicitly/testing` does not depend on Playwright.
 *
 * @param page - a Playwright `Page` or `BrowserContext`
 * @param server - from {@link createFakeServer}
 * @example
 * ```ts
 * const server = createFakeServer({ issuer: "https://id.example.test" });
 * await routeFakeServer(page, server);
 * await page.goto(appUrl);
 * ```
 */
export const routeFakeServer = async (page: RoutablePage, server: FakeServer): Promise<void> => {
  await page.route(new URL(server.endpoints.issuer).origin + "/**", async (route) => {
    const req = route.request();
    const method = req.method();
    const body = method == "GET" || method == "HEAD" ? null : req.postData();
    const response = await server.handle(new Request(req.url(), { method, headers: await req.allHeaders(), body }));
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    await route.fulfill({ status: response.status, headers, body: await response.text() });
  });
};
