// Compile-only test: the binding in JSX, against React 18's types (test/react-18/tsconfig.json).
// Nothing here runs.
import { createClient } from "../../src/index";
import { AuthProvider, SignedIn, useAuth } from "../../src/react";

const auth = createClient({ authorizationEndpoint: "https://id.example.com/authorize", clientId: "spa" });

function Account() {
  const { status, login, logout } = useAuth();
  return status == "signedIn" ? <button onClick={logout}>Sign out</button> : <button onClick={() => void login()}>Sign in</button>;
}

export const app = (
  <AuthProvider client={auth}>
    <Account />
    <SignedIn fallback={<p>Signed out</p>} loading={<p>Loading…</p>}>
      <p>Orders</p>
    </SignedIn>
  </AuthProvider>
);
