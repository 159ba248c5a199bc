// handleRedirect() on a silent redirect page that loads the SDK: it hands the response to the
// page that opened the frame.
Implicitly.createClient(JSON.parse(document.currentScript.dataset.config)).handleRedirect();
