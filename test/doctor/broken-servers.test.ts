// @vitest-environment node
// The doctor against servers that each get one thing wrong: the kit's fake server (right on every
// count) on a loopback port, with one answer spoiled. Each problem is found, with the right advice.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDoctor, siteOf } from "../../src/doctor/checks";
import { main } from "../../src/doctor/cli";
import { createFakeServer, nodeListener, type FakeServerOptions } from "../../src/testing";

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

type Spoil = (request: Request, response: Response) => Response | Promise<Response>;

/** The fake server on 127.0.0.1 (nodeListener), its answers passed through `spoil`. */
const serve = async (spoil: Spoil = (_, r) => r, options: FakeServerOptions = {}) => {
  const http = createServer();
  servers.push(http);
  await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const fake = createFakeServer({ ...options, issuer });
  http.on("request", nodeListener({ endpoints: fake.endpoints, handle: async (request) => spoil(request, await fake.handle(request.clone())) }));
  return { issuer, fake };
};

const APP = "http://127.0.0.1:8700";
const doctor = async (issuer: string, more: Partial<Parameters<typeof runDoctor>[0]> = {}) =>
  runDoctor({ issuer, appOrigin: APP, redirectUri: APP + "/callback", clientId: "app", api: issuer + "/userinfo", ...more });

/** A copy of `response` with headers changed (null removes one). */
const withHeaders = (response: Response, headers: Record<string, string | null>) => {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) copy.headers.delete(name);
    else copy.headers.set(name, value);
  }
  return copy;
};
const path = (request: Request) => new URL(request.url).pathname;
const metadata =
  (change: (m: Record<string, unknown>) => void): Spoil =>
  async (request, response) => {
    if (!path(request).startsWith("/.well-known/")) return response;
    const m = (await response.json()) as Record<string, unknown>;
    change(m);
    return new Response(JSON.stringify(m), response);
  };

