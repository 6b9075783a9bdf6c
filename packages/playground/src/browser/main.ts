import "./playground.css";
import { Conversation } from "./conversation.js";
import { h } from "./dom.js";
import { MetricsView } from "./metrics-view.js";
import { RoutesView } from "./routes-view.js";
import { Session } from "./session.js";
import { PushToTalk, Speaker } from "./speech.js";
import { TimelineView } from "./timeline-view.js";
import { ToolsView } from "./tools-view.js";
import { TranscriptView } from "./transcript-view.js";

const transcript = new TranscriptView();
const timeline = new TimelineView();
const metrics = new MetricsView();
const tools = new ToolsView();
const routes = new RoutesView();
const speaker = new Speaker();
const pushToTalk = new PushToTalk();

const status = h("span", { class: "status", role: "status" }, "starting…");
const newCall = h("button", { type: "button", class: "new-call", hidden: true }, "New call");
newCall.addEventListener("click", () => location.reload());
const message = h("input", {
  id: "message",
  type: "text",
  autocomplete: "off",
  placeholder: "Say something to the agent…",
});
const send = h("button", { type: "submit" }, "Send");
const talk = h(
  "button",
  {
    type: "button",
    class: "talk",
    disabled: !PushToTalk.available,
    title: PushToTalk.available
      ? "Hold to talk; release to send"
      : "Speech recognition is not available in this browser",
  },
  "Hold to talk",
);
const speak = h("input", {
  type: "checkbox",
  id: "speak",
  checked: Speaker.available,
  disabled: !Speaker.available,
});
const composer = h(
  "form",
  { class: "composer" },
  h("label", { for: "message" }, "Message"),
  message,
  send,
  talk,
  h("label", { class: "speak", for: "speak" }, speak, " speak answers"),
);

const panel = (title: string, ...children: HTMLElement[]) =>
  h(
    "section",
    { class: `panel panel-${title.toLowerCase()}`, "aria-labelledby": `h-${title.toLowerCase()}` },
    h("h2", { id: `h-${title.toLowerCase()}` }, title),
    ...children,
  );

document.body.append(
  h("header", { class: "top" }, h("h1", {}, "Switchboard playground"), status, newCall),
  h(
    "main",
    { class: "grid" },
    panel("Conversation", transcript.element, composer),
    h(
      "div",
      { class: "middle" },
      panel("Routes", routes.element),
      panel("Turns", metrics.element),
      panel("Tools", tools.element),
    ),
    panel("Timeline", timeline.element),
  ),
);

const session = new Session({
  onFrame: (direction, frame, at) => conversation.onFrame(direction, frame, at),
  onInvalidFrame: (text, problem, at) => timeline.addInvalid(text, problem, at),
  onStatus: (text) => (status.textContent = text),
  onClose: (code, reason) => {
    status.textContent = `call ended (${code}${reason === "" ? "" : `: ${reason}`})`;
    transcript.addNote("The call is over.");
    newCall.hidden = false;
    message.disabled = send.disabled = talk.disabled = true;
  },
});
const conversation = new Conversation(session, {
  transcript,
  timeline,
  metrics,
  tools,
  routes,
  speaker,
});

speak.addEventListener("change", () => {
  speaker.enabled = speak.checked;
  if (!speak.checked) speaker.cancel();
});

// Typing while the agent talks is the user starting to speak: interrupt at the first key.
message.addEventListener("input", () => {
  if (conversation.agentTalking && message.value !== "") conversation.userStartsSpeaking();
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  conversation.say(message.value, "typed");
  message.value = "";
});

let talking = false;
const startTalking = () => {
  if (talking || talk.disabled) return;
  talking = true;
  talk.classList.add("active");
  conversation.userStartsSpeaking();
  pushToTalk.start((heard) => {
    if (heard === "") {
      transcript.addNote("Nothing was heard.");
      conversation.userStopsSpeaking();
    } else {
      conversation.say(heard, "spoken");
    }
  });
};
const stopTalking = () => {
  if (!talking) return;
  talking = false;
  talk.classList.remove("active");
  pushToTalk.stop();
};
talk.addEventListener("pointerdown", startTalking);
talk.addEventListener("pointerup", stopTalking);
talk.addEventListener("pointerleave", stopTalking);
talk.addEventListener("keydown", (event) => {
  if (event.key === " " || event.key === "Enter") {
    event.preventDefault();
    startTalking();
  }
});
talk.addEventListener("keyup", stopTalking);

session.open().then(
  () => message.focus(),
  (error: unknown) => {
    status.textContent = "not connected";
    newCall.hidden = false;
    transcript.addNote(error instanceof Error ? error.message : String(error), "error");
  },
);
