/**
 * Logins whose response goes back to the page that opened the window it ran in: a hidden frame
 * (silent renewal) or a popup. Their `state` says so (a mark before its random part), so that the
 * redirect page, whatever it imported, hands the response over instead of completing it.
 */
export type Handoff = "frame" | "popup";

// The marks: a random state is base64url, so it never holds a ".".
const MARKS: Record<Handoff, string> = { frame: "f.", popup: "p." };

/** The mark that starts the `state` of a login of `via` ("" for a login of this page). */
export const handoffMark = (via?: Handoff): string => (via ? MARKS[via] : "");

/** Whose login `state` names: a frame's or a popup's (handed over), undefined for this page's own. */
export const handoffOf = (state: string | undefined): Handoff | undefined =>
  state?.startsWith(MARKS.frame) ? "frame" : state?.startsWith(MARKS.popup) ? "popup" : undefined;

/**
 * The message a redirect page in a frame or popup sends to the page that opened it: the raw
 * response URL, validated by the opener only.
 */
export interface HandoffMessage {
  implicitly: string;
}

/** The BroadcastChannel name on which a popup whose opener link was cut hands its response over. */
export const channelName = (clientId: string): string => "implicitly:" + clientId;
