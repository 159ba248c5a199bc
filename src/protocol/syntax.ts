// RFC 6749 Appendix A, as regular expressions (each linear in its input). The classes are
// written with printable ends: " " is %x20, "!" %x21, "#" %x23, "[" %x5B, "]" %x5D, "~" %x7E.

/** 1*VSCHAR, VSCHAR = %x20-7E: access_token, state, client_id. */
export const VSCHARS = /^[ -~]+$/;
/** 1*NQSCHAR, NQSCHAR = %x20-21 / %x23-5B / %x5D-7E: error, error_description. */
export const NQSCHARS = /^[ !#-[\]-~]+$/;
/** 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E: one scope token, or error_uri. */
export const NQCHARS = /^[!#-[\]-~]+$/;
/** scope = scope-token *( SP scope-token ). */
export const SCOPE = /^[!#-[\]-~]+( [!#-[\]-~]+)*$/;
/** RFC 6750 §2.1 b64token: what a Bearer credential may be (`access_token`). */
export const B64TOKEN = /^[\w.~+/-]+=*$/;
