import { runDoctor, type DoctorOptions, type Finding } from "./checks";

const USAGE = `Usage: implicitly doctor --app-origin ORIGIN --redirect-uri URL (--issuer URL | --authorization-endpoint URL) [options]

Checks from the outside what a single-page app needs of its authorization server and API,
and says for each problem the exact change to make.

  --issuer URL                  the server's issuer (its metadata gives the endpoints)
  --app-origin ORIGIN           the app's origin, e.g. https://app.example.com
  --redirect-uri URL            the redirect URI the app sends
  --client-id ID                the app's client id (servers with per-client CORS need it)
  --api URL                     an API URL the app calls with the token
  --authorization-endpoint URL  endpoints one by one, instead of or over the metadata's
  --token-endpoint URL
  --revocation-endpoint URL
  --end-session-endpoint URL
  --jwks-uri URL
  --json                        the findings as JSON, for scripts
  --timeout SECONDS             per request (default 10)

Exit code: 0 when nothing blocks sign-in, 1 when something does, 2 for a usage error.`;

const FLAGS: Record<string, keyof DoctorOptions> = {
  "--issuer": "issuer",
  "--app-origin": "appOrigin",
  "--redirect-uri": "redirectUri",
  "--client-id": "clientId",
  "--api": "api",
  "--authorization-endpoint": "authorizationEndpoint",
  "--token-endpoint": "tokenEndpoint",
  "--revocation-endpoint": "revocationEndpoint",
  "--end-session-endpoint": "endSessionEndpoint",
  "--jwks-uri": "jwksUri",
};

/**
 * Reads the doctor's command line (after `doctor`). A flag given twice, a URL that does not parse,
 * or an unknown argument is a usage error.
 * @param argv - the arguments
 * @returns the options and `--json`, or the text to print (the usage, or what is wrong)
 */
export const parseArgs = (argv: readonly string[]): { options: DoctorOptions; json: boolean } | string => {
  const options: Record<string, string | number> = Object.create(null);
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag == "--json") json = true;
    else if (flag == "--help" || flag == "-h") return USAGE;
    else if (flag == "--timeout" || FLAGS[flag]) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) return `${flag} needs a value\n\n${USAGE}`;
      const name = flag == "--timeout" ? "timeout" : FLAGS[flag]!;
      if (name in options) return `${flag} is given twice`;
      if (name == "timeout") {
        if (!(+value > 0)) return "--timeout needs a number of seconds";
        options.timeout = +value;
      } else if (name != "clientId" && name != "appOrigin" && !URL.canParse(value)) return `${flag}: "${value}" is not an absolute URL`;
      else options[name] = value;
    } else return `unknown argument: ${arg}\n\n${USAGE}`;
  }
  if (!options.appOrigin || !options.redirectUri) return "--app-origin and --redirect-uri are required\n\n" + USAGE;
  if (!options.issuer && !options.authorizationEndpoint) return "--issuer or --authorization-endpoint is required\n\n" + USAGE;
  return { options: options as unknown as DoctorOptions, json };
};

const MARK: Record<Finding["status"], string> = { pass: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };

/**
 * The findings as lines for a person: what was checked, what was found, the change to make; then
 * a summary.
 * @param findings - from {@link runDoctor}
 * @returns the report's text
 */
export const formatFindings = (findings: readonly Finding[]): string => {
  const lines = findings.map((f) => `[${MARK[f.status]}] ${f.check}: ${f.found}` + (f.fix ? `\n       change: ${f.fix}` : ""));
  const fails = findings.filter((f) => f.status == "fail").length;
  const warns = findings.filter((f) => f.status == "warn").length;
  lines.push("", fails ? `${fails} problem(s) block sign-in, ${warns} warning(s).` : warns ? `Nothing blocks sign-in; ${warns} warning(s).` : "All good.");
  return lines.join("\n");
};

/**
 * Runs `implicitly <command> …`: `doctor` is the only command.
 * @param argv - the arguments after the program's name
 * @param write - where the report goes (standard output)
 * @param fetchFn - @default globalThis.fetch
 * @returns the exit code: 0 when nothing blocks sign-in, 1 when something does, 2 for a usage error
 */
export const main = async (argv: readonly string[], write: (text: string) => void, fetchFn?: typeof fetch): Promise<number> => {
  if (argv[0] != "doctor") {
    write(argv[0] == "--help" || argv[0] == "-h" ? USAGE : `unknown command: ${argv[0] ?? "(none)"}\n\n${USAGE}`);
    return argv[0] == "--help" || argv[0] == "-h" ? 0 : 2;
  }
  const parsed = parseArgs(argv.slice(1));
  if (typeof parsed == "string") {
    write(parsed);
    return parsed == USAGE ? 0 : 2;
  }
  const findings = await runDoctor(fetchFn ? { ...parsed.options, fetch: fetchFn } : parsed.options);
  write(parsed.json ? JSON.stringify({ ok: !findings.some((f) => f.status == "fail"), findings }, null, 2) : formatFindings(findings));
  return findings.some((f) => f.status == "fail") ? 1 : 0;
};
