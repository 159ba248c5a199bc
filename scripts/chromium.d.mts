/** The Chromium binary: `CHROMIUM_PATH`, else Debian's (`apt-get install -y chromium`). */
export const EXECUTABLE: string;
/** The flags every browser test and benchmark launches Chromium with. */
export const ARGS: readonly string[];
/** Fails early, with the fix, when Chromium is not installed. */
export function requireChromium(): void;
