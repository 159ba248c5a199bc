import { AuthError } from "../protocol/errors";
import type { PendingLogin } from "../browser/pending";
import type { Authorize } from "../browser/fetch";
import type { AuthorizationResponse } from "../protocol/response";
import type { AuthorizationParams } from "../protocol/authorize";
import type { Token } from "../protocol/types";
import type { Client, LoginOptions } from "./types";

/**
 * A feature's own per-login data: stored with the pending login under the feature's name, handed
 * to that feature's stages only, never a token. JSON values only (it crosses the redirect).
 */
export type FeatureData = Record<string, unknown>;

/**
 * The stages of a client's pipeline, in the order a login goes through them. The opt-in features
 * (the grant, the token's binding, OpenID Connect, the session features) take part by joining the
 * pipeline ({@link joinPipeline}); the core knows none of them. See docs/architecture.md.
 *
 * Two kinds of stage:
 * - **chained** (`request`, `check`, `accept`): every feature that joins it takes part, in the
 *   order of {@link FeatureStages.order} (ties: the order they joined);
 * - **owned** (`parse`, `complete`, `token`, `authorize`, `retry`, `refresh`, `tokenType`, `hold`): one
 *   feature at most replaces the core's behaviour; a second feature that claims it is refused
 *   with `invalid_config` (the same feature joining again replaces its own).
 *
 * `data` is always the joining feature's own {@link FeatureData} of the login.
 */
