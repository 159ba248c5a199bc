// oidc-provider, made quiet and offline for the demo and the tests, without changing what it does:
// - oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS…" when it is loaded on
//   Node 20, which it runs on fine (every test of the demo passes there). That one line is dropped
//   while the package loads; every other warning still prints.
// - Its built-in pages (development login and consent, errors, logout) import web fonts from
//   fonts.googleapis.com. `offlinePages` strips that import, so the pages fall back to local
//   fonts and the demo makes no request beyond loopback.

const UNSUPPORTED_RUNTIME = "oidc-provider WARNING: Unsupported runtime.";
const warn = console.warn;
console.warn = (...args) => void (String(args[0]).includes(UNSUPPORTED_RUNTIME) || warn.apply(console, args));
let oidcProvider;
try {
  oidcProvider = await import("oidc-provider");
} finally {
  console.warn = warn;
}

export default oidcProvider.default;
export const { errors, interactionPolicy } = oidcProvider;

const WEB_FONTS = /@import url\(https:\/\/fonts\.googleapis\.com\/[^)]*\);?/g;

/**
 * Koa middleware for `provider.use()`: removes the web-font import from every HTML page the
 * provider renders.
 * @param {import("koa").Context} ctx
 * @param {() => Promise<void>} next
 */
export async function offlinePages(ctx, next) {
  await next();
  if (typeof ctx.body === "string" && ctx.response.is("html")) ctx.body = ctx.body.replace(WEB_FONTS, "");
}
