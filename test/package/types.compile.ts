// Compile-only test of the public types: `npm run typecheck` checks this file against src/, and
// test/package/dist.test.ts checks the same text against each built declaration file
// (dist/implicitly.d.mts, .d.cts and .d.ts). Every
// `@ts-expect-error` must meet an error (else TS2578), and every other line must compile.
// Nothing here runs.
import {
  AuthError,
  buildAuthorizationUrl,
  codeFlow,
  dpop,
  type DpopErrorCode,
  persistSession,
  type PersistOptions,
  createClient,
  createOidcClient,
  isAuthError,
  parseAuthorizationResponse,
  parseBearerChallenge,
  type AuthorizationResponse,
  type AuthErrorCode,
  type CodeFlowErrorCode,
  type BearerChallenge,
  type Client,
  type ClientEvents,
  type ClientOptions,
  type IdTokenAlgorithm,
  type OidcClientOptions,
  type LoginOptions,
  type RedirectResult,
  type ScopeInput,
  type StorageLike,
  type Token,
  type UnauthorizedEvent,
  handleSignOut,
  signOut,
  type Revocation,
  type SignOutOptions,
  type SignOutResult,
  type SignOutReturn,
  loginWithPopup,
  renew,
  restore,
  type OidcToken,
} from "../../src/index";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T) => {};

const endpoint = "https://id.example.com/authorize";

