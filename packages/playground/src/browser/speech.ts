/** The part of the Web Speech API's `SpeechRecognition` the page uses (not in TypeScript's DOM lib). */
interface Recognition {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((event: RecognitionResultEvent) => void) | null;
  onend: (() => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

interface RecognitionResultEvent {
  resultIndex: number;
  results: ArrayLike<{ isFinal: boolean; 0: { transcript: string } }>;
}

type RecognitionConstructor = new () => Recognition;

function recognitionClass(): RecognitionConstructor | undefined {
  const w = window as unknown as {
    SpeechRecognition?: RecognitionConstructor;
    webkitSpeechRecognition?: RecognitionConstructor;
  };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/**
 * Push-to-talk with the browser's speech recognition: `start()` on press, `stop()` on release, and
 * the transcript of what was said once recognition ends (empty when nothing was heard).
 */
export class PushToTalk {
  static get available(): boolean {
    return recognitionClass() !== undefined;
  }

  #recognition: Recognition | undefined;

  /** Starts listening; `onDone(transcript)` runs once, after `stop()` (or an error). */
  start(onDone: (transcript: string) => void): void {
    const Class = recognitionClass();
    if (Class === undefined || this.#recognition !== undefined) return;
    const recognition = new Class();
    recognition.lang = navigator.language || "en-US";
    recognition.interimResults = false;
    recognition.continuous = true;
    let transcript = "";
    recognition.onresult = (event) => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        if (result?.isFinal === true) transcript += `${result[0].transcript} `;
      }
    };
    recognition.onerror = () => recognition.abort();
    recognition.onend = () => {
      this.#recognition = undefined;
      onDone(transcript.trim());
    };
    this.#recognition = recognition;
    recognition.start();
  }

  /** Stops listening; what was heard so far is delivered. */
  stop(): void {
    this.#recognition?.stop();
  }
}

/** Ends a phrase worth speaking on its own: punctuation followed by a space, or a line break. */
const PHRASE_END = /[.!?;:,]\s|\n/;

/**
 * The agent's voice through `speechSynthesis`: chunks are queued as they arrive (gathered into
 * phrases, since a word per utterance sounds broken) and `cancel()` cuts speech at once.
 */
export class Speaker {
  static get available(): boolean {
    return typeof speechSynthesis !== "undefined";
  }

  enabled = Speaker.available;
  #pending = "";

  /** Queues a chunk of the answer. */
  push(chunk: string): void {
    if (!this.enabled) return;
    this.#pending += chunk;
    let end = this.#phraseEnd();
    while (end > 0) {
      this.#say(this.#pending.slice(0, end));
      this.#pending = this.#pending.slice(end);
      end = this.#phraseEnd();
    }
  }

  /** The answer is complete: speak what is left. */
  flush(): void {
    if (this.#pending.trim() !== "") this.#say(this.#pending);
    this.#pending = "";
  }

  /** Cuts speech now and drops everything queued. */
  cancel(): void {
    this.#pending = "";
    if (Speaker.available) speechSynthesis.cancel();
  }

  #phraseEnd(): number {
    const match = PHRASE_END.exec(this.#pending);
    return match === null ? -1 : match.index + match[0].length;
  }

  #say(text: string): void {
    if (text.trim() === "") return;
    speechSynthesis.speak(new SpeechSynthesisUtterance(text.trim()));
  }
}
