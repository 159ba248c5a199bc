// The inputs every benchmark shares: one typical callback, the endpoints, an in-memory Storage and
// a fetch that answers at once without touching the network.
import { PAGE_URL } from "./dom.mjs";

export const AUTHORIZATION_ENDPOINT = "https://id.example.com/oauth2/authorize";
export const TOKEN_ENDPOINT = "https://id.example.com/oauth2/token";
export const CLIENT_ID = "my-spa";
export const REDIRECT_URI = PAGE_URL;
export const SCOPE = ["profile", "api:read"];
export const API_ORIGIN = "https://api.example.com";
export const API_URL = `${API_ORIGIN}/v1/me?fields=name,email`;

const b64url = (text) => Buffer.from(text).toString("base64url");

/**
 * A JWT-shaped access token of exactly `length` characters: a real header and claims, padded with
 * a filler claim, and a signature-sized tail of base64url characters.
 */
const jwtLike = (length) => {
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "at+jwt", kid: "2024-bench" }));
  const signature = b64url(Buffer.alloc(256, 0xa7)); // RS256: 256 bytes, 342 characters
  const claims = {
    iss: "https://id.example.com",
    sub: "248289761001",
    aud: API_ORIGIN,
    client_id: CLIENT_ID,
    scope: SCOPE.join(" "),
    iat: 1700000000,
    exp: 1700003600,
    jti: "",
  };
  let token = "";
  while (token.length < length) {
    token = `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
    claims.jti += "x";
  }
  return token.slice(0, length);
};

export const ACCESS_TOKEN = jwtLike(800);

/** A state value as a client would make it: 32 random bytes, base64url (43 characters). */
export const STATE = b64url(Buffer.alloc(32, 0x5c));

/**
 * The fragment of a successful implicit-grant callback (RFC 6749 §4.2.2), without the "#".
 * @param {string} [state]
 * @param {string} [tokenName] - the name the token travels under (code-flow peers expect "code")
 */
export const callbackFragment = (state = STATE, tokenName = "access_token") =>
  new URLSearchParams({
    [tokenName]: ACCESS_TOKEN,
    token_type: "Bearer",
    expires_in: "3600",
    scope: SCOPE.join(" "),
    state,
  }).toString();

/** The whole URL the authorization server sends the browser back to. */
export const callbackUrl = (state = STATE, tokenName = "access_token") => `${REDIRECT_URI}#${callbackFragment(state, tokenName)}`;

/** A Storage-like object held in memory (what tests and non-browser hosts pass as `storage`). */
export const memoryStorage = () => {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
};

// One ready response, shared: nothing in the benchmarks reads its body.
const READY = new Response(null, { status: 204 });

/** Stands in for the network's `fetch`: answers at once, sends nothing. */
export const noopFetch = async (_input, _init) => READY;

/** The request the fetch benchmarks send: an API call with a JSON `Accept` header. */
export const apiInit = () => ({ method: "GET", headers: { Accept: "application/json" } });

/**
 * `n` fresh `Request`s for that call, made outside the timed part. (One shared Request would
 * not do: Node ties every Request made from it to its signal until garbage collection.)
 */
export const apiRequests = (n) => Array.from({ length: n }, () => new Request(API_URL, apiInit()));