export function correctUsage(storage: Storage, unknownError: unknown): void {
  // createClient: the two required options, then every option.
  const minimal: Client = createClient({ authorizationEndpoint: endpoint, clientId: "spa" });
  const options: ClientOptions = {
    authorizationEndpoint: endpoint,
    clientId: "spa",
    redirectUri: "https://app.example.com/cb",
    scope: ["profile", "api:read"],
    resourceOrigins: ["https://api.example.com", "/api/"],
    extraParams: { audience: "https://api.example.com" },
    clockSkew: 30,
    expiringNotice: 60,
    stateTtl: 600,
    storage,
    fetch: globalThis.fetch,
  };
  const client = createClient(options);
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", scope: "profile api:read" });
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", scope: ["a", "b"] as const });
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", resourceOrigins: ["https://api.example.com"] as const });
  const mine: StorageLike = { getItem: () => null, setItem: () => {}, removeItem: () => {} };
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", storage: mine });
  const scope: ScopeInput = "profile";

  // Methods and their results.
  const login: Promise<void> = client.login({ scope, extraParams: { prompt: "login" }, appState: { route: "/x" }, redirectUri: "https://app.example.com/cb" });
  const url: Promise<string> = client.authorizationUrl();
  const loginOptions: LoginOptions = { appState: [1, "two", { three: null }] };
  client.authorizationUrl(loginOptions);
  const redirect: Promise<RedirectResult | null> = client.handleRedirect();
  client.handleRedirect("https://app.example.com/cb#access_token=a&state=s");
  redirect.then((result) => {
    if (result) {
      const token: Token = result.token;
      const appState: unknown = result.appState;
    }
  });
  const current: Token | null = minimal.getToken();
  if (current) {
    const accessToken: string = current.accessToken;
    const tokenType: "Bearer" | "DPoP" = current.tokenType;
    const expiresAt: number | undefined = current.expiresAt;
    const granted: string[] = current.scope;
  }
  const response: Promise<Response> = client.fetch("https://api.example.com/me");
  client.fetch(new URL("https://api.example.com/me"), { method: "POST", body: "{}", headers: [["Content-Type", "application/json"]] });
  client.fetch(new Request("https://api.example.com/me"), { headers: new Headers(), signal: new AbortController().signal });
  client.fetch("/api/me", { headers: { Accept: "application/json" } });
  const logout: void = client.logout();

  // Events: names and payloads.
  const off: () => void = client.on("token", (token) => {
    const t: Token = token;
  });
  off();
  client.on("expiring", (token: Token) => token.expiresAt);
  client.on("expired", (token) => token.accessToken);
  client.on("logout", () => {});
  client.on("logout", (payload: undefined) => payload);
  client.on("unauthorized", ({ response, challenge }) => {
    const status: number = response.status;
    // null when no Bearer challenge could be read (a bare 401/403, or a header CORS hides)
    const needed: string[] | undefined = challenge?.scope;
    const error: string | undefined = challenge?.error;
  });
  // @ts-expect-error the challenge may be null
  client.on("unauthorized", ({ challenge }) => challenge.error);
  const unauthorized = (event: UnauthorizedEvent) => event.challenge?.realm;
  client.on("unauthorized", unauthorized);
  assertType<Equal<ClientEvents["token"], Token>>(true);
  assertType<Equal<ClientEvents["logout"], undefined>>(true);
  assertType<Equal<ClientEvents["unauthorized"], UnauthorizedEvent>>(true);
  assertType<Equal<UnauthorizedEvent["challenge"], BearerChallenge | null>>(true);
  assertType<Equal<keyof ClientEvents, "token" | "expiring" | "expired" | "logout" | "unauthorized" | "reconnecting">>(true);
  client.on("reconnecting", ({ error, retryIn }) => error.code + retryIn);
  assertType<Equal<Parameters<typeof persistSession>, [client: Client, opts?: PersistOptions]>>(true);
  assertType<Equal<Token["tokenType"], "Bearer" | "DPoP">>(true);
  assertType<Equal<DpopErrorCode, "dpop_not_bound" | "dpop_network" | "dpop_nonce">>(true);
  assertType<Equal<typeof dpop, (client: Client) => void>>(true);
  assertType<Equal<ReturnType<Client["getToken"]>, Token | null>>(true);
  assertType<Equal<Awaited<ReturnType<Client["handleRedirect"]>>, RedirectResult | null>>(true);

  // Errors.
  const error = new AuthError("login_required");
  const withDetail = new AuthError("access_denied", "The user said no", "https://id.example.com/e");
  const code: string = error.code;
  const description: string | undefined = withDetail.description;
  const uri: string | undefined = withDetail.uri;
  const appState: unknown = withDetail.appState;
  const isError: Error = error;
  const sdkCode: AuthErrorCode = "state_mismatch";
  if (isAuthError(unknownError)) {
    const narrowed: AuthError = unknownError;
    const narrowedCode: string = unknownError.code;
  }

  // Pure helpers.
  const built: string = buildAuthorizationUrl(endpoint, { response_type: "token", client_id: "spa", scope: undefined });
  const parsed: AuthorizationResponse | null = parseAuthorizationResponse("#access_token=a&state=s");
  if (parsed) {
    const accessToken: string | undefined = parsed.accessToken;
    const expiresIn: number | undefined = parsed.expiresIn;
    const scopes: string[] | undefined = parsed.scope;
    const params: Readonly<Record<string, string>> = parsed.params;
  }
  const challenge: BearerChallenge | null = parseBearerChallenge(null);
  parseBearerChallenge(undefined);
  parseBearerChallenge('Bearer error="invalid_token"')?.errorDescription;
}

