// Shared with the other features that fetch metadata (an API's, RFC 9728): it lives with the edges.
export { FETCH_TIMEOUT, fetchJson } from "../browser/fetch-json";
