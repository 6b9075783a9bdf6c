import { ToolRegistry, type Tool, type ToolSchema } from "@switchboard/core";

const registries = new WeakMap<readonly Tool[], ToolRegistry>();

/** A registry for `tools` (cached per array, so a `Tool[]` is validated and converted once). */
export function toRegistry(tools: ToolRegistry | readonly Tool[]): ToolRegistry {
  if (tools instanceof ToolRegistry) return tools;
  let registry = registries.get(tools);
  if (registry === undefined) {
    registry = new ToolRegistry(tools);
    registries.set(tools, registry);
  }
  return registry;
}

/** The OpenAI function-tool schemas of `tools`; empty when there are none. */
export function toolSchemas(tools: ToolRegistry | readonly Tool[] | undefined): ToolSchema[] {
  return tools === undefined ? [] : toRegistry(tools).schemas;
}

/** The names of `tools`, in order; empty when there are none. */
export function toolNames(tools: ToolRegistry | readonly Tool[] | undefined): string[] {
  if (tools === undefined) return [];
  return tools instanceof ToolRegistry ? tools.names : tools.map((tool) => tool.name);
}
