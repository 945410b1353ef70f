/** The browser SDK restates the protocol types (sdk/client.ts) so that its bundle and its generated .d.ts stay
 * self-contained. This file keeps the two from drifting: it does not type-check (`deno check`, `deno test`)
 * when a server event, response or error would no longer fit the SDK's types. */
import assert from "node:assert/strict";
import { EVENT_TYPES } from "../../core/types.ts";
import type * as Core from "../../core/types.ts";
import type { ErrorBody } from "../../core/errors.ts";
import type * as Sdk from "../../sdk/client.ts";

type Assignable<A, B> = [A] extends [B] ? true : false;
/** What JSON makes of a server type: plain object types (an interface has no index signature, so it would not
 * fit the SDK's `Record<string, unknown>` even when its JSON does). */
type Wire<T> = T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

const fits: {
  everyServerEventTypeIsKnownToTheSdk: Assignable<Core.EventType, Sdk.EventType>;
  serverEventsReadAsSdkEvents: Assignable<Wire<Core.QueryEvent>, Sdk.QueryEvent>;
  serverResponsesReadAsSdkResponses: Assignable<Wire<Core.QueryResponse>, Sdk.QueryResponse>;
  serverErrorsReadAsSdkErrors: Assignable<Wire<ErrorBody>, Sdk.ErrorBody>;
  sdkStatusesAreServerStatuses: Assignable<Sdk.QueryResponse["status"], Core.QueryResponse["status"]>;
} = {
  everyServerEventTypeIsKnownToTheSdk: true,
  serverEventsReadAsSdkEvents: true,
  serverResponsesReadAsSdkResponses: true,
  serverErrorsReadAsSdkErrors: true,
  sdkStatusesAreServerStatuses: true,
};

Deno.test("SDK protocol types accept everything the server sends (checked by the type checker)", () => {
  assert.ok(Object.values(fits).every((v) => v === true));
  // The event list itself is runtime data on the server: each name must be one the SDK's union spells.
  const sdkNames: Record<Sdk.EventType, true> = {
    accepted: true,
    parsing: true,
    planning: true,
    step_start: true,
    step_complete: true,
    step_error: true,
    partial_result: true,
    clarification_needed: true,
    paused: true,
    resumed: true,
    cancelled: true,
    result: true,
    error: true,
    pong: true,
    rate_limited: true,
  };
  for (const t of EVENT_TYPES) assert.ok(sdkNames[t], `server event type ${t} is missing from the SDK`);
});
