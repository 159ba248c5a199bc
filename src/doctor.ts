export { runDoctor, siteOf } from "./doctor/checks";
export { formatFindings, main, parseArgs } from "./doctor/cli";
export type { DoctorOptions, Finding, Status } from "./doctor/checks";
