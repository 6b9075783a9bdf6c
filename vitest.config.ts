import { defineConfig } from "vitest/config";

// No "module" condition: @opentelemetry/api's "module" build has extensionless imports that Node's
// loader cannot resolve once vitest externalises it.
const sourceConditions = ["@switchboard/source", "node", "import", "default"];

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