export function wrongUsage(client: Client, unknownError: unknown): void {
  // @ts-expect-error clientId must be a string
  createClient({ authorizationEndpoint: endpoint, clientId: 42 });
  // @ts-expect-error authorizationEndpoint is required
  createClient({ clientId: "spa" });
  // @ts-expect-error clientId is required
  createClient({ authorizationEndpoint: endpoint });
  // @ts-expect-error options are required
  createClient();
  // @ts-expect-error unknown option
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", clientSecret: "x" });
  // @ts-expect-error scope tokens are strings
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", scope: [1] });
  // @ts-expect-error resourceOrigins is a list
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", resourceOrigins: "https://api.example.com" });
  // @ts-expect-error extraParams values are strings
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", extraParams: { max_age: 0 } });
  // @ts-expect-error durations are numbers (seconds)
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", clockSkew: "30" });
  // @ts-expect-error a storage needs setItem and removeItem
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", storage: { getItem: () => null } });
  // @ts-expect-error fetch is a function
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", fetch: "fetch" });

  // @ts-expect-error unknown event name
  client.on("expire", () => {});
  // @ts-expect-error unknown event name
  client.on("login", () => {});
  // @ts-expect-error a token listener gets a Token, not a string
  client.on("token", (token: string) => token);
  // @ts-expect-error an unauthorized listener gets { response, challenge }, not a Response
  client.on("unauthorized", (response: Response) => response);
  // @ts-expect-error logout carries no payload
  client.on("logout", (token: Token) => token);
  // @ts-expect-error a listener is required
  client.on("token");

  // @ts-expect-error tokenType is always "Bearer"
  const mac: Token = { accessToken: "a", tokenType: "MAC", scope: [] };
  // @ts-expect-error scope is required
  const noScope: Token = { accessToken: "a", tokenType: "Bearer" };
  // @ts-expect-error getToken() may be null
  const token: Token = client.getToken();
  // @ts-expect-error accessToken is a string
  client.getToken()!.accessToken.toFixed();

  // @ts-expect-error fetch takes a URL, string or Request
  client.fetch(42);
  // @ts-expect-error init is a RequestInit
  client.fetch("https://api.example.com/", { headers: 42 });
  // @ts-expect-error per-call scope tokens are strings
  client.login({ scope: [1] });
  // @ts-expect-error per-call extraParams values are strings
  client.authorizationUrl({ extraParams: { prompt: true } });
  // @ts-expect-error unknown login option
  client.login({ state: "fixed" });
  // @ts-expect-error handleRedirect takes a URL string
  client.handleRedirect(new URL("https://app.example.com/cb"));
  // @ts-expect-error handleRedirect may resolve null
  client.handleRedirect().then((result) => result.token);

  // @ts-expect-error code is required
  new AuthError();
  // @ts-expect-error code is a string
  new AuthError(401);
  // @ts-expect-error code is read-only
  new AuthError("x").code = "y";
  // @ts-expect-error unknown is not an AuthError until narrowed
  unknownError.code;

  // @ts-expect-error parameters are strings (or undefined)
  buildAuthorizationUrl(endpoint, { max_age: 0 });
  // @ts-expect-error the endpoint is a string
  buildAuthorizationUrl(new URL(endpoint), {});
  // @ts-expect-error the result may be null
  parseAuthorizationResponse("#x").accessToken;
  // @ts-expect-error the challenge may be null
  parseBearerChallenge("Bearer").error;
  // @ts-expect-error challenge scope is split into tokens
  const scope: string | undefined = parseBearerChallenge("Bearer")?.scope;
}

// Sign-out at the server: results typed, options checked.
{
  const client = createClient({ authorizationEndpoint: endpoint, clientId: "spa", revocationEndpoint: endpoint, endSessionEndpoint: endpoint });
  const options: SignOutOptions = { revoke: true, endSession: false, postLogoutRedirectUri: endpoint, appState: { a: 1 }, method: "POST" };
  const result: Promise<SignOutResult> = signOut(client, options);
  void result.then((r) => {
    const first: Revocation | undefined = r.revocations[0];
    const hint: "access_token" | "refresh_token" | undefined = first?.tokenTypeHint;
    const ended: boolean = r.endingSession;
    return [hint, ended];
  });
  const back: SignOutReturn | null = handleSignOut(client, endpoint);
  void back?.revocations.length;
  // @ts-expect-error only GET and POST
  void signOut(client, { method: "PUT" });
}

