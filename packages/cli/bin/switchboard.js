#!/usr/bin/env node
// The installed command; the CLI itself is compiled to dist/ by `pnpm build`.
await import("../dist/bin.js");
