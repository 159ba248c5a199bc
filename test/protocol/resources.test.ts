import { describe, expect, it } from "vitest";
import { isResource, isSecure, parseResource, pickResource, type Resource } from "../../src/protocol/resources";

const PAGE = "http://localhost:3000/app/page?x=1";

describe("isSecure", () => {
  it.each([
    "https://example.com/",
    "https://localhost/",
    "http://localhost/",
    "http://localhost:8080/",
    "http://LOCALHOST/",
    "http://127.0.0.1/",
    "http://127.255.0.9:3000/",
    "http://127.1/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]:8080/",
  ])("%s is secure", (url) => {
    expect(isSecure(new URL(url))).toBe(true);
  });

  it.each([
    "http://example.com/",
    "http://localhost.evil.test/",
    "http://localhost.",
    "http://127.0.0.1.nip.io/",
    "http://128.0.0.1/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://[::2]/",
    "http://[::ffff:127.0.0.1]/",
    "ws://localhost/",
    "ftp://example.com/",
    "file:///etc/passwd",
    "data:text/plain,x",
    "javascript:alert(1)",
  ])("%s is not", (url) => {
    expect(isSecure(new URL(url))).toBe(false);
  });
});

describe("parseResource", () => {
  it.each<[string, Resource]>([
    ["https://api.example.com", { origin: "https://api.example.com", path: "" }],
    ["https://api.example.com/", { origin: "https://api.example.com", path: "" }],
    ["https://API.Example.com:443", { origin: "https://api.example.com", path: "" }],
    ["https://api.example.com:8443/", { origin: "https://api.example.com:8443", path: "" }],
    ["https://example.com/api", { origin: "https://example.com", path: "/api" }],
    ["https://example.com/api/", { origin: "https://example.com", path: "/api" }],
    ["https://example.com/api//", { origin: "https://example.com", path: "/api" }],
    ["https://example.com/a/b/", { origin: "https://example.com", path: "/a/b" }],
    ["http://localhost:8080/api/", { origin: "http://localhost:8080", path: "/api" }],
    ["/api/", { origin: "http://localhost:3000", path: "/api" }],
    ["api/", { origin: "http://localhost:3000", path: "/app/api" }],
  ])("%s", (entry, expected) => {
    expect(parseResource(entry, PAGE)).toEqual(expected);
  });

  it.each([
    "http://api.example.com",
    "ftp://api.example.com",
    "wss://api.example.com",
    "https://user:pw@api.example.com",
    "https://user@api.example.com",
    "https://:pw@api.example.com",
    "https://api.example.com?x=1",
    "https://api.example.com/?",
    "https://api.example.com/#x",
    "https://api.example.com#",
    "javascript:alert(1)",
    "data:text/plain,x",
    "https://",
    "http://[::1",
  ])("refuses %s", (entry) => {
    expect(parseResource(entry, PAGE)).toBeUndefined();
  });

  it("refuses a relative entry without a page to resolve it against", () => {
    expect(parseResource("/api/")).toBeUndefined();
    expect(parseResource("/api/", "http://evil.example.com/")).toBeUndefined();
  });
});

describe("isResource", () => {
  const resources = ["https://api.example.com", "https://example.com/api/", "/local"].map((e) => parseResource(e, PAGE)!);
  const check = (url: string) => isResource(resources, new URL(url));

  it.each([
    "https://api.example.com",
    "https://api.example.com/",
    "https://api.example.com/any/path?q=1#f",
    "https://API.EXAMPLE.COM:443/x",
    "https://example.com/api",
    "https://example.com/api/",
    "https://example.com/api/orders/1",
    "https://example.com/x/../api/orders",
    "http://localhost:3000/local",
    "http://localhost:3000/local/x",
  ])("%s is inside", (url) => {
    expect(check(url)).toBe(true);
  });

  it.each([
    "https://api.example.com.evil.test/",
    "https://api.example.com@evil.test/",
    "https://evil.test/https://api.example.com/",
    "https://evilapi.example.com/",
    "https://x.api.example.com/",
    "http://api.example.com/",
    "https://api.example.com:444/",
    "https://example.com/",
    "https://example.com/apix",
    "https://example.com/apix/y",
    "https://example.com/ap",
    "https://example.com/API/x",
    "https://example.com/%61pi/x",
    "https://example.com/api/../admin",
    "https://example.com/other/api/x",
    "http://localhost:3000/",
    "http://localhost:3000/localx",
    "http://localhost:3001/local",
    "https://localhost:3000/local",
  ])("%s is outside", (url) => {
    expect(check(url)).toBe(false);
  });

  it("matches nothing with no resources", () => {
    expect(isResource([], new URL("https://api.example.com/"))).toBe(false);
  });
});

describe("pickResource", () => {
  const resources = ["https://api.example.com", "https://api.example.com/billing", "https://api.example.com/billing/v2", "https://other.example.com/a"].map(
    (entry) => parseResource(entry)!,
  );
  const pick = (url: string) => pickResource(resources, new URL(url));

  it("takes the most specific entry: the longest path prefix the URL is inside", () => {
    expect(pick("https://api.example.com/me")).toBe(0);
    expect(pick("https://api.example.com/billing")).toBe(1);
    expect(pick("https://api.example.com/billing/v1/x")).toBe(1);
    expect(pick("https://api.example.com/billing/v2/x")).toBe(2);
    // A segment boundary, as isResource: /billingx is the origin's, not billing's.
    expect(pick("https://api.example.com/billingx")).toBe(0);
  });

  it("is -1 outside every entry: another origin, scheme or port, or outside a path prefix", () => {
    expect(pick("https://other.example.com/b")).toBe(-1);
    expect(pick("http://api.example.com/me")).toBe(-1);
    expect(pick("https://api.example.com:444/me")).toBe(-1);
    expect(pick("https://api.example.com.evil.example/me")).toBe(-1);
    expect(pickResource([], new URL("https://api.example.com/"))).toBe(-1);
  });
});
