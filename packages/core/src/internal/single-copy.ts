import { SwitchboardError } from "../errors.js";

/**
 * Where the first copy of core loaded from. Events are matched with `instanceof` and bridges
 * talk through private fields, so a second copy (version skew between @switchboard/* packages)
 * would fail later with a baffling "… is not a function"; it fails here, at load, instead.
 */
const registryKey = Symbol.for("@switchboard/core");

interface LoadedCore {
  readonly url: string;
}

/** Records this copy of core; throws `DUPLICATE_CORE` when a different copy already loaded. */
export function claimSingleCopy(url: string, scope: object = globalThis): void {
  const registry = scope as { [registryKey]?: LoadedCore };
  const loaded = registry[registryKey];
  if (loaded !== undefined && loaded.url !== url) {
    throw new SwitchboardError(
      "DUPLICATE_CORE",
      `two copies of @switchboard/core are loaded (${loaded.url} and ${url}). ` +
        "Keep every @switchboard/* package at the same version, then run `npm ls @switchboard/core` " +
        "(or `pnpm why @switchboard/core`) and dedupe so that only one remains.",
    );
  }
  registry[registryKey] = { url };
}

claimSingleCopy(import.meta.url);
