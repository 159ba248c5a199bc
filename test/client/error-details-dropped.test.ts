// A server that sends a valid `error` with a malformed `error_description` or `error_uri` (Glewlwyd
// 2.7 sends a bare `&error_description`, e.g. with `unauthorized_client` for a client without the
// code grant): the app gets the server's code, not "sign in again" (`invalid_response`).
import { beforeEach, describe, expect, it } from "vitest";
import { createClient, codeFlow } from "../../src/index";
import type { Client, ClientOptions } from "../../src/index";
import { MemoryStorage } from "../support/memory-storage";
import { CALLBACK, ENDPOINT } from "../support/session";

const TOKEN = "https://id.example.com/token";
let storage: MemoryStorage;

const make = (extra: Partial<ClientOptions> = {}): Client =>
  createClient({ authorizationEndpoint: ENDPOINT, tokenEndpoint: TOKEN, clientId: "spa", redirectUri: CALLBACK, storage, ...extra });

/** What Glewlwyd sends back for a login it refuses: the error, a bare error_description, the state. */
const glewlwyd = async (client: Client, error = "unauthorized_client") => {
  const state = encodeURIComponent(new URL(await client.authorizationUrl({ appState: "back" })).searchParams.get("state")!);
  return `error=${error}&error_description&state=${state}`;
};

beforeEach(() => {
  storage = new MemoryStorage();
  history.replaceState(null, "", "/");
});

describe("a malformed error_description or error_uri next to a valid error is dropped", () => {
  it("implicit grant, in the fragment: the server's code reaches the app, the login is consumed", async () => {
    const client = make();
    const e = await client.handleRedirect(CALLBACK + "#" + (await glewlwyd(client))).catch((x) => x);
    expect(e).toMatchObject({ name: "AuthError", code: "unauthorized_client", appState: "back" });
    expect(e.description).toBeUndefined();
    expect(storage.data.size).toBe(0);
  });

  it("implicit grant, in the query (a server that sends errors there)", async () => {
    const client = make();
    const e = await client.handleRedirect(CALLBACK + "?" + (await glewlwyd(client, "access_denied")) + "&error_uri=not%20a%20uri").catch((x) => x);
    expect(e).toMatchObject({ code: "access_denied", appState: "back" });
    expect(e.uri).toBeUndefined();
  });

  it("code flow: the server's code, nothing sent to the token endpoint", async () => {
    const sent: string[] = [];
    const client = make({ flow: codeFlow, fetch: (async (url: string) => (sent.push(url), new Response())) as typeof fetch });
    const e = await client.handleRedirect(CALLBACK + "?" + (await glewlwyd(client))).catch((x) => x);
    expect(e).toMatchObject({ code: "unauthorized_client", appState: "back" });
    expect(sent).toEqual([]);
  });

  it("still state first: with a state that is not pending it is a state_mismatch", async () => {
    const client = make({ flow: codeFlow });
    await expect(client.handleRedirect(CALLBACK + "?error=unauthorized_client&error_description&state=forged")).rejects.toMatchObject({
      code: "state_mismatch",
    });
  });
});
