import { useEffect, useRef, useState } from "react";
import { useAuth } from "./auth-provider";

/** Options of {@link useAuthFetch}. */
export interface AuthFetchOptions<R> {
  /** The request's options, as for `fetch`. Read when a request starts; a change alone sends none. */
  init?: RequestInit;
  /**
   * Reads a successful (2xx) response into {@link AuthFetchResult.data}.
   * @default the response's JSON
   */
  read?: (response: Response) => Promise<R>;
}

/** What {@link useAuthFetch} returns. */
export interface AuthFetchResult<R> {
  /** What `read` made of the last 2xx response; `undefined` before, on another status, and once signed out. */
  data: R | undefined;
  /** The last response, its body unread unless it was a 2xx; `undefined` before and once signed out. */
  response: Response | undefined;
  /**
   * Why the request failed: an `AuthError` (`login_required`: the client dropped its token), a
   * network error, or what `read` threw; `null` otherwise.
   */
  error: unknown;
  /** `true` while a request runs. */
  loading: boolean;
  /** Sends the request again. */
  reload(): void;
}

interface Result<R> {
  data: R | undefined;
  response: Response | undefined;
  error: unknown;
  loading: boolean;
}

const IDLE: Result<never> = { data: undefined, response: undefined, error: null, loading: false };

/**
 * Requests `input` through the client's `fetch` (the token goes only inside its
 * `resourceOrigins`) once signed in, and again when `input` changes, after a new sign-in, or on
 * `reload()`. Nothing is sent while signed out or on a server. Signing out (here or in another
 * tab, or a `401` that drops the token) re-renders the component without the data: what a
 * protected resource answered never outlives the session. A request still running then, or
 * when the component unmounts or `input` changes, is aborted and its answer dropped.
 *
 * @param input - the resource (a string or a URL), or `null` to send nothing
 * @param options - see {@link AuthFetchOptions}
 * @returns see {@link AuthFetchResult}
 * @example
 * ```tsx
 * function Orders() {
 *   const { data, loading } = useAuthFetch<Order[]>("https://api.example.com/orders");
 *   return loading ? <p>Loading…</p> : <ul>{data?.map((o) => <li key={o.id}>{o.title}</li>)}</ul>;
 * }
 * ```
 */
export function useAuthFetch<R = unknown>(input: string | URL | null, options: AuthFetchOptions<R> = {}): AuthFetchResult<R> {
  const { status, fetch } = useAuth();
  const signedIn = status == "signedIn";
  const [result, setResult] = useState<Result<R>>(IDLE);
  const [round, setRound] = useState(0);
  // The latest options, without making every render's new object a new request.
  const latest = useRef(options);
  latest.current = options;
  const url = input === null ? null : String(input);

  useEffect(() => {
    setResult(IDLE);
    if (!signedIn || url === null) return;
    const abort = new AbortController();
    const { init, read = (response: Response) => response.json() as Promise<R> } = latest.current;
    const settle = (next: Result<R>) => abort.signal.aborted || setResult(next);
    setResult({ ...IDLE, loading: true });
    fetch(url, { ...init, signal: abort.signal }).then(
      async (response) => {
        try {
          const data = response.ok ? await read(response) : undefined;
          settle({ data, response, error: null, loading: false });
        } catch (error) {
          settle({ ...IDLE, response, error });
        }
      },
      (error: unknown) => settle({ ...IDLE, error }),
    );
    return () => abort.abort();
  }, [fetch, url, signedIn, round]);

  // While signed out, nothing from an earlier session shows, not even for the one render before
  // the effect above clears it.
  const shown = signedIn ? result : IDLE;
  return { ...shown, reload: () => setRound((n) => n + 1) };
}
