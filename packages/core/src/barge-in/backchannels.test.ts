import { describe, expect, it } from "vitest";
import { BACKCHANNELS, DEFAULT_BACKCHANNELS, UtteranceClassifier } from "./backchannels.js";

describe("UtteranceClassifier", () => {
  const classifier = new UtteranceClassifier({ backchannels: DEFAULT_BACKCHANNELS, minWords: 2 });

  it.each([
    "mm-hmm",
    "Mmm-hmm!",
    "yeah",
    "Yeah, right.",
    "ok ok",
    "uh-huh, I see",
    "vale",
    "Sí, claro",
    "genau",
    "ach so",
    "d'accord",
    "Ouais, je vois",
  ])("recognises %j as a backchannel", (text) => {
    expect(classifier.classify(text)).toBe("backchannel");
  });

  it.each(["stop", "", "   ", "wait"])("calls %j short (fewer than minWords)", (text) => {
    expect(classifier.classify(text)).toBe("short");
  });

  it.each(["yeah but what about Paris", "stop please", "no, the other one"])(
    "calls %j a real interruption",
    (text) => {
      expect(classifier.classify(text)).toBe("real");
    },
  );

  it("uses only the list it is given", () => {
    const english = new UtteranceClassifier({ backchannels: BACKCHANNELS.en, minWords: 1 });
    expect(english.classify("yeah")).toBe("backchannel");
    expect(english.classify("genau")).toBe("real");
    const custom = new UtteranceClassifier({ backchannels: ["aye"], minWords: 1 });
    expect(custom.classify("Aye!")).toBe("backchannel");
    expect(custom.classify("yeah")).toBe("real");
  });

  it("has a built-in list for en, es, de and fr", () => {
    expect(Object.keys(BACKCHANNELS).sort()).toEqual(["de", "en", "es", "fr"]);
    for (const list of Object.values(BACKCHANNELS)) expect(list.length).toBeGreaterThan(10);
  });
});
