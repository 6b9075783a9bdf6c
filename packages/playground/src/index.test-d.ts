import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expectTypeOf, it } from "vitest";
import {
  createPlaygroundHandler,
  DEBUG_EVENTS,
  loadPlaygroundAssets,
  type DebugTrace,
  type PlaygroundAssetName,
  type PlaygroundAssets,
} from "./index.js";

describe("@switchboard/playground types", () => {
  it("assets are named files; the handler says whether it answered", () => {
    expectTypeOf(loadPlaygroundAssets).returns.toEqualTypeOf<Promise<PlaygroundAssets>>();
    expectTypeOf<PlaygroundAssetName>().toEqualTypeOf<
      "index.html" | "playground.js" | "playground.css"
    >();
    expectTypeOf(createPlaygroundHandler).returns.toEqualTypeOf<
      (req: IncomingMessage, res: ServerResponse) => boolean
    >();
  });

  it("the debug channel's names and trace phases are fixed", () => {
    expectTypeOf(DEBUG_EVENTS.trace).toEqualTypeOf<"debug.trace">();
    expectTypeOf<DebugTrace["phase"]>().toEqualTypeOf<
      "triggered" | "started" | "cancelled" | "ended"
    >();
    // A trace fits a log_event's metadata record.
    expectTypeOf<DebugTrace>().toExtend<Record<string, unknown>>();
  });
});
