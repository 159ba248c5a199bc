// The architecture of src/, as rules (`npm run lint:arch`). The layers, bottom to top:
//   protocol/  pure code: imports nothing outside itself
//   browser/   the edges (crypto, storage, timers, fetch, events): protocol/ only
//   client/    createClient: protocol/ and browser/ only
//   features   session/, oidc/, code/, dpop/, logout/, persist/: the three layers below and themselves,
//              never each other
//   entries    index.ts, script-tag*.ts: anything, and nothing imports them
// A feature that needs another one meets it through the client's extension points, so that an
// app ships only the features it imports.
const FEATURES = "session|oidc|code|dpop|logout|persist";

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
      to: { pathNot: "^src/($1|protocol|browser|client)/" },
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
      to: { path: "^src/", pathNot: `^src/(protocol|browser|client|${FEATURES})/` },
    },
    {
      name: "no-runtime-dependencies",
      severity: "error",
      comment: "The SDK has no runtime dependencies: src/ imports only src/.",
      from: { path: "^src/" },
      to: { pathNot: "^src/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
