import { createServer } from "node:http";
import { createPlaygroundHandler, loadPlaygroundAssets } from "@switchboard/playground";

// The page alone, on a server of your own (it still needs an agent's POST /chats and /ws there).
const playground = createPlaygroundHandler(await loadPlaygroundAssets(), { basePath: "/debug" });
createServer((req, res) => {
  if (playground(req, res)) return;
  res.writeHead(404).end();
}).listen(9000);
