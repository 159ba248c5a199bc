// Times handleRedirect() on the callback page: from the start of the app's script (the SDK is
// loaded) to the token held and the URL cleaned.
const start = performance.now();
const client = Implicitly.createClient(JSON.parse(document.currentScript.dataset.config));
client.handleRedirect().then(
  () => {
    const ms = performance.now() - start;
    window.benchResult = { ms, held: client.getToken() !== null, clean: location.hash === "" };
  },
  (error) => (window.benchResult = { error: String(error.code || error) }),
);
