import { deferred } from "../internal/test-deferred.js";
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { SwitchboardError } from "../errors.js";
import { ToolCall, ToolResult } from "../events.js";
import type { Logger } from "../logger.js";
import { defineTool, type Tool, type ToolContext } from "./define-tool.js";
import { ToolRegistry } from "./tool-registry.js";

interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  fields: object;
  msg: string | undefined;
}

function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord["level"]) =>
    (fields: object, msg?: string): void => {
      records.push({ level, fields, msg });
    };
  const logger = {
    records,
    child: () => logger,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return logger;
}

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({
    city: z.string().describe("City name"),
    unit: z.enum(["c", "f"]).default("c"),
  }),
  execute: async ({ city, unit }) => ({ city, unit, temp: 21 }),
});

const echo = defineTool({
  name: "echo",
  description: "Echoes text.",
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

/** A tool whose runs wait for the test to finish them; records starts, ends and the signals it got. */
function controlledTool(name: string, onInterrupt: "abort" | "continue" = "abort") {
  const runs: {
    id: string;
    signal: AbortSignal;
    finish: (value: unknown) => void;
    fail: (e: unknown) => void;
  }[] = [];
  const tool = defineTool({
    name,
    description: "waits",
    parameters: z.object({}),
    onInterrupt,
    execute: (_args, { signal, toolCallId }: ToolContext) => {
      const { promise, resolve, reject } = deferred<unknown>();
      runs.push({ id: toolCallId, signal, finish: resolve, fail: reject });
      return promise;
    },
  });
  return { tool, runs };
}

const registryOf = (tools: Tool[], options: ConstructorParameters<typeof ToolRegistry>[1] = {}) =>
  new ToolRegistry(tools, { logger: recordingLogger(), ...options });

describe("ToolRegistry", () => {
  describe("constructor", () => {
    it("throws TOOL_ERROR on a duplicate name", () => {
      const build = () => new ToolRegistry([echo, { ...echo }]);
      expect(build).toThrow(SwitchboardError);
      expect(build).toThrow(
        expect.objectContaining({ code: "TOOL_ERROR", message: expect.stringContaining("echo") }),
      );
    });

    it("throws TOOL_ERROR on an invalid name in a hand-written tool", () => {
      expect(() => new ToolRegistry([{ ...echo, name: "bad name" }])).toThrow(
        expect.objectContaining({ code: "TOOL_ERROR" }),
      );
    });

    it("throws TOOL_ERROR on parameters JSON Schema cannot express", () => {
      const when = defineTool({
        name: "when",
        description: "",
        parameters: z.object({ at: z.date() }),
        execute: () => 1,
      });
      expect(() => new ToolRegistry([when])).toThrow(
        expect.objectContaining({ code: "TOOL_ERROR" }),
      );
    });

    it("throws TOOL_ERROR on parameters that are not an object", () => {
      const list = { ...echo, parameters: z.array(z.string()) } as unknown as Tool;
      expect(() => new ToolRegistry([list])).toThrow(
        expect.objectContaining({ code: "TOOL_ERROR" }),
      );
    });
  });

  describe("#schemas", () => {
    it("gives OpenAI function tools with a closed JSON Schema and no $schema", () => {
      const nested = defineTool({
        name: "book",
        description: "Books a table.",
        parameters: z.object({
          guests: z.array(z.object({ name: z.string() })),
          extras: z.looseObject({}),
        }),
        execute: () => "booked",
      });
      expect(new ToolRegistry([getWeather, nested]).schemas).toEqual([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city.",
            parameters: {
              type: "object",
              properties: {
                city: { type: "string", description: "City name" },
                unit: { type: "string", enum: ["c", "f"], default: "c" },
              },
              required: ["city"],
              additionalProperties: false,
            },
          },
        },
        {
          type: "function",
          function: {
            name: "book",
            description: "Books a table.",
            parameters: {
              type: "object",
              properties: {
                guests: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { name: { type: "string" } },
                    required: ["name"],
                    additionalProperties: false,
                  },
                },
                extras: { type: "object", properties: {}, additionalProperties: {} },
              },
              required: ["guests", "extras"],
              additionalProperties: false,
            },
          },
        },
      ]);
    });

    it("survives a caller mutating the returned array", () => {
      const registry = new ToolRegistry([echo]);
      registry.schemas.pop();
      expect(registry.schemas).toHaveLength(1);
    });
  });

  describe("lookup", () => {
    const registry = new ToolRegistry([getWeather, echo]);

    it("exposes names, size, get, has and iteration in registration order", () => {
      expect(registry.names).toEqual(["get_weather", "echo"]);
      expect(registry.size).toBe(2);
      expect(registry.get("echo")).toBe(echo);
      expect(registry.get("nope")).toBeUndefined();
      expect(registry.has("get_weather")).toBe(true);
      expect([...registry].map((t) => t.name)).toEqual(["get_weather", "echo"]);
    });

    it("from() reuses a registry and builds one from Tool[]", () => {
      expect(ToolRegistry.from(registry)).toBe(registry);
      expect(ToolRegistry.from([echo]).names).toEqual(["echo"]);
      expect(ToolRegistry.from(registry, { logger: recordingLogger() })).not.toBe(registry);
    });
  });

  describe("#execute", () => {
    it("runs a model-style call with raw JSON arguments", async () => {
      const [result] = await registryOf([getWeather]).execute([
        { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      ]);
      expect(result).toBeInstanceOf(ToolResult);
      expect(result).toMatchObject({
        toolName: "get_weather",
        toolArgs: { city: "Paris" },
        toolCallId: "call_1",
        result: { city: "Paris", unit: "c", temp: 21 },
        error: undefined,
      });
      expect(result?.resultStr).toBe('{"city":"Paris","unit":"c","temp":21}');
    });

    it("runs ToolCall events and object arguments", async () => {
      const call = new ToolCall({ toolName: "echo", toolArgs: { text: "hi" } });
      const results = await registryOf([echo]).execute([
        call,
        { id: "call_2", name: "echo", arguments: { text: "there" } },
      ]);
      expect(results.map((r) => [r.toolCallId, r.result])).toEqual([
        [call.toolCallId, "hi"],
        ["call_2", "there"],
      ]);
    });

    it("treats empty string arguments as {}", async () => {
      const ping = defineTool({
        name: "ping",
        description: "",
        parameters: z.object({}),
        execute: () => "pong",
      });
      const [result] = await registryOf([ping]).execute([
        { id: "c", name: "ping", arguments: "  " },
      ]);
      expect(result?.result).toBe("pong");
    });

    it("reports invalid JSON without running the tool", async () => {
      const execute = vi.fn();
      const tool = defineTool({ name: "t", description: "", parameters: z.object({}), execute });
      const [result] = await registryOf([tool]).execute([
        { id: "c1", name: "t", arguments: '{"city": Par' },
      ]);
      expect(execute).not.toHaveBeenCalled();
      expect(result).toMatchObject({ toolName: "t", toolCallId: "c1", toolArgs: {} });
      expect(result?.error).toMatch(
        /^Invalid arguments for tool "t": the arguments are not valid JSON \(.+\)\./,
      );
    });

    it("reports a ToolCall whose rawArguments could not be parsed", async () => {
      const call = new ToolCall({ toolName: "echo", rawArguments: '{"text": "unterminated' });
      const [result] = await registryOf([echo]).execute([call]);
      expect(result?.toolCallId).toBe(call.toolCallId);
      expect(result?.error).toContain("not valid JSON");
    });

    it("parses a ToolCall's raw arguments once, when the call is made", async () => {
      const parse = vi.spyOn(JSON, "parse");
      try {
        const bad = new ToolCall({ toolName: "echo", rawArguments: '{"text": "unterminated' });
        const good = new ToolCall({ toolName: "echo", rawArguments: '{"text":"hi"}' });
        expect(parse).toHaveBeenCalledTimes(2);
        expect(good).toMatchObject({ toolArgs: { text: "hi" }, argumentsError: undefined });
        expect(bad.argumentsError).toContain("not valid JSON");
        const [badResult, goodResult] = await registryOf([echo]).execute([bad, good]);
        expect(badResult?.error).toContain("not valid JSON");
        expect(goodResult?.success).toBe(true);
        // (The registry also parses the tools' JSON schemas; the arguments are not parsed again.)
        const argumentParses = parse.mock.calls.filter(([text]) =>
          [bad.rawArguments, good.rawArguments].includes(text),
        );
        expect(argumentParses).toHaveLength(2);
      } finally {
        parse.mockRestore();
      }
    });

    it("reports JSON that is not an object", async () => {
      const [result] = await registryOf([echo]).execute([
        { id: "c", name: "echo", arguments: '["hi"]' },
      ]);
      expect(result?.error).toContain("the arguments must be a JSON object, not an array");
    });

    it("names every bad field so the model can correct itself", async () => {
      const book = defineTool({
        name: "book",
        description: "",
        parameters: z.strictObject({
          date: z.string(),
          guests: z.number().int().min(1),
          people: z.array(z.object({ name: z.string() })),
        }),
        execute: () => "ok",
      });
      const [result] = await registryOf([book]).execute([
        { id: "c", name: "book", arguments: { guests: "4", people: [{ name: 3 }], smoking: true } },
      ]);
      expect(result?.error).toBe(
        'Invalid arguments for tool "book": "date" is required (expected string); ' +
          '"guests": expected number, received string; "people[0].name": expected string, received number; ' +
          'unexpected field "smoking". Call the tool again with arguments that match its parameters.',
      );
      expect(result?.toolArgs).toEqual({ guests: "4", people: [{ name: 3 }], smoking: true });
    });

    it("passes the schema's output to execute and the model's arguments to the result", async () => {
      const seen = vi.fn((args: { n: number }) => args.n * 2);
      const double = defineTool({
        name: "double",
        description: "",
        parameters: z.object({ n: z.coerce.number() }),
        execute: seen,
      });
      const [result] = await registryOf([double]).execute([
        { id: "c", name: "double", arguments: '{"n":"21"}' },
      ]);
      expect(seen).toHaveBeenCalledWith({ n: 21 }, expect.objectContaining({ toolCallId: "c" }));
      expect(result).toMatchObject({ result: 42, toolArgs: { n: "21" } });
    });

    it("lists the known tools for an unknown one", async () => {
      const [result] = await registryOf([getWeather, echo]).execute([
        { id: "c", name: "get_wether", arguments: "{}" },
      ]);
      expect(result).toMatchObject({ toolName: "get_wether", toolCallId: "c" });
      expect(result?.error).toBe('Unknown tool "get_wether". Available tools: get_weather, echo.');
    });

    it("turns async and sync throws into errors, and logs them", async () => {
      const logger = recordingLogger();
      const asyncFail = defineTool({
        name: "async_fail",
        description: "",
        parameters: z.object({}),
        execute: async () => {
          throw new Error("database is down");
        },
      });
      const syncFail = defineTool({
        name: "sync_fail",
        description: "",
        parameters: z.object({}),
        execute: () => {
          throw new TypeError("bad state");
        },
      });
      const results = await new ToolRegistry([asyncFail, syncFail], { logger }).execute([
        { id: "a", name: "async_fail", arguments: "" },
        { id: "b", name: "sync_fail", arguments: "" },
      ]);
      expect(results.map((r) => [r.toolCallId, r.error, r.interrupted])).toEqual([
        ["a", "database is down", undefined],
        ["b", "bad state", undefined],
      ]);
      expect(logger.records.filter((r) => r.level === "warn")).toEqual([
        {
          level: "warn",
          msg: "tool call failed",
          fields: expect.objectContaining({ toolName: "async_fail" }),
        },
        {
          level: "warn",
          msg: "tool call failed",
          fields: expect.objectContaining({ toolName: "sync_fail" }),
        },
      ]);
    });

    it("reports a result that cannot be sent as JSON as an error", async () => {
      const big = defineTool({
        name: "big",
        description: "",
        parameters: z.object({}),
        execute: () => ({ n: 1n }),
      });
      const [result] = await registryOf([big]).execute([{ id: "c", name: "big", arguments: "" }]);
      expect(result?.error).toMatch(/^the tool returned a value that cannot be sent as JSON/);
      expect(() => result?.resultStr).not.toThrow();
    });

    it("returns results in call order whatever order the tools finish in", async () => {
      const { tool, runs } = controlledTool("wait");
      const pending = registryOf([tool]).execute([
        { id: "first", name: "wait", arguments: "" },
        { id: "second", name: "wait", arguments: "" },
      ]);
      runs[1]!.finish("second done");
      runs[0]!.finish("first done");
      expect((await pending).map((r) => [r.toolCallId, r.result])).toEqual([
        ["first", "first done"],
        ["second", "second done"],
      ]);
    });

    it("never rejects, even for calls that are not iterable", async () => {
      await expect(registryOf([echo]).execute(42 as unknown as ToolCall[])).resolves.toEqual([]);
    });

    it("never rejects, even for a malformed call object", async () => {
      const calls = [null, { id: 1, name: 2 }] as unknown as ToolCall[];
      const results = await registryOf([echo]).execute(calls);
      expect(results).toHaveLength(2);
      expect(results.every((r) => r.error?.startsWith("Unknown tool"))).toBe(true);
    });

    describe("with timers", () => {
      beforeEach(() => {
        vi.useFakeTimers();
      });
      afterEach(() => {
        vi.useRealTimers();
      });

      const events: string[] = [];
      const slow = (name: string) =>
        defineTool({
          name,
          description: "takes 50 ms",
          parameters: z.object({}),
          execute: async () => {
            events.push(`${name} started`);
            await new Promise((resolve) => setTimeout(resolve, 50));
            events.push(`${name} finished`);
            return name;
          },
        });
      const calls = [
        { id: "a", name: "slow_a", arguments: "" },
        { id: "b", name: "slow_b", arguments: "" },
      ];

      it("overlaps calls when parallel", async () => {
        events.length = 0;
        let done = false;
        const pending = registryOf([slow("slow_a"), slow("slow_b")])
          .execute(calls, { parallel: true })
          .finally(() => (done = true));
        await vi.advanceTimersByTimeAsync(50);
        expect(done).toBe(true);
        expect(events).toEqual([
          "slow_a started",
          "slow_b started",
          "slow_a finished",
          "slow_b finished",
        ]);
        expect((await pending).map((r) => r.result)).toEqual(["slow_a", "slow_b"]);
      });

      it("runs calls one after another when not parallel", async () => {
        events.length = 0;
        let done = false;
        const pending = registryOf([slow("slow_a"), slow("slow_b")])
          .execute(calls, { parallel: false })
          .finally(() => (done = true));
        await vi.advanceTimersByTimeAsync(50);
        expect(done).toBe(false);
        await vi.advanceTimersByTimeAsync(50);
        expect(done).toBe(true);
        expect(events).toEqual([
          "slow_a started",
          "slow_a finished",
          "slow_b started",
          "slow_b finished",
        ]);
        expect((await pending).map((r) => r.result)).toEqual(["slow_a", "slow_b"]);
      });

      it("times out a tool that ignores its signal, aborting that signal", async () => {
        const { tool, runs } = controlledTool("stuck");
        const logger = recordingLogger();
        const pending = new ToolRegistry([tool], { logger }).execute(
          [{ id: "c", name: "stuck", arguments: "" }],
          {
            timeoutMs: 1000,
          },
        );
        await vi.advanceTimersByTimeAsync(999);
        expect(runs[0]!.signal.aborted).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        const [result] = await pending;
        expect(result).toMatchObject({
          toolCallId: "c",
          error: "timed out after 1000 ms",
          interrupted: undefined,
        });
        expect(runs[0]!.signal.aborted).toBe(true);
        expect(runs[0]!.signal.reason).toMatchObject({ name: "TimeoutError" });
        expect(logger.records).toContainEqual(
          expect.objectContaining({ level: "warn", msg: "tool call timed out" }),
        );
        runs[0]!.fail(new Error("too late"));
        expect(vi.getTimerCount()).toBe(0);
      });

      it("clears the timeout of a call that finishes in time", async () => {
        const results = await registryOf([echo]).execute(
          [{ id: "c", name: "echo", arguments: '{"text":"x"}' }],
          {
            timeoutMs: 1000,
          },
        );
        expect(results[0]?.result).toBe("x");
        expect(vi.getTimerCount()).toBe(0);
      });
    });
  });

  describe("interruption", () => {
    it("never runs calls when the signal is already aborted", async () => {
      const execute = vi.fn();
      const tool = defineTool({ name: "t", description: "", parameters: z.object({}), execute });
      const controller = new AbortController();
      controller.abort();
      const results = await registryOf([tool]).execute(
        [
          { id: "a", name: "t", arguments: "" },
          { id: "b", name: "t", arguments: "" },
        ],
        { signal: controller.signal },
      );
      expect(execute).not.toHaveBeenCalled();
      expect(results.map((r) => [r.toolCallId, r.interrupted, r.error])).toEqual([
        ["a", true, "not run: the generation was interrupted"],
        ["b", true, "not run: the generation was interrupted"],
      ]);
    });

    it("aborts a running tool and returns at once, even if the tool ignores its signal", async () => {
      const { tool, runs } = controlledTool("stuck");
      const controller = new AbortController();
      const pending = registryOf([tool]).execute([{ id: "c", name: "stuck", arguments: "" }], {
        signal: controller.signal,
      });
      expect(runs[0]!.signal.aborted).toBe(false);
      const reason = new DOMException("user spoke", "AbortError");
      controller.abort(reason);
      expect(runs[0]!.signal.aborted).toBe(true);
      expect(runs[0]!.signal.reason).toBe(reason);
      // The tool never settles: execute must not wait for it.
      const [result] = await pending;
      expect(result).toMatchObject({ toolName: "stuck", toolCallId: "c", interrupted: true });
      expect(result?.error).toMatch(/^cancelled: the generation was interrupted/);
    });

    it("in sequence, never dispatches the calls after an interrupt", async () => {
      const { tool, runs } = controlledTool("wait");
      const controller = new AbortController();
      const pending = registryOf([tool]).execute(
        [
          { id: "a", name: "wait", arguments: "" },
          { id: "b", name: "wait", arguments: "" },
        ],
        { parallel: false, signal: controller.signal },
      );
      expect(runs).toHaveLength(1);
      controller.abort();
      const results = await pending;
      expect(runs).toHaveLength(1);
      expect(results.map((r) => [r.toolCallId, r.interrupted, r.error?.split(":")[0]])).toEqual([
        ["a", true, "cancelled"],
        ["b", true, "not run"],
      ]);
    });

    it("keeps the results of calls that finished before the interrupt", async () => {
      const { tool, runs } = controlledTool("wait");
      const controller = new AbortController();
      const pending = registryOf([tool, echo]).execute(
        [
          { id: "a", name: "echo", arguments: '{"text":"done"}' },
          { id: "b", name: "wait", arguments: "" },
        ],
        { signal: controller.signal },
      );
      expect(runs).toHaveLength(1);
      // Let the echo call's (already resolved) result settle before interrupting.
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      expect((await pending).map((r) => [r.result, r.interrupted])).toEqual([
        ["done", undefined],
        [undefined, true],
      ]);
    });

    it("lets no rejection of an abandoned tool go unhandled", async () => {
      const unhandled = vi.fn();
      process.on("unhandledRejection", unhandled);
      try {
        const { tool, runs } = controlledTool("stuck");
        const controller = new AbortController();
        const pending = registryOf([tool]).execute([{ id: "c", name: "stuck", arguments: "" }], {
          signal: controller.signal,
        });
        controller.abort();
        await pending;
        runs[0]!.fail(new Error("failed after being abandoned"));
        // Unhandled rejections are reported after the microtask queue drains, within a macrotask.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).not.toHaveBeenCalled();
      } finally {
        process.off("unhandledRejection", unhandled);
      }
    });

    describe('with onInterrupt: "continue"', () => {
      it("does not abort the tool, returns a placeholder and reports the real result in the background", async () => {
        const { tool, runs } = controlledTool("save_note", "continue");
        const background: ToolResult[] = [];
        const forBatch: ToolResult[] = [];
        const controller = new AbortController();
        const registry = registryOf([tool], { onBackgroundResult: (r) => background.push(r) });
        const pending = registry.execute([{ id: "c", name: "save_note", arguments: "" }], {
          signal: controller.signal,
          onBackgroundResult: (r) => forBatch.push(r),
        });
        controller.abort();
        const [placeholder] = await pending;
        expect(runs[0]!.signal.aborted).toBe(false);
        expect(placeholder).toMatchObject({
          toolName: "save_note",
          toolCallId: "c",
          interrupted: true,
        });
        expect(placeholder?.error).toMatch(/^still running/);
        expect(background).toEqual([]);

        runs[0]!.finish({ saved: true });
        await vi.waitFor(() => expect(background).toHaveLength(1));
        expect(background[0]).toMatchObject({
          toolCallId: "c",
          result: { saved: true },
          error: undefined,
        });
        expect(background[0]?.interrupted).toBeUndefined();
        expect(forBatch).toEqual(background);
      });

      it("returns the real result when the tool finished before the interrupt", async () => {
        const onBackgroundResult = vi.fn();
        const note = defineTool({
          name: "note",
          description: "",
          parameters: z.object({}),
          onInterrupt: "continue",
          execute: () => "noted",
        });
        const controller = new AbortController();
        const [result] = await registryOf([note], { onBackgroundResult }).execute(
          [{ id: "c", name: "note", arguments: "" }],
          { signal: controller.signal },
        );
        controller.abort();
        expect(result).toMatchObject({ result: "noted", interrupted: undefined });
        expect(onBackgroundResult).not.toHaveBeenCalled();
      });

      it("still times out in the background", async () => {
        vi.useFakeTimers();
        try {
          const { tool, runs } = controlledTool("save_note", "continue");
          const onBackgroundResult = vi.fn();
          const controller = new AbortController();
          const pending = registryOf([tool], { onBackgroundResult }).execute(
            [{ id: "c", name: "save_note", arguments: "" }],
            { signal: controller.signal, timeoutMs: 500 },
          );
          controller.abort();
          await pending;
          expect(runs[0]!.signal.aborted).toBe(false);
          await vi.advanceTimersByTimeAsync(500);
          expect(runs[0]!.signal.aborted).toBe(true);
          expect(onBackgroundResult).toHaveBeenCalledTimes(1);
          expect(onBackgroundResult.mock.calls[0]![0]).toMatchObject({
            toolCallId: "c",
            error: "timed out after 500 ms",
          });
          expect(vi.getTimerCount()).toBe(0);
        } finally {
          vi.useRealTimers();
        }
      });

      it("logs a throwing onBackgroundResult instead of letting it escape", async () => {
        const logger = recordingLogger();
        const { tool, runs } = controlledTool("save_note", "continue");
        const controller = new AbortController();
        const pending = new ToolRegistry([tool], {
          logger,
          onBackgroundResult: () => {
            throw new Error("listener bug");
          },
        }).execute([{ id: "c", name: "save_note", arguments: "" }], { signal: controller.signal });
        controller.abort();
        await pending;
        runs[0]!.finish("ok");
        await vi.waitFor(() =>
          expect(logger.records).toContainEqual(
            expect.objectContaining({ level: "error", msg: "onBackgroundResult threw" }),
          ),
        );
      });

      it("warns when a background result has nowhere to go", async () => {
        const logger = recordingLogger();
        const { tool, runs } = controlledTool("save_note", "continue");
        const controller = new AbortController();
        const pending = new ToolRegistry([tool], { logger }).execute(
          [{ id: "c", name: "save_note", arguments: "" }],
          {
            signal: controller.signal,
          },
        );
        controller.abort();
        await pending;
        runs[0]!.finish("ok");
        await vi.waitFor(() =>
          expect(logger.records).toContainEqual(
            expect.objectContaining({
              level: "warn",
              msg: "background tool result dropped: no onBackgroundResult",
            }),
          ),
        );
      });
    });

    describe("abort listeners", () => {
      const listenerCount = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

      it("are removed after a normal run", async () => {
        const signal = new AbortController().signal;
        signal.addEventListener("abort", () => {});
        const before = listenerCount(signal);
        await registryOf([echo, getWeather]).execute(
          [
            { id: "a", name: "echo", arguments: '{"text":"x"}' },
            { id: "b", name: "get_weather", arguments: '{"city":"Oslo"}' },
            { id: "c", name: "missing", arguments: "" },
          ],
          { signal },
        );
        expect(listenerCount(signal)).toBe(before);
      });

      it("are removed after an interrupt, including for abandoned and background tools", async () => {
        const stuck = controlledTool("stuck");
        const note = controlledTool("note", "continue");
        const controller = new AbortController();
        const before = listenerCount(controller.signal);
        const pending = registryOf([stuck.tool, note.tool], {
          onBackgroundResult: () => {},
        }).execute(
          [
            { id: "a", name: "stuck", arguments: "" },
            { id: "b", name: "note", arguments: "" },
          ],
          { signal: controller.signal, timeoutMs: 60_000 },
        );
        expect(listenerCount(controller.signal)).toBe(before + 2);
        controller.abort();
        await pending;
        expect(listenerCount(controller.signal)).toBe(before);
        note.runs[0]!.finish("done");
      });

      it("are removed after a timeout", async () => {
        vi.useFakeTimers();
        try {
          const { tool } = controlledTool("stuck");
          const signal = new AbortController().signal;
          const before = listenerCount(signal);
          const pending = registryOf([tool]).execute([{ id: "c", name: "stuck", arguments: "" }], {
            signal,
            timeoutMs: 10,
          });
          await vi.advanceTimersByTimeAsync(10);
          await pending;
          expect(listenerCount(signal)).toBe(before);
        } finally {
          vi.useRealTimers();
        }
      });
    });
  });
});
