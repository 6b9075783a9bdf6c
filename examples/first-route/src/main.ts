import { runFirstRoute } from "./first-route.js";

for (const line of await runFirstRoute()) console.log(line);
