import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The path of a sibling module to fork, `.ts` when running from source (tsx) and `.js` when
 * running the compiled bench (`pnpm bench` measures compiled code, as users run it).
 */
export function siblingModule(importMetaUrl: string, name: string): string {
  const self = fileURLToPath(importMetaUrl);
  return join(dirname(self), `${name}${self.endsWith(".ts") ? ".ts" : ".js"}`);
}
