import { isGoSpace } from "../syntax/words.js";
import { codePointString, codePointWidth } from "./chars.js";

/**
 * Builds the word list of word-list mode, following BuildKit's rules:
 * - unquoted literal characters and the results of `$` expansions are split
 *   on whitespace (`addChar`, `addExpansion`);
 * - quoted text and escaped characters are appended as they are (`addRaw`),
 *   and mark the current word as started even when they are empty;
 * - a word is only emitted when it has content, so `""` on its own yields no
 *   word, and `a "" b` yields `a` and `b`.
 */
export class WordCollector {
  private readonly words: string[] = [];
  private word = "";
  private inWord = false;

  addChar(cp: number): void {
    if (isGoSpace(cp)) {
      // Whitespace ends the word only if it has content; after an empty
      // quoted string the word stays open (BuildKit checks inWord *and* length).
      if (this.inWord && this.word.length !== 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
      return;
    }
    this.word += codePointString(cp);
    this.inWord = true;
  }

  addExpansion(text: string): void {
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      this.addChar(cp);
      i += codePointWidth(cp);
    }
  }

  addRaw(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
    return this.words;
  }
}
