import { AuthError } from "../protocol/errors";
import { internalsOf } from "../client/internals";
import { handoffOf } from "../client/handoff";
import { invalidConfig } from "../client/options";
import { defineFeature, joinPipeline } from "../client/pipeline";
import { parseBearerChallenge } from "../protocol/challenge";
import { parseJsonObject } from "../protocol/json";
import { NQCHARS } from "../protocol/syntax";
import { createDpopKey, createProof, type DpopKey } from "./proof";
import type { Client } from "../client/types";
import type { Authorize } from "../browser/fetch";

/** The codes of {@link dpop}, besides those of the code flow and the server's own (`invalid_dpop_proof`, `use_dpop_nonce`, …). */
export type DpopErrorCode =
  /** The token endpoint answered a `Bearer` token: it did not bind the token to the key. */
  | "dpop_not_bound"
  /**
   * The token endpoint could not be reached with a `DPoP` header: a network failure, or (most
   * often) a CORS preflight that does not allow the `DPoP` request header, i.e. a server without DPoP.
   */
  | "dpop_network"
  /** A resource asked for a DPoP nonce (`use_dpop_nonce`) but its `DPoP-Nonce` header could not be read (not exposed to the page by CORS). */
  | "dpop_nonce";

/**
 * Sender-constrained tokens (DPoP, RFC 9449) for {@link codeFlow}: pass it as the `dpop` option
 * of {@link createClient} or {@link createOidcClient}, with `flow: codeFlow`.
 *
 * - One key pair per page load (ECDSA P-256, `ES256`), generated with WebCrypto when first needed,
 *   its private key non-extractable, held in memory only (unless {@link persistSession} keeps it
 *   with its refresh token), and dropped by {@link Client.logout}.
 * - Every request to the token endpoint (the code exchange, each refresh) carries a `DPoP` proof;
 *   the answer must be a `DPoP` token (`Bearer` is refused, `dpop_not_bound`). A
 *   `400 use_dpop_nonce` with a `DPoP-Nonce` header is answered with exactly one retry.
 * - {@link Client.fetch} sends `Authorization: DPoP <token>` and a fresh proof (with `ath`) inside
 *   `resourceOrigins` only, and never follows a redirect with them (`redirect: "error"`, unless the
 *   request asks for `"manual"`); a `401` whose `WWW-Authenticate` asks for a nonce (`use_dpop_nonce`)
 *   is answered with exactly one retry per request. Nonces are remembered per origin.
 * - `WWW-Authenticate: DPoP` challenges (RFC 9449 §7.1) are read as Bearer ones are: a
 *   `401 error="invalid_token"` drops the token and emits `expired` (and {@link autoRenew} renews once
 *   and replays once); every `401`/`403` emits `unauthorized` with the parsed challenge (e.g.
 *   `insufficient_scope` and its `scope`, for a step-up).
 * - Logins whose response comes back to this page (a frame of {@link renew}, a popup of
 *   {@link loginWithPopup}) send `dpop_jkt` (RFC 9449 §10), so that their code is bound to the
 *   key too; a full-page login does not (the key is gone with the page that asked).
 *
 * @param client - the client it is the `dpop` of (called by the client itself)
 * @throws AuthError `invalid_config` (`dpop`) without the code flow or without WebCrypto (not a
 * secure context); requests reject the codes of {@link DpopErrorCode}
 * @example
 * ```ts
 * import { createClient, codeFlow, dpop } from "implicitly";
 * const auth = createClient({ ...options, flow: codeFlow, dpop });
 * ```
 * @see RFC 9449
 */
