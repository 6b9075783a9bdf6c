// Without `import "@switchboard/core/line"`, the main entry has one name per thing: Line's
// snake_case settings and `.on()` on a builder are not in its types (they still run).
import { Bridge, UserStartedSpeaking, UserStoppedSpeaking } from "@switchboard/core";

const bridge = new Bridge("agent");
const route = bridge.on(UserStoppedSpeaking);
// @ts-expect-error interrupt_on comes with @switchboard/core/line
route.interrupt_on(UserStartedSpeaking);
// @ts-expect-error .on() on a builder comes with @switchboard/core/line
route.on(UserStartedSpeaking);
route.interruptOn(UserStartedSpeaking);
