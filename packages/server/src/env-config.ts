import { SwitchboardError } from "@switchboard/core";

/** The error `listen()` throws when its port is taken: it names the port and the variable to set. */
export function portInUse(port: number, cause: unknown): SwitchboardError {
  return new SwitchboardError(
    "CONFIG_ERROR",
    `port ${port} is in use; set PORT (or pass listen({ port })) to another port, or stop what is using it`,
    { cause },
  );
}