export const dpop = /* @__PURE__ */ defineFeature(20, (client: Client): void => {
  const i = internalsOf(client);
  const { options: o, hooks } = i;
  // Only the code flow has a token endpoint to bind at; the proofs need WebCrypto.
  if (!hooks.refresh) throw invalidConfig("dpop", "dpop", "needs the code flow (flow: codeFlow): only a token endpoint binds a token to the key");
  if (!globalThis.crypto?.subtle) throw invalidConfig("dpop", "dpop", "needs WebCrypto (crypto.subtle): a secure context");
  let key: Promise<DpopKey> | undefined;
  const getKey = () => (key ||= createDpopKey());
  client.on("logout", () => (key = undefined));
  // Persistence (persistSession) saves the key in use and puts a stored one back.
  i.bindingKey = { get: getKey, set: (stored) => (key = Promise.resolve(stored)) };
  // The server's last nonce by origin (RFC 9449 §8, §9): a server may send a new one in any answer.
  const nonces: Record<string, string> = Object.create(null);
  const remember = (origin: string, response: Response) => {
    const nonce = response.headers.get("DPoP-Nonce");
    return nonce && NQCHARS.test(nonce) ? (nonces[origin] = nonce) : undefined;
  };
  const send = (url: string, init: RequestInit) => (o.fetch || fetch)(url, init);

  const token = async (url: string, init: RequestInit) => {
    const { origin } = new URL(url);
    let response!: Response;
    for (let retry = 0; retry < 2; retry++) {
      const headers = new Headers(init.headers);
      headers.set("DPoP", await createProof(await getKey(), "POST", url, { nonce: nonces[origin] }));
      try {
        response = await send(url, { ...init, headers });
      } catch (e) {
        if (init.signal?.aborted) throw e; // the code flow's timeout
        throw new AuthError("dpop_network", "token endpoint not reached with a DPoP proof (CORS preflight refusing the DPoP header?): " + e, undefined, {
          cause: e,
        });
      }
      // RFC 9449 §8: one retry, with the nonce the error came with; none readable, the error stands.
      if (!(response.status == 400 && remember(origin, response) && parseJsonObject(await response.clone().text())?.error == "use_dpop_nonce")) break;
    }
    if (response.ok) {
      const type = parseJsonObject(await response.clone().text())?.token_type;
      // A server without DPoP ignores the proof: its Bearer token is not what was asked for.
      if (typeof type == "string" && type.toLowerCase() == "bearer") throw new AuthError("dpop_not_bound", "token_type Bearer");
    }
    return response;
  };

  const authorize: Authorize = async (token, input, init, set, go) => {
    if (token.tokenType != "DPoP") return go();
    let url: URL;
    let method: string;
    try {
      url = new URL(Reflect.get(Request.prototype, "url", input) as string);
      method = Reflect.get(Request.prototype, "method", input) as string;
    } catch {
      url = new URL("" + input, globalThis.document?.baseURI);
      method = "GET";
    }
    method = init?.method || method;
    const sign = async () => {
      set("Authorization", "DPoP " + token.accessToken);
      set("DPoP", await createProof(await getKey(), method, url.href, { accessToken: token.accessToken, nonce: nonces[url.origin] }));
    };
    // A proof names the URL it was made for (htu), and a redirect target is another: the request
    // never follows one (a cross-origin target would get the proof, where Authorization is
    // dropped), unless the caller asked to see it ("manual").
    const mode = init?.redirect == "manual" ? "manual" : "error";
    await sign();
    let response = await go(mode);
    const fresh = remember(url.origin, response);
    // A DPoP challenge asking for a nonce (RFC 9449 §9), read as every challenge is.
    if (response.status == 401 && parseBearerChallenge(response.headers.get("WWW-Authenticate"), "DPoP")?.error == "use_dpop_nonce") {
      // The nonce hidden (CORS exposes WWW-Authenticate but not DPoP-Nonce): no retry can succeed.
      if (!fresh) throw new AuthError("dpop_nonce", "DPoP-Nonce unreadable");
      // Exactly one retry: a second challenge is the answer.
      await sign();
      remember(url.origin, (response = await go(mode)));
    }
    return response;
  };

  joinPipeline(i.hooks, "dpop", {
    order: 20,
    tokenType: "DPoP",
    // A frame's or popup's response comes back to this page, which still holds the key.
    request: async (params) => {
      if (handoffOf(params.state)) params.dpop_jkt = (await getKey()).thumbprint;
    },
    token,
    authorize,
  });
});
