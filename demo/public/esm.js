// Entry of the ES-module page: the SDK is imported from its ESM build.
import * as Implicitly from "/dist/implicitly.mjs";
import { startDemo } from "/app.js";

startDemo(Implicitly, { page: "esm" });
