// The libraries compared, each described by a small module in this folder. A subject is
// { name, version, entry, parse?, fetch? }:
//   entry  – the file in ../entries bundled for the size column;
//   parse  – (callbackUrl) => unknown: the library's own callback parser, where it exposes one;
//   fetch  – { url(url, init), request(request) } => Promise<Response>: its fetch wrapper, where it
//            has one and takes that kind of input; the wrapped fetch is noopFetch either way.
// Every setup runs inside the jsdom page that time.mjs opens, with the global fetch replaced, in a
// process of its own: no other subject is ever loaded next to it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The installed version of a package in bench/peers/node_modules. */
export const installedVersion = (pkg) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version;

/** Loads a CommonJS or UMD build, as a bundler would. */
export const load = (specifier) => require(specifier);

/** The subjects, by module name in this folder, in the order of the table: implicitly first. */
export const SUBJECTS = ["implicitly", "jso", "hellojs", "keycloak-js", "oidc-client-ts", "oauth4webapi", "badgateway-oauth2-client"];

/** Imports one subject's module and sets it up (which loads its library). */
export const loadSubject = async (module) => {
  if (!SUBJECTS.includes(module)) throw new Error(`unknown subject: ${module}`);
  return (await import(`./${module}.mjs`)).setup();
};
