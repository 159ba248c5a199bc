// `node bench/dpop.mjs`: what DPoP adds to each request: signing a proof (createProof: a random
// jti, SHA-256 of the access token for `ath`, an ES256 signature with WebCrypto), next to the key's
// generation (once per page load) and a plain SHA-256. Built from src by bench/lib/from-src.mjs
// (transpiled, not minified, imported from memory). Printed only; the README
// quotes it.
import { importFromSrc } from "./lib/from-src.mjs";
import { measure, settings } from "./lib/measure.mjs";

const { createDpopKey, createProof } = await importFromSrc(["dpop/proof.ts"]);

const key = await createDpopKey();
const TOKEN = "a".repeat(800);
const URL_ = "https://api.example.com/orders?page=2";
if ((await createProof(key, "GET", URL_, { accessToken: TOKEN })).split(".").length !== 3) throw new Error("createProof misbehaves");

const results = await measure([
  {
    name: "createProof (resource: ath, 800-char token)",
    async: true,
    batch: 20,
    fn: () => createProof(key, "GET", URL_, { accessToken: TOKEN, nonce: "n-1" }),
  },
  { name: "createProof (token endpoint: no ath)", async: true, batch: 20, fn: () => createProof(key, "POST", "https://id.example.com/token") },
  { name: "createDpopKey (once per page load)", async: true, batch: 5, fn: () => createDpopKey() },
  { name: "crypto.subtle.digest SHA-256 (baseline)", async: true, batch: 20, fn: () => crypto.subtle.digest("SHA-256", new TextEncoder().encode(TOKEN)) },
]);
console.log(`Node ${process.version}, ${settings.rounds} rounds of ${settings.timeMs} ms`);
for (const { name, ns } of results) console.log(`${name.padEnd(48)} ${(ns / 1000).toFixed(2).padStart(8)} µs`);
