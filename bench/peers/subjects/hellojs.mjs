// hello.js exposes its query-string parser as hello.utils.param; its API calls go through
// XMLHttpRequest or JSONP, not fetch, so there is no fetch wrapper to time.
import { installedVersion, load } from "./index.mjs";

export const setup = async () => {
  const hello = load("hellojs/dist/hello.js");
  return {
    name: "hellojs",
    version: installedVersion("hellojs"),
    entry: "hellojs",
    // What its callback handler does with location.hash.
    parse: (url) => hello.utils.param(url.slice(url.indexOf("#"))),
  };
};
