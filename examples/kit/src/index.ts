export {
  starterModel,
  type OfflinePolicy,
  type SeenMessage,
  type SeenRequest,
  type StarterModel,
} from "./offline-model.js";
export { readExampleReadme, unlinkedEntries, type ExampleReadme } from "./readme-check.js";
