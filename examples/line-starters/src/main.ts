import type { ChatModel } from "@switchboard/openai";
import type { VoiceAgentApp } from "@switchboard/server";
import { createBankingApp, bankingPolicy } from "./personal-banking/banking.js";
import { createEchoApp } from "./echo/echo.js";
import { createFormApp, formPolicy } from "./form-filling/form-filling.js";
import { starterModel, type OfflinePolicy } from "@switchboard/examples-kit";
import { createSalesApp, salesPolicy } from "./sales-with-leads/sales.js";
import { createStorytellerApp, storyPolicy } from "./dtmf-storyteller/storyteller.js";

const starters: Record<string, { policy?: OfflinePolicy; app: (llm: ChatModel) => VoiceAgentApp }> =
  {
    echo: { app: () => createEchoApp() },
    "personal-banking": { policy: bankingPolicy, app: createBankingApp },
    "form-filling": { policy: formPolicy, app: (llm) => createFormApp(llm) },
    "dtmf-storyteller": { policy: storyPolicy, app: createStorytellerApp },
    "sales-with-leads": { policy: salesPolicy, app: (llm) => createSalesApp(llm) },
  };

const name = process.argv[2] ?? "echo";
const starter = starters[name];
if (starter === undefined) {
  process.stderr.write(`unknown starter "${name}"; one of: ${Object.keys(starters).join(", ")}\n`);
  process.exit(2);
}
// Offline, the model is the real openai client against a local fake that follows the policy.
const model = await starterModel(starter.policy ?? (() => ({ content: "" })), { tokenDelayMs: 30 });
const app = starter.app(model.llm);
const { url } = await app.run();
process.stdout.write(`${name} listening on ${url}; talk to it with: npx -y pnpm@10 chat\n`);
process.once("exit", () => void model.close());
