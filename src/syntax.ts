// RFC 6749 Appendix A, as regular expressions (each linear in its input).

/** NQCHAR = %x21 / %x23-5B / %x5D-7E: a scope token's and error_uri's characters. */
const NQCHAR = "[\\x21\\x23-\\x5b\\x5d-\\x7e]";

/** 1*VSCHAR, VSCHAR = %x20-7E: access_token, state, client_id. */
export const VSCHARS = /^[\x20-\x7e]+$/;
/** 1*NQSCHAR, NQSCHAR = %x20-21 / %x23-5B / %x5D-7E: error, error_description. */
export const NQSCHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
/** 1*NQCHAR: one scope token, or error_uri. */
export const NQCHARS = new RegExp("^" + NQCHAR + "+$");
/** scope = scope-token *( SP scope-token ). */
export const SCOPE = new RegExp("^" + NQCHAR + "+( " + NQCHAR + "+)*$");
