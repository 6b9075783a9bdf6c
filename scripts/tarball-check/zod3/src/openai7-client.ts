// The user's own openai 7 client is accepted as OpenAIChat's `client` (type-checked only: openai 7
// wants Node 22, the check runs on Node 20).
import { OpenAIChat } from "@switchboard/openai";
import OpenAI from "openai";

export function chatWith(client: OpenAI): OpenAIChat {
  return new OpenAIChat({ model: "gpt-4o-mini", client });
}