export interface Stages {
  /**
   * Chained. Builds the authorization request: may add to `params` and `login` (before the login
   * is stored) and to `data`; may return another endpoint (the last one given wins).
   */
  request(params: AuthorizationParams, login: PendingLogin, data: FeatureData): Promise<string | void> | string | void;
  /**
   * Owned. Reads the authorization response of a redirect URL: the fragment by default, else an
   * error response from the query (some servers send errors there).
   * @returns the response (`null` when there is none; an AuthError when it is malformed, carrying
   * the `state` it names), the URL without it, for the address bar, and, for a response the
   * server should not have put in the query, that part of the query as fragment text: such a
   * response counts only when its state names a pending login, and it is what a frame or popup
   * hands over
   */
  parse(href: string): readonly [response: AuthorizationResponse | AuthError | null, clean: string, query?: string];
  /**
   * Chained. Checks a response whose state matched its pending login, before anything else is
   * done with it (an error response too): e.g. the RFC 9207 `iss` check, before a code is sent anywhere.
   */
  check(response: AuthorizationResponse, login: PendingLogin, data: FeatureData): Promise<void> | void;
  /**
   * Owned. Completes a checked success response in place before its token is read: the code flow
   * exchanges the code and puts the token endpoint's answer into the response.
   */
  complete(response: AuthorizationResponse, login: PendingLogin, data: FeatureData): Promise<void> | void;
  /** Chained. Accepts a new token (e.g. verifies an ID token) before the client holds it; may return a wider one. */
  accept(token: Token, response: AuthorizationResponse, login: PendingLogin, data: FeatureData): Promise<Token> | Token;
  /** Owned. Sends a request to the token endpoint in place of `fetch` (a binding adds its proof there). */
  token(url: string, init: RequestInit): Promise<Response>;
  /** Owned. Sends a request of {@link Client.fetch} inside the resources, with the token (a binding: its own scheme and proof). */
  authorize: Authorize;
  /**
   * Owned. After a `401` from {@link Client.fetch} that refused the token: a replacement
   * response, or undefined to return the 401. A replay goes through `client.fetch` again, so the
   * stage itself must recognise its own replays (no loops).
   */
  retry(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response | undefined> | undefined;
  /** Owned. Gets a new token without the user when the flow can (the code flow, with a refresh token). */
  refresh(opts: LoginOptions): Promise<Token>;
  /** Owned (a value, not a function). The one token type a token response must name. @default "Bearer" */
  tokenType: Token["tokenType"];
  /**
   * Owned. Holds the accepted token of a login elsewhere than as the client's own token (a token
   * for another audience, which the feature keeps apart): true when it did, so that the client's
   * own token stays as it is and no `token` event fires.
   */
  hold(token: Token, login: PendingLogin, data: FeatureData): boolean;
}

/** What a feature brings to the pipeline: any stages, and its place in the order of chained ones. */
export type FeatureStages = Partial<Stages> & {
  /**
   * Where its chained stages run among others': the grant 10, the token's binding 20, identity
   * (OpenID Connect) 30, the session features 40. @default 50
   */
  order?: number;
};

/** The stages as the client runs them: chained ones as lists (in their order), owned ones as their owner set them. */
export type Hooks = Partial<Omit<Stages, "parse" | "request" | "check" | "complete" | "accept" | "hold">> &
  Pick<Stages, "parse"> & {
    request: ((params: AuthorizationParams, login: PendingLogin) => Promise<string | void> | string | void)[];
    check: ((response: AuthorizationResponse, login: PendingLogin) => Promise<void> | void)[];
    complete?(response: AuthorizationResponse, login: PendingLogin): Promise<void> | void;
    accept: ((token: Token, response: AuthorizationResponse, login: PendingLogin) => Promise<Token> | Token)[];
    hold?(token: Token, login: PendingLogin): boolean;
  };

/**
 * The hooks of a new client: no chained stage yet, and the core's `parse`. Only
 * {@link joinPipeline} changes them, so that the code that checks claims and order ships with the
 * features only.
 */
export const createHooks = (parse: Stages["parse"]): Hooks => ({ parse, request: [], check: [], accept: [] });

type Chained = "request" | "check" | "accept";
// A stage as the client runs it: the feature's, with the feature's own data of the login added.
type Run = ((...args: never[]) => unknown) & { order?: number };

/** Per client (by its hooks): the owner of each owned stage, and what the core had there. */
const owners = new WeakMap<Hooks, { owned: Record<string, string | undefined>; core: Record<string, unknown> }>();

const ownersOf = (hooks: Hooks) => {
  const state = owners.get(hooks) || { owned: {}, core: {} };
  owners.set(hooks, state);
  return state;
};

// Refuses a claim on a stage another feature owns.
const mayOwn = (hooks: Hooks, feature: string, name: keyof Stages) => {
  const owner = ownersOf(hooks).owned[name];
  if (owner && owner != feature) {
    throw new AuthError("invalid_config", name, undefined, { message: `stage ${name}: claimed by ${owner} and by ${feature}; only one feature may own it` });
  }
};

/**
 * Makes `feature` the owner of one owned stage (see {@link Stages}): what {@link joinPipeline}
 * does for each owned stage it is given, for a feature that brings nothing else (autoRenew's
 * `retry`). Claiming it again under the same name replaces the feature's own.
 * @returns a function that gives the stage back to the core, unless replaced since
 * @throws AuthError `invalid_config` naming the stage when another feature owns it
 */
export const ownStage = <K extends Exclude<keyof Stages, "request" | "check" | "accept">>(
  hooks: Hooks,
  feature: string,
  name: K,
  value: Hooks[K],
): (() => void) => {
  mayOwn(hooks, feature, name);
  const { owned, core } = ownersOf(hooks);
  // Only one feature owns it: what was there before is the core's, or this feature's own.
  if (!owned[name]) core[name] = hooks[name];
  hooks[name] = value;
  owned[name] = feature;
  return () => {
    if (hooks[name] === value) {
      hooks[name] = core[name] as Hooks[K];
      owned[name] = undefined;
    }
  };
};

/**
 * Wraps an owned stage that a feature owns (persistSession wraps the code flow's `refresh`, so
 * that one tab refreshes at a time): the wrapper gets the stage as it was and returns the one to
 * run. Wrappers stack in the order they are added; each one's undo restores what it wrapped,
 * unless something wrapped it since.
 * @returns a function that takes the wrapper out again
 * @throws AuthError `invalid_config` naming the stage when no feature owns it
 */
export const wrapStage = <K extends "refresh" | "token" | "authorize" | "retry" | "complete">(
  hooks: Hooks,
  feature: string,
  name: K,
  wrap: (inner: NonNullable<Hooks[K]>) => NonNullable<Hooks[K]>,
): (() => void) => {
  const inner = hooks[name];
  if (!inner) throw new AuthError("invalid_config", name, undefined, { message: `stage ${name}: ${feature} wraps it, but no feature owns it` });
  const outer = wrap(inner);
  hooks[name] = outer;
  return () => {
    if (hooks[name] === outer) hooks[name] = inner;
  };
};

/**
 * Adds `feature`'s stages to a client's pipeline (see {@link Stages} for the kinds of stage and
 * their order): chained ones in its `order`, owned ones with {@link ownStage}. Each stage gets the
 * feature's own data of the login.
 * @param hooks - the client's hooks (`internalsOf(client).hooks`)
 * @param feature - the feature's name: the key of its data in a pending login
 * @param stages - its stages and order
 * @returns a function that takes them out again
 * @throws AuthError `invalid_config` naming the stage when another feature owns an owned stage it
 *   claims; then none of its stages joined
 */
export const joinPipeline = (hooks: Hooks, feature: string, stages: FeatureStages): (() => void) => {
  const { order = 50, ...given } = stages;
  const names = Object.keys(given) as (keyof Stages)[];
  const chained = (name: keyof Stages): name is Chained => name == "request" || name == "check" || name == "accept";
  // Every claim is checked before anything changes.
  for (const name of names) if (!chained(name)) mayOwn(hooks, feature, name);
  const list = hooks as unknown as Record<Chained, Run[]>;
  const undo = names.map((name) => {
    const stage = given[name] as Run | Token["tokenType"];
    let run: unknown = stage;
    if (typeof stage == "function" && (chained(name) || name == "complete" || name == "hold")) {
      // The login is the last argument; a request creates the feature's data, and stores it only
      // when the feature put something in it.
      run = (...args: never[]) => {
        const login = args[args.length - 1] as PendingLogin;
        const all = (login.features ||= {});
        // Own members only: a name set on Object.prototype is no feature's data.
        const own = Object.prototype.hasOwnProperty.call(all, feature);
        const data = own ? all[feature]! : name == "request" ? (all[feature] = {}) : {};
        const out = (stage as (...args: unknown[]) => unknown)(...args, data);
        return name == "request" ? Promise.resolve(out).finally(() => Object.keys(data).length || delete all[feature]) : out;
      };
      (run as Run).order = order;
    }
    if (!chained(name)) return ownStage(hooks, feature, name, run as never);
    // Stable: features of the same order keep the order they joined in.
    list[name] = [...list[name], run as Run].sort((a, b) => a.order! - b.order!);
    return () => (list[name] = list[name].filter((f) => f != run));
  });
  return () => undo.forEach((f) => f());
};

/**
 * An opt-in feature given as an option (the grant, `flow: codeFlow`, or the token's binding): a
 * function of the client, marked with its place among such options (`joins`): the client calls
 * each one once it is made, in that order, whatever the option's name.
 */
export interface FeatureFunction {
  (client: Client): void;
  /** Its place: the grant 10, the token's binding 20 (a binding needs the grant's stages). */
  readonly joins: number;
}

/**
 * Marks `join` as a feature that an option gives (see {@link FeatureFunction}).
 * @param order - its place among the features given as options
 * @param join - joins the client's pipeline; throws `invalid_config` when it cannot
 */
export const defineFeature = (order: number, join: (client: Client) => void): ((client: Client) => void) =>
  Object.assign(join, { joins: order }) satisfies FeatureFunction;

/** True for a function marked by {@link defineFeature}. */
export const isFeature = (value: unknown): value is FeatureFunction =>
  typeof value == "function" && typeof (value as Partial<FeatureFunction>).joins == "number";

/**
 * What a feature's folder says about its options, for the client's check of option names: each
 * name, with the function it must be when it is a feature given as an option (its `joins` and its
 * exported name, for the message), or `0` when the feature checks the value itself.
 */
export type OptionNames = Readonly<Record<string, 0 | { readonly joins: number; readonly is: string }>>;
