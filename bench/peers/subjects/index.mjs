// The libraries compared, each described by a small module in this folder. A subject is
// { name, version, entry, parse?, fetch? }:
//   entry  – the file in ../entries bundled for the size column;
//   parse  – (callbackUrl) => unknown: the library's own callback parser, where it exposes one;
//   fetch  – { url(url, init), request(request) } => Promise<Response>: its fetch wrapper, where it
//            has one and takes that kind of input; the wrapped fetch is noopFetch either way.
// Every setup runs inside the jsdom page that run.mjs opens, with the global fetch replaced.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The installed version of a package in bench/peers/node_modules. */
export const installedVersion = (pkg) =>
  JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version;

/** Loads a CommonJS or UMD build, as a bundler would. */
export const load = (specifier) => require(specifier);

const MODULES = [
  "./implicitly.mjs",
  "./jso.mjs",
  "./hellojs.mjs",
  "./keycloak-js.mjs",
  "./oidc-client-ts.mjs",
  "./oauth4webapi.mjs",
  "./badgateway-oauth2-client.mjs",
];

/** Sets every subject up, implicitly first. */
export const loadSubjects = async () => {
  const subjects = [];
  for (const path of MODULES) subjects.push(await (await import(path)).setup());
  return subjects;
};
