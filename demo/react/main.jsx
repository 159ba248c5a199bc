// The demo's React page: the demo client (the same as the other pages'), handed to AuthProvider.
// Bundled by Vite (demo/react-page.mjs) with React's development build, so that StrictMode runs
// every effect twice, as in development: the redirect must still be handled once.
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import * as Implicitly from "implicitly";
import { AuthProvider, SignedIn, useAuth, useAuthFetch } from "implicitly/react";
import { createDemoClient } from "../public/client.js";

const { client, config } = await createDemoClient(Implicitly, "react");
// For the browser tests, as on the other pages.
window.demoClient = client;

const TEXT = { loading: "Loading…", signedIn: "Signed in", signedOut: "Signed out", error: "Sign-in failed" };

function Account() {
  const { status, token, error, busy, login, loginWithPopup, logout } = useAuth();
  return (
    <section aria-label="Session">
      <p id="status" role="status" data-status={status}>
        {TEXT[status]}
        {token && (
          <>
            {" "}
            · scope <span id="scope">{token.scope.join(" ")}</span>
          </>
        )}
      </p>
      {error && (
        <p className="error" role="alert">
          {error.code}
          {error.description ? ": " + error.description : ""}
        </p>
      )}
      {status === "signedIn" ? (
        <button onClick={logout}>Log out</button>
      ) : (
        <>
          <button disabled={busy || status === "loading"} onClick={() => login()}>
            Sign in
          </button>{" "}
          <button disabled={busy || status === "loading"} onClick={() => loginWithPopup()}>
            Sign in with a popup
          </button>
        </>
      )}
    </section>
  );
}

function Profile() {
  const { data, loading, error, response } = useAuthFetch(config.apiOrigin + "/api/profile");
  if (loading) return <p>Loading the profile…</p>;
  if (error) return <p className="error">The API call failed: {error.code ?? String(error)}</p>;
  if (response && !response.ok) return <p className="error">The API answered {response.status}</p>;
  return data ? (
    <p id="profile">
      Profile from the API: <strong>{data.name}</strong> ({data.email})
    </p>
  ) : null;
}

function Ready() {
  // The browser tests wait for this, as on the other pages: the start-up is over.
  const { status } = useAuth();
  useEffect(() => {
    if (status !== "loading") document.body.dataset.ready = "true";
  }, [status]);
  return null;
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <AuthProvider client={client} start={(c) => Implicitly.restore(c)} loginWithPopup={Implicitly.loginWithPopup}>
      <Account />
      <SignedIn fallback={<p>Sign in to see your profile.</p>}>
        <Profile />
      </SignedIn>
      <Ready />
    </AuthProvider>
  </StrictMode>,
);
