import { describe, expect, it } from "vitest";
import { parseJsonObject } from "../../src/protocol/json";
import { parseResourceMetadata } from "../../src/protocol/resource-metadata";

// RFC 9728 §3.2's example, for the resource https://resource.example.com.
const EXAMPLE = {
  resource: "https://resource.example.com",
  authorization_servers: ["https://as1.example.com", "https://as2.example.net"],
  bearer_methods_supported: ["header", "body"],
  scopes_supported: ["profile", "email", "phone"],
  resource_documentation: "https://resource.example.com/resource_documentation.html",
};

describe("parseResourceMetadata", () => {
  it("reads the resource, its authorization servers and scopes, and keeps the whole document", () => {
    expect(parseResourceMetadata(EXAMPLE, "https://resource.example.com")).toEqual({
      resource: "https://resource.example.com",
      authorizationServers: ["https://as1.example.com", "https://as2.example.net"],
      scopesSupported: ["profile", "email", "phone"],
      metadata: EXAMPLE,
    });
  });

  it("compares the resource with the refused URL as parsed URLs (case of the host, default port)", () => {
    expect(parseResourceMetadata({ resource: "https://MCP.example.com:443/mcp" }, "https://mcp.example.com/mcp").resource).toBe(
      "https://MCP.example.com:443/mcp",
    );
  });

  it("refuses metadata about another resource, or about none (RFC 9728 §3.3): resource_mismatch", () => {
    for (const resource of ["https://other.example.com", "https://resource.example.com/api", "http://resource.example.com", "not a url", undefined, 7]) {
      expect(() => parseResourceMetadata({ ...EXAMPLE, resource }, "https://resource.example.com")).toThrow(
        expect.objectContaining({ code: "resource_mismatch" }),
      );
    }
  });

  it("refuses authorization_servers or scopes_supported that are not lists of strings; absent ones are empty", () => {
    for (const bad of [{ authorization_servers: "https://as1.example.com" }, { scopes_supported: [1] }, { authorization_servers: [null] }]) {
      expect(() => parseResourceMetadata({ ...EXAMPLE, ...bad }, EXAMPLE.resource)).toThrow(expect.objectContaining({ code: "resource_metadata_failed" }));
    }
    expect(parseResourceMetadata({ resource: EXAMPLE.resource }, EXAMPLE.resource)).toMatchObject({ authorizationServers: [], scopesSupported: [] });
  });

  it("reads a document parsed without prototypes: a planted __proto__ reaches nothing", () => {
    const json = parseJsonObject(
      JSON.stringify({ ...EXAMPLE, __proto__: { polluted: true } }).replace('"resource"', '"__proto__":{"polluted":true},"resource"'),
    )!;
    const found = parseResourceMetadata(json, EXAMPLE.resource);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(found.metadata)).toBeNull();
  });
});
