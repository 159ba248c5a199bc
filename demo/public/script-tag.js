// Entry of the script-tag page: the SDK is already on window.Implicitly (loaded by <script>).
import { startDemo } from "/app.js";

startDemo(window.Implicitly, { page: "script-tag" });
