// `node bench/code-flow.mjs`: the code flow's own parsing costs, each next to its baseline. The
// code callback is parsed from the query (parseCodeResponse), the token endpoint's answer strictly
// (parseTokenResponse); both built from src by bench/lib/from-src.mjs
// (transpiled, not minified, imported from memory). Printed only; the README quotes it.
import { importFromSrc } from "./lib/from-src.mjs";
import { measure, settings } from "./lib/measure.mjs";

const { parseCodeResponse, parseTokenResponse } = await importFromSrc(["protocol/code-response.ts", "protocol/token-response.ts"]);

const STATE = "f.Q2hvb3NlIGEgc3Ryb25nIHN0YXRlIGZvciBldmVyeSBsb2dpbg";
const CALLBACK = `https://app.example.com/callback?tab=2&code=SplxlOBeZQQYbYS6WxSbIA${"x".repeat(40)}&state=${STATE}&iss=https%3A%2F%2Fid.example.com`;
const BODY = JSON.stringify({
  access_token: "a".repeat(800),
  token_type: "Bearer",
  expires_in: 3600,
  refresh_token: "r".repeat(64),
  scope: "openid profile email",
});

if (parseCodeResponse(CALLBACK)[1] !== "https://app.example.com/callback?tab=2") throw new Error("parseCodeResponse misbehaves");
if (parseTokenResponse(200, "application/json", BODY).expiresIn !== 3600) throw new Error("parseTokenResponse misbehaves");

const results = await measure([
  { name: "parseCodeResponse(url)", fn: () => parseCodeResponse(CALLBACK) },
  { name: "new URLSearchParams(new URL(url).search)", fn: () => new URLSearchParams(new URL(CALLBACK).search) },
  { name: "parseTokenResponse(800-character token)", fn: () => parseTokenResponse(200, "application/json", BODY) },
  { name: "JSON.parse(body)", fn: () => JSON.parse(BODY) },
]);
console.log(`Node ${process.version}, ${settings.rounds} rounds of ${settings.timeMs} ms`);
for (const { name, ns } of results) console.log(`${name.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(7)} µs`);
