import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SwitchboardError } from "@switchboard/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VoiceAgentApp } from "./voice-agent-app.js";

const noop = async () => {};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("VoiceAgentApp#listen configuration", () => {
  it('says "port N is in use; set PORT" when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const app = new VoiceAgentApp(noop);
    try {
      const listening = app.listen({ port, host: "127.0.0.1" });
      await expect(listening).rejects.toBeInstanceOf(SwitchboardError);
      await expect(listening).rejects.toThrow(`port ${port} is in use; set PORT`);
    } finally {
      await app.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("refuses PORT=abc at startup, naming the variable", () => {
    vi.stubEnv("PORT", "abc");
    expect(() => new VoiceAgentApp(noop)).toThrow(/PORT="abc": expected a port number/);
  });

  it("listens on PORT when it is valid", async () => {
    vi.stubEnv("PORT", "0");
    const app = new VoiceAgentApp(noop);
    try {
      const { port } = await app.listen({ host: "127.0.0.1" });
      expect(port).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