export function oidcUsage(): void {
  const issuer = "https://id.example.com";
  // Every option of createOidcClient (the core's apply too).
  const options: OidcClientOptions = {
    issuer,
    clientId: "spa",
    responseType: "id_token token",
    authorizationEndpoint: endpoint,
    jwksUri: issuer + "/jwks",
    algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"],
    scope: ["profile"],
    clockSkew: 30,
  };
  createOidcClient(options).getUser()?.sub;
  createOidcClient({ issuer, clientId: "spa", responseType: "token" });
  const fromMetadata: readonly IdTokenAlgorithm[] = ["ES256"] as const;
  createOidcClient({ issuer, clientId: "spa", algorithms: fromMetadata });

  // @ts-expect-error alg none is never accepted
  createOidcClient({ issuer, clientId: "spa", algorithms: ["none"] });
  // @ts-expect-error HMAC is never accepted (a public client has no secret)
  createOidcClient({ issuer, clientId: "spa", algorithms: ["RS256", "HS256"] });
  // @ts-expect-error HS384 and HS512 neither
  const hmac: IdTokenAlgorithm = "HS512";
  // @ts-expect-error an unknown alg
  createOidcClient({ issuer, clientId: "spa", algorithms: ["RS1024"] });
  // @ts-expect-error a list, not one alg
  createOidcClient({ issuer, clientId: "spa", algorithms: "RS256" });
  // @ts-expect-error responseType is "id_token token" or "token"
  createOidcClient({ issuer, clientId: "spa", responseType: "code" });
  // @ts-expect-error issuer is required
  createOidcClient({ clientId: "spa" });
}

export function codeFlowUsage(): void {
  // One import and one option, for createClient and createOidcClient alike.
  const plain: Client = createClient({
    authorizationEndpoint: endpoint,
    tokenEndpoint: "https://id.example.com/token",
    tokenTimeout: 5,
    clientId: "spa",
    flow: codeFlow,
  });
  const oidc = createOidcClient({ issuer: "https://id.example.com", clientId: "spa", flow: codeFlow });
  void plain;
  void oidc.getUser();
  const code: CodeFlowErrorCode = "token_timeout";
  void code;
  // @ts-expect-error not a code of the code flow
  const wrong: CodeFlowErrorCode = "token_lost";
  void wrong;
  // @ts-expect-error a flow is a function of the client
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", flow: "code" });
  // DPoP: one more import and option, for both clients.
  createClient({ authorizationEndpoint: endpoint, tokenEndpoint: "https://id.example.com/token", clientId: "spa", flow: codeFlow, dpop });
  createOidcClient({ issuer: "https://id.example.com", clientId: "spa", flow: codeFlow, dpop });
  // @ts-expect-error `dpop` is the feature, not a flag
  createClient({ authorizationEndpoint: endpoint, clientId: "spa", flow: codeFlow, dpop: true });
}

export async function sessionTypes(): Promise<void> {
  // The session functions give back the client's own token type: an OpenID client's has its ID token.
  const oidc = createOidcClient({ issuer: "https://id.example.com", clientId: "spa" });
  const restored = await restore(oidc);
  assertType<Equal<typeof restored, OidcToken | null>>(true);
  const renewed = await renew(oidc);
  assertType<Equal<typeof renewed, OidcToken>>(true);
  const popup = await loginWithPopup(oidc, { popupTimeout: 60 });
  assertType<Equal<typeof popup.token, OidcToken>>(true);
  void [restored?.claims?.sub, renewed.idToken, popup.token.claims];

  // A plain client's stay plain tokens, without ID token members.
  const plain = createClient({ authorizationEndpoint: endpoint, clientId: "spa" });
  const token = await renew(plain);
  assertType<Equal<typeof token, Token>>(true);
  assertType<Equal<Awaited<ReturnType<typeof restore<Token>>>, Token | null>>(true);
  // @ts-expect-error a plain client's token has no ID token
  void token.idToken;
  // @ts-expect-error nor does a popup's
  void (await loginWithPopup(plain)).token.claims;
  // The token type is Bearer, or DPoP with the dpop option.
  const scheme: "Bearer" | "DPoP" = token.tokenType;
  void scheme;
}
