import { defineConfig } from "vitest/config";

const sourceConditions = ["@switchboard/source", "node", "import", "module", "default"];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@switchboard/source"] } },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "examples/*/src/**/*.test.ts",
      "bench/**/*.test.ts",
      "docs/snippets/**/*.test.ts",
    ],
    env: { LOG_LEVEL: process.env["LOG_LEVEL"] ?? "silent" },
    testTimeout: 15_000,
    typecheck: {
      enabled: true,
      include: ["packages/*/src/**/*.test-d.ts"],
      tsconfig: "./tsconfig.typetests.json",
    },
  },
});
