export { createFakeServer } from "./testing/fake-server";
export { signIn } from "./testing/sign-in";
export { routeFakeServer } from "./testing/playwright";
export { nodeListener } from "./testing/node-http";
export type {
  Authentication,
  FakeEndpoints,
  FakeServer,
  FakeServerOptions,
  FakeServerQuirks,
  FakeUser,
  RefuseOptions,
  SeenRequest,
} from "./testing/fake-server";
export type { SignInClient } from "./testing/sign-in";
export type { RoutablePage, RoutedRequest, RoutedRoute } from "./testing/playwright";
export type { NodeRequestLike, NodeResponseLike } from "./testing/node-http";
