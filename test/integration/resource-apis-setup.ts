// The demo's OpenID provider with resource indicators and its three resource APIs, as the
// resources mode of the demo starts them: the profile and orders APIs, and the payments API that
// advertises its metadata (RFC 9728) and asks for a stronger sign-in (RFC 9470).
import { ACR, startOidcProvider, type OidcProvider } from "../../demo/oidc-server.mjs";
import { startResourceApi, type ResourceApi } from "../../demo/resource-api.mjs";

/** The provider and the APIs; `close` stops them all. */
export interface ResourceApis {
  op: OidcProvider;
  a: ResourceApi;
  b: ResourceApi;
  c: ResourceApi;
  close(): Promise<void>;
}

/**
 * Starts the provider for `redirect` (the code flow on) and the three APIs, each registered as a
 * resource indicator (its origin with `/`) with its one scope.
 * @param app - the app's origin, which the APIs' CORS lets in
 * @param dpop - the APIs take DPoP-bound JWTs only
 */
export async function startResourceApis(redirect: string, app: string, dpop = false): Promise<ResourceApis> {
  // Filled in once the APIs listen: the provider reads it on every request.
  const indicators: Record<string, string[]> = {};
  const op = await startOidcProvider({ redirectUris: [redirect], codeFlow: true, resourceIndicators: indicators });
  const common = { issuer: op.issuer, jwksUri: op.jwksUri, allowedOrigin: app, ...(dpop && { dpop }) };
  const a = await startResourceApi({ ...common, name: "profile", scope: "profile" });
  const b = await startResourceApi({ ...common, name: "orders", scope: "orders" });
  const c = await startResourceApi({ ...common, name: "payments", scope: "payments", metadata: true, acrValues: ACR.fresh });
  indicators[a.origin + "/"] = ["profile"];
  indicators[b.origin + "/"] = ["orders"];
  indicators[c.origin + "/"] = ["payments"];
  return { op, a, b, c, close: async () => void (await Promise.all([op.close(), a.close(), b.close(), c.close()])) };
}
