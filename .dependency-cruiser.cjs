// The architecture of src/, as rules (`npm run lint:arch`). The layers, bottom to top:
//   protocol/  pure code: imports nothing outside itself
//   browser/   the edges (crypto, storage, timers, fetch, events): protocol/ only
//   client/    createClient: protocol/ and browser/ only
//   features   session/, oidc/, code/, dpop/, logout/, react/, persist/: the three layers below
//              and themselves, never each other
//   compose/   the public createClient and createOidcClient: the core's and every feature's
//              option names and types (each feature's options.ts), and nothing else of a feature
//   entries    index.ts, script-tag*.ts: anything, and nothing imports them
//   testing/   implicitly/testing (the fake server for an app's tests) and doctor/ (the
//   doctor/    `implicitly doctor` command): protocol/ only, and nothing imports them but their own
//              entries (testing.ts, doctor.ts), so that no app bundle can hold them
// A feature that needs another one meets it through the client's extension points, so that an
// app ships only the features it imports.
const FEATURES = "session|oidc|code|dpop|logout|react|persist|resources";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "Import cycles hide the layering.", from: {}, to: { circular: true } },
    {
      name: "protocol-is-pure",
      severity: "error",
      comment: "protocol/ is the bottom layer: it imports nothing outside itself.",
      from: { path: "^src/protocol/" },
      to: { pathNot: "^src/protocol/" },
    },
    {
      name: "browser-on-protocol",
      severity: "error",
      comment: "browser/ imports protocol/ only.",
      from: { path: "^src/browser/" },
      to: { pathNot: "^src/(protocol|browser)/" },
    },
    {
      name: "client-on-lower-layers",
      severity: "error",
      comment: "client/ imports protocol/ and browser/ only: the core knows no opt-in feature.",
      from: { path: "^src/client/" },
      to: { pathNot: "^src/(protocol|browser|client)/" },
    },
    {
      name: "features-apart",
      severity: "error",
      comment: "An opt-in feature imports the layers below it and itself, never another feature or an entry.",
      from: { path: `^src/(${FEATURES})/` },
      to: { path: "^src/", pathNot: "^src/($1|protocol|browser|client)/" },
    },
    {
      name: "testing-apart",
      severity: "error",
      comment: "testing/ (implicitly/testing) and doctor/ import protocol/ only: pure code they share, never the client.",
      from: { path: "^src/(testing|doctor)/" },
      to: { pathNot: "^src/($1|protocol)/" },
    },
    {
      name: "testing-never-imported",
      severity: "error",
      comment: "Only their own entries (src/testing.ts, src/doctor.ts) import testing/ and doctor/: no app bundle may hold them.",
      from: { path: "^src/", pathNot: "^src/(testing|doctor)(/|\\.ts$)" },
      to: { path: "^src/(testing|doctor)/" },
    },
    {
      name: "compose-reads-feature-options",
      severity: "error",
      comment:
        "compose/ knows each feature's options (names and types, in its options.ts), never its code, so that the minimal app ships none: only createOidcClient wraps its feature.",
      from: { path: "^src/compose/" },
      to: { path: `^src/(${FEATURES})/`, pathNot: `^src/((${FEATURES})/options|oidc/oidc-client)\\.ts$` },
    },
    {
      name: "nothing-imports-compose",
      severity: "error",
      comment: "compose/ sits above the features: only the entries import it.",
      from: { path: "^src/", pathNot: "^src/(compose/|[^/]+\\.ts$)" },
      to: { path: "^src/compose/" },
    },
    {
      name: "no-entry-imports",
      severity: "error",
      comment: "The entries are export lists for users: nothing in src/ imports them.",
      from: { path: "^src/" },
      to: { path: "^src/[^/]+\\.ts$" },
    },
    {
      name: "no-unknown-folders",
      severity: "error",
      comment: "Every module lives in a layer's folder (add a new feature to FEATURES above).",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: `^src/(protocol|browser|client|compose|testing|doctor|${FEATURES})/` },
    },
    {
      name: "no-runtime-dependencies",
      severity: "error",
      comment: "The SDK has no runtime dependencies: src/ imports only src/ (react/ has its own rule below).",
      from: { path: "^src/", pathNot: "^src/react/" },
      to: { pathNot: "^src/" },
    },
    {
      name: "react-on-public-api",
      severity: "error",
      comment:
        "react/ (the `implicitly/react` entry) uses the client through its public API only (the build takes it from the main entry), " +
        "and imports `react`, its optional peer dependency: the one import outside src/ allowed, and for this folder only.",
      from: { path: "^src/react/" },
      to: { pathNot: "^(src/react/|src/client/types\\.ts$|src/protocol/(types|errors)\\.ts$|node_modules/react/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