describe("implicitly doctor", () => {
  it("finds nothing wrong with the kit's fake server", async () => {
    const { issuer } = await serve();
    const findings = await doctor(issuer);
    expect(findings.filter((f) => f.status == "fail" || f.status == "warn")).toEqual([]);
    expect(findings.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        "discovery",
        "pkce",
        "token-cors",
        "token-cors-dpop",
        "framing",
        "coop",
        "same-site",
        "clock",
        "iss",
        "api-challenge",
        "api-preflight",
      ]),
    );
  });

  it.each<[string, Spoil, string, "fail" | "warn", RegExp, FakeServerOptions?]>([
    [
      "the token endpoint without CORS",
      (req, res) => (req.method == "POST" && path(req) == "/token" ? withHeaders(res, { "Access-Control-Allow-Origin": null }) : res),
      "token-cors",
      "fail",
      /Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:8700 with every answer of/,
    ],
    [
      "a preflight that does not allow DPoP",
      (req, res) => (req.method == "OPTIONS" && path(req) == "/token" ? withHeaders(res, { "Access-Control-Allow-Headers": "Content-Type" }) : res),
      "token-cors-dpop",
      "fail",
      /Access-Control-Allow-Headers: Content-Type, DPoP/,
    ],
    [
      "an authorization endpoint that refuses frames",
      (req, res) => (path(req) == "/authorize" ? withHeaders(res, { "X-Frame-Options": "DENY" }) : res),
      "framing",
      "warn",
      /frame-ancestors http:\/\/127\.0\.0\.1:8700 \(and no X-Frame-Options\)/,
    ],
    [
      "COOP same-origin on the authorization pages",
      (req, res) => (path(req) == "/authorize" ? withHeaders(res, { "Cross-Origin-Opener-Policy": "same-origin" }) : res),
      "coop",
      "warn",
      /Cross-Origin-Opener-Policy: unsafe-none/,
    ],
    ["PKCE without S256", metadata((m) => (m.code_challenge_methods_supported = ["plain"])), "pkce", "fail", /PKCE with S256/],
    ["an issuer that differs by a slash", metadata((m) => (m.issuer += "/")), "discovery", "fail", /Set the server's issuer to exactly/],
    [
      "discovery without CORS",
      (req, res) => (path(req).startsWith("/.well-known/") ? withHeaders(res, { "Access-Control-Allow-Origin": null }) : res),
      "discovery-cors",
      "fail",
      /Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:8700 \(or \*\)/,
    ],
    [
      "a clock 10 minutes fast",
      (_, res) => withHeaders(res, { Date: new Date(Date.now() + 600_000).toUTCString() }),
      "clock",
      "fail",
      /Synchronise the clocks .* clockSkew option to 6\d\d/,
    ],
    [
      "no iss in responses (RFC 9207)",
      (_, res) => res,
      "iss",
      "warn",
      /authorization_response_iss_parameter_supported: true/,
      { quirks: { noIssParameter: true } },
    ],
    ["DPoP without ES256", metadata((m) => (m.dpop_signing_alg_values_supported = ["RS256"])), "dpop-algs", "fail", /Add ES256/],
    ["no revocation endpoint", metadata((m) => delete m.revocation_endpoint), "revocation", "warn", /publish revocation_endpoint/],
    ["no end-session endpoint", metadata((m) => delete m.end_session_endpoint), "end-session", "warn", /publish end_session_endpoint/],
    [
      "an API that hides WWW-Authenticate",
      (_, res) => res,
      "api-challenge",
      "warn",
      /Access-Control-Expose-Headers: WWW-Authenticate/,
      { quirks: { hiddenChallenges: true } },
    ],
    [
      "an API without WWW-Authenticate",
      (_, res) => res,
      "api-challenge",
      "warn",
      /WWW-Authenticate: Bearer error="invalid_token"/,
      { quirks: { bareChallenges: true } },
    ],
    [
      "an API preflight without Authorization",
      (req, res) => (req.method == "OPTIONS" && path(req) == "/userinfo" ? withHeaders(res, { "Access-Control-Allow-Headers": "*" }) : res),
      "api-preflight",
      "fail",
      /\* does not cover Authorization/,
    ],
  ])("finds %s", async (_, spoil, id, status, fix, options) => {
    const { issuer } = await serve(spoil, options);
    const findings = await doctor(issuer);
    const finding = findings.find((f) => f.id == id);
    expect(finding).toMatchObject({ status });
    expect(finding!.fix).toMatch(fix);
    // One thing wrong, one finding: every other line stays green.
    expect(findings.filter((f) => f.id != id && (f.status == "fail" || f.status == "warn"))).toEqual([]);
  });

  it("finds a redirect URI on another origin (localhost is not 127.0.0.1)", async () => {
    const { issuer } = await serve();
    const finding = (await doctor(issuer, { redirectUri: "http://localhost:8700/callback" })).find((f) => f.id == "redirect-uri");
    expect(finding).toMatchObject({ status: "fail", found: expect.stringMatching(/localhost and 127\.0\.0\.1 are different origins/) });
    expect(finding!.fix).toMatch(/Use a redirect URI on http:\/\/127\.0\.0\.1:8700, e\.g\. http:\/\/127\.0\.0\.1:8700\/callback/);
  });

  it("finds a prompt=none answered with a page instead of a redirect (Django OAuth Toolkit)", async () => {
    // The login page made framable, so that only the page itself is wrong.
    const { issuer, fake } = await serve(
      (req, res) => (path(req) == "/authorize" ? withHeaders(res, { "X-Frame-Options": null, "Content-Security-Policy": null }) : res),
      { quirks: { interactivePromptNone: true } },
    );
    fake.endSession();
    const finding = (await doctor(issuer)).find((f) => f.id == "framing");
    expect(finding).toMatchObject({
      status: "warn",
      found: expect.stringMatching(/a page instead of a redirect/),
      fix: expect.stringMatching(/Support prompt=none/),
    });
  });

  it("tells sites apart by scheme and registrable domain", () => {
    expect(siteOf("https://login.example.com/authorize")).toBe("https://example.com");
    expect(siteOf("https://app.example.co.uk")).toBe("https://example.co.uk");
    expect(siteOf("https://me.github.io/app")).toBe("https://me.github.io");
    expect(siteOf("http://127.0.0.1:8700")).toBe("http://127.0.0.1");
    expect(siteOf("http://localhost:3000")).toBe("http://localhost");
    expect(siteOf("http://example.com")).not.toBe(siteOf("https://example.com"));
  });

  it("finds an app on another site than the server (third-party cookies)", async () => {
    const { issuer } = await serve();
    const findings = await doctor(issuer, { appOrigin: "http://localhost:8700", redirectUri: "http://localhost:8700/callback" });
    expect(findings.find((f) => f.id == "same-site")).toMatchObject({ status: "warn", fix: expect.stringMatching(/use codeFlow/) });
  });

  it("exits 1 when something blocks sign-in, 0 otherwise; --json for scripts", async () => {
    const good = await serve();
    const bad = await serve((req, res) => (req.method == "POST" && path(req) == "/token" ? withHeaders(res, { "Access-Control-Allow-Origin": null }) : res));
    const out: string[] = [];
    const args = (issuer: string) => ["doctor", "--issuer", issuer, "--app-origin", APP, "--redirect-uri", APP + "/callback", "--client-id", "app"];
    expect(await main(args(good.issuer), (t) => out.push(t))).toBe(0);
    expect(out.pop()).toMatch(/^\[ok {2}\] the redirect URI is a page of the app/m);
    expect(await main([...args(bad.issuer), "--json"], (t) => out.push(t))).toBe(1);
    const report = JSON.parse(out.pop()!) as { ok: boolean; findings: { id: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ id: "token-cors", status: "fail" }));
    expect(await main(["doctor", "--issuer", "nope"], (t) => out.push(t))).toBe(2);
    expect(out.pop()).toMatch(/--issuer: "nope" is not an absolute URL/);
  });

  it("runs as `npx implicitly doctor` (the package's bin, from dist/)", async () => {
    const { issuer } = await serve((req, res) => (path(req) == "/authorize" ? withHeaders(res, { "X-Frame-Options": "DENY" }) : res));
    const bin = join(__dirname, "..", "..", "bin", "implicitly.mjs");
    const run = await new Promise<{ status: number | null; stdout: string }>((done) => {
      // Asynchronously: the server answering it runs in this process.
      const child = spawn(process.execPath, [bin, "doctor", "--issuer", issuer, "--app-origin", APP, "--redirect-uri", APP + "/cb"]);
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.on("close", (status: number | null) => done({ status, stdout }));
    });
    expect(run.stdout).toMatch(
      /\[warn\] the authorization endpoint can be framed by the app \(silent renewal\): X-Frame-Options: DENY\n {7}change: Send Content-Security-Policy: frame-ancestors/,
    );
    expect(run.status).toBe(0);
    expect(spawnSync(process.execPath, [bin, "doctor"], { encoding: "utf8" }).status).toBe(2);
  });
});
