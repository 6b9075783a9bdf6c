import { Subject, throwError, concat, of } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { AgentResponse, ToolCall } from "../events.js";
import { bufferSentences } from "./buffer-sentences.js";
import { LOOK_BEHIND, MAX_LOOK_AHEAD } from "./sentence-scanner.js";
import { contents, randomSplit, runOperator, seededRandom } from "./testing/seeded-splits.js";

/** Streams `pieces` through a fresh `bufferSentences()` and returns the emitted sentences. */
async function sentences(pieces: readonly string[], options = {}): Promise<string[]> {
  return contents(await runOperator(bufferSentences(options), pieces));
}

/** Feeds pieces one by one and records what came out after each: proves when a sentence leaves. */
function emissionsAfterEach(pieces: readonly string[]): string[][] {
  const input = new Subject<string>();
  const out: string[] = [];
  input.pipe(bufferSentences()).subscribe((r) => out.push(r.content));
  return pieces.map((piece) => {
    input.next(piece);
    return [...out];
  });
}

describe("bufferSentences", () => {
  describe("boundaries", () => {
    it("keeps 'Dr. Smith' in one sentence", async () => {
      expect(
        await sentences(["Dr", ". Smith", " paid $3", ".", "50", ". Then", " he left."]),
      ).toEqual(["Dr. Smith paid $3.50. ", "Then he left."]);
    });

    it("emits a sentence only once text after it has arrived", () => {
      expect(emissionsAfterEach(["Hello", ".", " ", "How", " are you?"])).toEqual([
        [],
        [],
        [],
        ["Hello. "],
        ["Hello. "],
      ]);
    });

    it("holds a trailing '.' that may be a decimal in progress", () => {
      expect(emissionsAfterEach(["It costs $3.", "50 today.", " Deal?"])).toEqual([
        [],
        [],
        ["It costs $3.50 today. "],
      ]);
    });

    it("ends a sentence before a number as soon as the digit arrives ('Hello. 1 apple.')", () => {
      expect(emissionsAfterEach(["Hello. 1", " apple. ", "Yes"])).toEqual([
        ["Hello. "],
        ["Hello. "],
        ["Hello. ", "1 apple. "],
      ]);
    });

    it("flushes the held sentence when the source completes", async () => {
      expect(await sentences(["One. Two", " without a period"])).toEqual([
        "One. ",
        "Two without a period",
      ]);
    });

    it("emits several sentences from one chunk", async () => {
      expect(await sentences(["A cat. A dog. A bird. A"])).toEqual([
        "A cat. ",
        "A dog. ",
        "A bird. ",
        "A",
      ]);
    });
  });

  describe("abbreviations", () => {
    it.each([
      ["Dr.", "Dr. Who arrived. It rained."],
      ["Mr.", "Mr. Brown waved. It rained."],
      ["Mrs.", "Mrs. Brown waved. It rained."],
      ["Ms.", "Ms. Brown waved. It rained."],
      ["St.", "We met at St. Mary's church. It rained."],
      ["Prof.", "Prof. Xu spoke. It rained."],
      ["e.g.", "Pick a fruit, e.g. Apples or pears. It rained."],
      ["i.e.", "Pick the best, i.e. The cheapest. It rained."],
      ["vs.", "It was Ali vs. Frazier tonight. It rained."],
      ["No. before a number", "Room No. 5 is free. It rained."],
      ["an initial", "John F. Kennedy spoke. It rained."],
      ["etc. before lower case", "Apples, pears, etc. are fruit. It rained."],
      ["U.S. before lower case", "The U.S. economy grew. It rained."],
      ["a.m. before lower case", "We met at 9 a.m. sharp. It rained."],
      ["Inc. before lower case", "Acme Inc. makes anvils. It rained."],
    ])("does not end a sentence at %s", async (_name, text) => {
      const out = await sentences(randomSplit(text, seededRandom(7), 4));
      expect(out).toEqual([text.slice(0, text.indexOf("It rained.")), "It rained."]);
    });

    it.each([
      ["p.m.", "See you at 5 p.m. ", "Then we eat."],
      ["U.S.", "She moved to the U.S. ", "Then she left."],
      ["etc.", "We bought apples, pears, etc. ", "Then we left."],
      ["'No.' as an answer", "No. ", "I won't."],
    ])("ends a sentence at %s when a new sentence starts", async (_name, first, second) => {
      expect(await sentences([first + second])).toEqual([first, second]);
    });

    it("keeps the sentence whole when the abbreviation arrives split ('Dr' + '. Smith')", () => {
      expect(emissionsAfterEach(["Call Dr", ". Smith", " now. ", "Thanks"])).toEqual([
        [],
        [],
        [],
        ["Call Dr. Smith now. "],
      ]);
    });

    it("accepts extra abbreviations", async () => {
      expect(
        await sentences(["Ask Capt. Hook. Or Rt. Hon. Smith. Fine."], {
          abbreviations: ["Rt", "hon."],
        }),
      ).toEqual(["Ask Capt. Hook. ", "Or Rt. Hon. Smith. ", "Fine."]);
    });
  });

  describe("numbers, ellipses and quotes", () => {
    it("keeps decimals split across chunks ('3' + '.14')", async () => {
      expect(await sentences(["Pi is 3", ".", "14 or so", ". Yes."])).toEqual([
        "Pi is 3.14 or so. ",
        "Yes.",
      ]);
    });

    it("never breaks inside a split ellipsis ('Well.' + '..' + ' it depends')", async () => {
      expect(await sentences(["Well.", "..", " it depends. ", "Ok."])).toEqual([
        "Well... it depends. ",
        "Ok.",
      ]);
    });

    it("ends a sentence at an ellipsis followed by a capital", async () => {
      expect(await sentences(["I don't know", "...", " Maybe", " later."])).toEqual([
        "I don't know... ",
        "Maybe later.",
      ]);
    });

    it("keeps a unicode ellipsis inside the sentence", async () => {
      expect(await sentences(["Wait… then go. ", "Now."])).toEqual(["Wait… then go. ", "Now."]);
    });

    it("keeps the closing quote with its sentence ('He said \"hi.\" Then…')", async () => {
      expect(await sentences(['He said "hi', '."', " Then", " he left."])).toEqual([
        'He said "hi." ',
        "Then he left.",
      ]);
    });

    it("handles ! and ? inside quotes: a lower-case word after them goes on", async () => {
      expect(await sentences(['"Stop!" ', "she cried. ", '"Why?" ', "He ran."])).toEqual([
        '"Stop!" she cried. ',
        '"Why?" ',
        "He ran.",
      ]);
    });
  });

  describe("LLM-typical text (issue #16)", () => {
    it.each([
      [
        "a numbered list item",
        "1. Book the room.\n2. Invite the team.",
        ["1. Book the room.\n", "2. Invite the team."],
      ],
      ["an inline numbered list", "1.) Book it. 2.) Pay it.", ["1.) Book it. ", "2.) Pay it."]],
      [
        "an inline list of ')' items",
        "1) Book it 2) Pay it 3) Go",
        ["1) Book it ", "2) Pay it ", "3) Go"],
      ],
      ["an inline list of roman ')' items", "i) One ii) Two", ["i) One ", "ii) Two"]],
      ["an inline list that skips a number", "1) Book it 3) Pay it", ["1) Book it 3) Pay it"]],
      [
        "')' items inside prose",
        "We need to 1) buy milk, 2) call mom. Done.",
        ["We need to 1) buy milk, 2) call mom. ", "Done."],
      ],
      [
        "'.)' items inline",
        "a.) The first item b.) The second item",
        ["a.) The first item ", "b.) The second item"],
      ],
      [
        "'.)' closing a parenthesis",
        "He left (at 2.) Then we ate.",
        ["He left (at 2.) ", "Then we ate."],
      ],
      [
        "a letter enumeration",
        "a. The first item b. The second item. Take x and y. Then go.",
        ["a. The first item b. The second item. ", "Take x and y. ", "Then go."],
      ],
      [
        "bullets inline",
        "• 9. The first item • 10. The second item",
        ["• 9. The first item ", "• 10. The second item"],
      ],
      [
        "'!' before a lower-case word",
        'He shouted "Stop!" and ran. It rained.',
        ['He shouted "Stop!" and ran. ', "It rained."],
      ],
      [
        "'?' before a lower-case word",
        "Is it? or not. It rained.",
        ["Is it? or not. ", "It rained."],
      ],
      [
        "a citation after the period",
        "It is a gas.[1] It burns.",
        ["It is a gas.[1] ", "It burns."],
      ],
      [
        "citations after the space",
        "It is a gas. [1][2] It burns.",
        ["It is a gas. [1][2] ", "It burns."],
      ],
      [
        "« … » closing after a space",
        "Il dit « Bonjour. » Puis il part.",
        ["Il dit « Bonjour. » ", "Puis il part."],
      ],
      [
        "'U.S. Army'",
        "He joined the U.S. Army in 1990. It rained.",
        ["He joined the U.S. Army in 1990. ", "It rained."],
      ],
      [
        "'U.S.' ending a sentence",
        "He moved to the U.S. Millions did. It rained.",
        ["He moved to the U.S. ", "Millions did. ", "It rained."],
      ],
      [
        "'5 a.m. Mr. Smith'",
        "At 5 a.m. Mr. Smith left. It rained.",
        ["At 5 a.m. Mr. Smith left. ", "It rained."],
      ],
      [
        "'p.m.' ending a sentence",
        "He left at 6 p.m. Mr. Smith stayed.",
        ["He left at 6 p.m. ", "Mr. Smith stayed."],
      ],
      [
        "'B.C.' before a name",
        "In 44 B.C. Caesar died. It rained.",
        ["In 44 B.C. Caesar died. ", "It rained."],
      ],
      [
        "'p.m.' before a weekday",
        "Open 2-6 p.m. Saturday. It rained.",
        ["Open 2-6 p.m. Saturday. ", "It rained."],
      ],
      [
        "'et al.' before a bracket",
        "Smith et al. (2012) agree. It rained.",
        ["Smith et al. (2012) agree. ", "It rained."],
      ],
      [
        "an open quotation",
        '"How many? I don\'t know." It rained.',
        ['"How many? I don\'t know." ', "It rained."],
      ],
      [
        "an open single-quoted quotation",
        "She said, 'Stop. Wait here.' Then she left.",
        ["She said, 'Stop. Wait here.' ", "Then she left."],
      ],
      [
        "apostrophes, which open no quotation",
        "It's the '90s. Rock 'n' roll. 'Cause we can. Done.",
        ["It's the '90s. ", "Rock 'n' roll. ", "'Cause we can. ", "Done."],
      ],
      [
        "a quote standing alone after a closed quotation, which opens the next",
        "' Hi , ' she said . ' Why ?",
        ["' Hi , ' she said . ", "' Why ?"],
      ],
      [
        "a quote standing alone that closes a quotation begun before",
        "what to do ? '' Graham left . It rained .",
        ["what to do ? '' ", "Graham left . ", "It rained ."],
      ],
      [
        "a sentence run together",
        "Hello Barney.The bird sang.",
        ["Hello Barney.", "The bird sang."],
      ],
      [
        "an address",
        "Mail Jane.Doe@example.com. It rained.",
        ["Mail Jane.Doe@example.com. ", "It rained."],
      ],
    ])("reads %s right", async (_name, text, expected) => {
      for (const pieces of [[text], [...text], randomSplit(text, seededRandom(5), 6)]) {
        expect(await sentences(pieces), JSON.stringify(pieces)).toEqual(expected);
      }
    });

    it.each([
      ["it", "Sono l'Ing. Mengozzi. Grazie.", ["Sono l'Ing. Mengozzi. ", "Grazie."]],
      [
        "it",
        "Ecco il Dott. Rossi, ad es. Mario. Grazie.",
        ["Ecco il Dott. Rossi, ad es. Mario. ", "Grazie."],
      ],
      ["ru", "Уважаемый проф. Семенов! Спасибо.", ["Уважаемый проф. Семенов! ", "Спасибо."]],
      ["ru", "Л.Н. Толстой написал роман. Да.", ["Л.Н. Толстой написал роман. ", "Да."]],
      ["de", "Wir trafen Dr. med. Meyer. Danke.", ["Wir trafen Dr. med. Meyer. ", "Danke."]],
      [
        "de",
        "Sie besucht eine kath. Schule. Danke.",
        ["Sie besucht eine kath. Schule. ", "Danke."],
      ],
    ])("keeps %s abbreviations inside the sentence: %s", async (locale, text, expected) => {
      expect(await sentences(randomSplit(text, seededRandom(9), 5), { locale })).toEqual(expected);
    });

    it("ends sentences at extra terminators when asked ('terminators')", async () => {
      expect(await sentences(["First; second"])).toEqual(["First; second"]);
      expect(await sentences(["First; second"], { terminators: ";" })).toEqual([
        "First; ",
        "second",
      ]);
    });

    it("ends a sentence at ';' before a capitalised word, not before 'I', an acronym or in German", async () => {
      const cases: [string, string[], object?][] = [
        ["It works; Then we left.", ["It works; ", "Then we left."]],
        ["It works; then we left.", ["It works; then we left."]],
        ["I came; I saw; I won.", ["I came; I saw; I won."]],
        ["It works; NASA said so.", ["It works; NASA said so."]],
        ['He said "wait; Then go." Done.', ['He said "wait; Then go." ', "Done."]],
        ["Er kam; Essen gab es nicht.", ["Er kam; Essen gab es nicht."], { locale: "de" }],
      ];
      for (const [text, expected, options] of cases) {
        for (const pieces of [[text], [...text]]) {
          expect(await sentences(pieces, options), text).toEqual(expected);
        }
      }
    });

    it("waits at most MAX_LOOK_AHEAD characters past a mark for the word it needs", () => {
      // "U.S. " needs the next word ("Army" keeps the sentence); a word that never ends is
      // decided once MAX_LOOK_AHEAD characters have arrived past the mark.
      const pieces = ["See the U.S. ", ..."A".repeat(MAX_LOOK_AHEAD)];
      const out = emissionsAfterEach(pieces);
      expect(out[MAX_LOOK_AHEAD - 4]).toEqual([]);
      expect(out.at(-1)).toEqual(["See the U.S. "]);
    });

    it("looks back at most LOOK_BEHIND characters for an open quotation", async () => {
      const quoted = `"${"word ".repeat(LOOK_BEHIND / 5)}`;
      expect(await sentences([`${quoted}end. Next one.`])).toEqual([`${quoted}end. `, "Next one."]);
      expect(await sentences(['"Short. Quote." Next one.'])).toEqual([
        '"Short. Quote." ',
        "Next one.",
      ]);
    });
  });

  describe("languages", () => {
    it("splits German and keeps 'z. B.' and 'Nr. 5' inside", async () => {
      expect(await sentences(["Das ist z. B. gut. ", "Zimmer Nr. 5 ist frei. ", "Danke."])).toEqual(
        ["Das ist z. B. gut. ", "Zimmer Nr. 5 ist frei. ", "Danke."],
      );
    });

    it("reads German ordinals as such with locale 'de' ('am 3. Oktober')", async () => {
      expect(
        await sentences(["Wir kommen am 3", ". Oktober. ", "Bis dann."], { locale: "de" }),
      ).toEqual(["Wir kommen am 3. Oktober. ", "Bis dann."]);
    });

    it("splits Spanish with ¿…? and ¡…! and keeps 'Sr.' inside", async () => {
      expect(await sentences(["¿Cómo", " estás? ", "¡Bien", "! Sr", ". García vino."])).toEqual([
        "¿Cómo estás? ",
        "¡Bien! ",
        "Sr. García vino.",
      ]);
    });

    it("splits French and keeps 'M. Dupont' inside", async () => {
      expect(await sentences(["M. Dupont est là. ", "Il part à 14 h. ", "Merci."])).toEqual([
        "M. Dupont est là. ",
        "Il part à 14 h. ",
        "Merci.",
      ]);
    });

    it("splits Chinese at 。！？ without spaces", async () => {
      expect(await sentences(["你好", "。我很", "好！你", "呢？"])).toEqual([
        "你好。",
        "我很好！",
        "你呢？",
      ]);
    });

    it("splits Japanese at 。？", async () => {
      expect(await sentences(["こんにちは。", "元気ですか", "？はい。"], { locale: "ja" })).toEqual(
        ["こんにちは。", "元気ですか？", "はい。"],
      );
    });
  });

  describe("whitespace", () => {
    it("never emits a blank chunk: blank lines join the sentence before", async () => {
      const out = await sentences(["Hello\n", "\n", "World\n\n", "Again"]);
      expect(out).toEqual(["Hello\n\n", "World\n\n", "Again"]);
    });

    it("keeps leading whitespace with the first sentence", async () => {
      expect(await sentences(["  ", " Hi. ", "Yo."])).toEqual(["   Hi. ", "Yo."]);
    });

    it("keeps trailing whitespace with the last sentence", async () => {
      expect(await sentences(["Hi. ", "Yo.", "  ", "\n"])).toEqual(["Hi. ", "Yo.  \n"]);
    });

    it("emits nothing for a whitespace-only or empty stream", async () => {
      expect(await sentences(["", " ", "\n\t ", ""])).toEqual([]);
      expect(await sentences([])).toEqual([]);
    });
  });

  describe("values", () => {
    it("accepts AgentResponse chunks and emits AgentResponse", async () => {
      const out = await runOperator(bufferSentences(), [
        new AgentResponse({ content: "Hi there" }),
        new AgentResponse({ content: ". How" }),
        " are you?",
      ]);
      expect(out.every((v) => v instanceof AgentResponse && v.chunkType === "text")).toBe(true);
      expect(contents(out)).toEqual(["Hi there. ", "How are you?"]);
    });

    it("passes a tool call through in order, flushing the held text before it", async () => {
      const call = new ToolCall({ toolName: "get_weather" });
      const out = await runOperator(bufferSentences<string | ToolCall>(), [
        "Let me check. One",
        " sec",
        call,
        "It is sunny.",
      ]);
      expect(out.map((v) => (v instanceof AgentResponse ? v.content : v))).toEqual([
        "Let me check. ",
        "One sec",
        call,
        "It is sunny.",
      ]);
      expect(out[2]).toBe(call);
    });

    it("passes non-text AgentResponse chunks through unchanged", async () => {
      const audio = new AgentResponse({ content: "<ssml/>", chunkType: "ssml" });
      const out = await runOperator(bufferSentences(), ["Hi. Th", audio, "ere."]);
      expect(out[2]).toBe(audio);
      expect(contents([out[0], out[1], out[3]])).toEqual(["Hi. ", "Th", "ere."]);
    });
  });

  describe("lifecycle", () => {
    it("drops the held partial sentence when unsubscribed (interrupted)", () => {
      const input = new Subject<string>();
      const out: string[] = [];
      const subscription = input.pipe(bufferSentences()).subscribe((r) => out.push(r.content));
      input.next("First one. Second");
      input.next(" is cut");
      subscription.unsubscribe();
      input.next(" off.");
      input.complete();
      expect(out).toEqual(["First one. "]);
      expect(input.observed).toBe(false);
    });

    it("drops the held text and forwards the error when the source fails", async () => {
      const out: string[] = [];
      const failing = concat(
        of("Done. Not done"),
        throwError(() => new Error("llm down")),
      );
      await expect(
        new Promise((resolve, reject) =>
          failing.pipe(bufferSentences()).subscribe({
            next: (r) => out.push(r.content),
            error: reject,
            complete: () => resolve(undefined),
          }),
        ),
      ).rejects.toThrow("llm down");
      expect(out).toEqual(["Done. "]);
    });

    it("keeps no state between subscriptions", async () => {
      const operator = bufferSentences();
      expect(contents(await runOperator(operator, ["One. Tw"]))).toEqual(["One. ", "Tw"]);
      expect(contents(await runOperator(operator, ["o. Three"]))).toEqual(["o. ", "Three"]);
    });

    it("emits in marble time: a sentence when the next begins, the rest on complete", () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable }) => {
          const source = cold("a-b-c-d|", { a: "Hi", b: ". Ho", c: "w are", d: " you?" });
          expectObservable(source.pipe(bufferSentences())).toBe("--x----(y|)", {
            x: new AgentResponse({ content: "Hi. " }),
            y: new AgentResponse({ content: "How are you?" }),
          });
        },
      );
    });
  });

  describe("properties", () => {
    const texts = [
      'Dr. Smith paid $3.50 at 9 a.m. yesterday. Then he said "thanks." Mrs. Jones, i.e. the owner, smiled... It was fine!',
      "Well... I don't know. Maybe? The U.S. economy grew 3.2% in Q1, e.g. via exports. See No. 4 vs. No. 5. Done",
      "  Leading space. Two  spaces.  Then\n\na new paragraph.\nAnd a line!  ",
      "¿Qué tal? ¡Muy bien! Sr. García llegó a las 3.15 h. Gracias.",
      "你好。我很好！你呢？ こんにちは。元気ですか？",
      "Das ist z. B. gut. Zimmer Nr. 5 ist frei. M. Dupont est là.",
    ];

    it.each(texts.map((text, i) => [i, text] as const))(
      "is lossless and split-invariant over 200 random splits of text %i",
      async (i, text) => {
        const whole = await sentences([text]);
        expect(whole.join("")).toBe(text);
        const random = seededRandom(1000 + i);
        for (let run = 0; run < 200; run += 1) {
          const pieces = randomSplit(text, random, 1 + (run % 12));
          const out = await sentences(pieces);
          expect(out.join("")).toBe(text);
          expect(out.every((chunk) => chunk.trim() !== "")).toBe(true);
          expect(out, `pieces: ${JSON.stringify(pieces)}`).toEqual(whole);
        }
      },
    );
  });
});
