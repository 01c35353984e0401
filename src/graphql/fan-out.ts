// How a subscription field's events reach its subscribers (server/fan-out.ts). Every subscription
// field declares one; test/realtime/fan-out-guard.test.ts fails on a field without a declaration and
// on a field declared `visibilityClass` whose execution reads more of the viewer than its class.
import type { GraphQLSchema } from "graphql";

/**
 * - `visibilityClass`: what the subscription and its payload read of the viewer is its visibility
 *   class (program/visibility.ts); identical subscriptions of one class share one execution per event.
 * - `alone`: every subscription runs its own execution (it reads who the viewer is).
 */
export type FanOut = "visibilityClass" | "alone";

export const fanOut = (how: FanOut) => ({ extensions: { fanOut: how } });

/** The declared fan-out of a root subscription field; a field without one runs alone. */
export function fanOutOf(schema: GraphQLSchema, field: string): FanOut {
  const declared = schema.getSubscriptionType()?.getFields()[field]?.extensions?.fanOut;
  return declared === "visibilityClass" ? "visibilityClass" : "alone";
}
