// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/require-await": "off",
      // Rejections pass through whatever the producer threw; we don't invent Errors for them.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["**/*.test.ts", "**/*.test-d.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The wire protocol runs in browsers too: zod only, no Node, no other Switchboard package.
    files: ["packages/protocol/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*"],
              message: "@switchboard/protocol is browser-safe: no Node imports.",
            },
            {
              group: ["@switchboard/*", "ws", "pino"],
              message: "@switchboard/protocol depends on zod only.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "Buffer", "process", "__dirname", "require"],
    },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
