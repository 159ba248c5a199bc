import { AuthError } from "./errors";

/**
 * Checks the `iss` parameter of an authorization response, success or error, against the issuer
 * the request was sent to: the defence against mix-up attacks of RFC 9207.
 *
 * @param params - the response's parameters (`AuthorizationResponse.params`)
 * @param issuer - the issuer identifier of the authorization server the login went to
 * @param required - the server announced `authorization_response_iss_parameter_supported`, so a
 * response without `iss` is rejected; except one carrying an `id_token`, whose own `iss` claim is
 * checked instead (providers leave the parameter out then) @default false
 * @throws AuthError `issuer_mismatch` when `iss` differs from `issuer`, or is missing while required
 * @see RFC 9207 §2.4
 */
export const checkResponseIssuer = (params: Readonly<Record<string, string>>, issuer: string, required = false): void => {
  const { iss } = params;
  if (iss === undefined ? required && params.id_token === undefined : !issuer || iss !== issuer)
    throw new AuthError("issuer_mismatch", iss === undefined ? "iss missing" : "iss " + iss);
};
