import { describe, expect, it } from "vitest";
import { checkResponseIssuer } from "../../src/protocol/response-issuer";
import { parseAuthorizationResponse } from "../../src/protocol/response";

const ISSUER = "https://id.example.com";
const params = (fragment: string) => parseAuthorizationResponse(fragment)!.params;

describe("checkResponseIssuer (RFC 9207)", () => {
  it("accepts the issuer's own iss, on success and error responses", () => {
    expect(() => checkResponseIssuer(params("#access_token=a&token_type=Bearer&state=s&iss=https%3A%2F%2Fid.example.com"), ISSUER, true)).not.toThrow();
    expect(() => checkResponseIssuer(params("#error=access_denied&state=s&iss=https%3A%2F%2Fid.example.com"), ISSUER)).not.toThrow();
  });

  it.each([
    ["another issuer", "https%3A%2F%2Fevil.example"],
    ["a trailing slash", "https%3A%2F%2Fid.example.com%2F"],
    ["an empty iss", ""],
  ])("rejects %s, required or not, on success and error responses", (_, iss) => {
    for (const f of ["#access_token=a&token_type=Bearer&state=s&iss=", "#error=access_denied&state=s&iss="])
      for (const required of [false, true])
        expect(() => checkResponseIssuer(params(f + iss), ISSUER, required)).toThrow(
          expect.objectContaining({ code: "issuer_mismatch", message: expect.stringContaining("iss ") }),
        );
  });

  it("accepts a response without iss when not required", () => {
    expect(() => checkResponseIssuer(params("#access_token=a&token_type=Bearer&state=s"), ISSUER)).not.toThrow();
  });

  it("rejects a response without iss when required", () => {
    for (const f of ["#access_token=a&token_type=Bearer&state=s", "#error=access_denied&state=s"])
      expect(() => checkResponseIssuer(params(f), ISSUER, true)).toThrow(
        expect.objectContaining({ code: "issuer_mismatch", message: expect.stringContaining("iss missing") }),
      );
  });

  it("lets a response carrying an ID token leave iss out (its iss claim is checked instead)", () => {
    expect(() => checkResponseIssuer(params("#access_token=a&token_type=Bearer&id_token=x.y.z&state=s"), ISSUER, true)).not.toThrow();
    expect(() => checkResponseIssuer(params("#id_token=x.y.z&state=s&iss=https%3A%2F%2Fevil.example"), ISSUER, true)).toThrow(
      expect.objectContaining({ code: "issuer_mismatch" }),
    );
  });

  it("never accepts when the issuer is empty", () => {
    expect(() => checkResponseIssuer(params("#error=x&state=s&iss="), "")).toThrow(expect.objectContaining({ code: "issuer_mismatch" }));
  });

  it("reads no iss through the prototype", () => {
    expect(() => checkResponseIssuer(params("#error=x&state=s&__proto__=y"), ISSUER, true)).toThrow(
      expect.objectContaining({ code: "issuer_mismatch", message: expect.stringContaining("iss missing") }),
    );
  });
});
