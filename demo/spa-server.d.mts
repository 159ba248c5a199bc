// Types of demo/spa-server.mjs for the TypeScript tests. Keep the two in step.
import type { SpaServer } from "./demo.mjs";

/** Starts the demo app's server on loopback (`port` 0: a free one). */
export function startSpaServer(options?: { port?: number; host?: string; log?: (line: string) => void }): Promise<SpaServer>;
