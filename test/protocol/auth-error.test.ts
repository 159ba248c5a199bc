// @vitest-environment jsdom
// AuthError keeps the original error as `cause` wherever there is one (never only its text), and
// a message that says more when it has one; its code is typed AuthErrorCode | (string & {}).
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/client";
import { codeFlow } from "../../src/code/code-flow";
import { AuthError, type AuthErrorCode } from "../../src/protocol/errors";
import { brokenStorage } from "../support/memory-storage";

describe("AuthError", () => {
  it("keeps cause and message when given, and stays as it was without them", () => {
    const cause = new TypeError("Failed to fetch");
    const e = new AuthError("token_network", "TypeError: Failed to fetch", undefined, { cause });
    expect(e.cause).toBe(cause);
    expect(e.message).toBe("token_network: TypeError: Failed to fetch");
    const taught = new AuthError("invalid_config", "clientId", undefined, { message: "clientId: a number is not a string" });
    expect(taught).toMatchObject({ description: "clientId", message: "invalid_config: clientId: a number is not a string" });
    expect("cause" in new AuthError("access_denied")).toBe(false);
    expect(new AuthError("access_denied").message).toBe("access_denied");
  });

  it("a storage that throws: storage_unavailable whose cause is the storage's own error", async () => {
    const client = createClient({
      authorizationEndpoint: "https://id.example.com/a",
      clientId: "spa",
      redirectUri: "https://app.example.com/cb",
      storage: brokenStorage(),
    });
    const e = await client.authorizationUrl().catch((x) => x);
    expect(e).toMatchObject({ code: "storage_unavailable" });
    expect(e.cause).toBeInstanceOf(DOMException);
    expect(e.cause.name).toBe("QuotaExceededError");
  });

  it("a token endpoint that cannot be reached: token_network whose cause is fetch's error", async () => {
    const failure = new TypeError("Failed to fetch");
    const storage = {
      data: new Map<string, string>(),
      getItem(k: string) {
        return this.data.get(k) ?? null;
      },
      setItem(k: string, v: string) {
        this.data.set(k, v);
      },
      removeItem(k: string) {
        this.data.delete(k);
      },
    };
    const client = createClient({
      authorizationEndpoint: "https://id.example.com/a",
      tokenEndpoint: "https://id.example.com/token",
      clientId: "spa",
      redirectUri: "https://app.example.com/cb",
      storage,
      flow: codeFlow,
      fetch: async () => {
        throw failure;
      },
    });
    const state = new URL(await client.authorizationUrl()).searchParams.get("state")!;
    const e = await client.handleRedirect("https://app.example.com/cb?code=c&state=" + encodeURIComponent(state)).catch((x) => x);
    expect(e).toMatchObject({ code: "token_network" });
    expect(e.cause).toBe(failure);
  });

  it("codes: every SDK code is an AuthErrorCode; a server's own code still passes", () => {
    const sdk: AuthErrorCode[] = ["invalid_config", "token_timeout", "dpop_nonce", "id_token_at_hash", "page_in_frame"];
    const server: AuthError["code"] = "some_server_code";
    expect([...sdk, server]).toHaveLength(6);
  });
});
