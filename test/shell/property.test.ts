import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  expandWord,
  expandWords,
  processWord,
  ShellExpansionError,
  type ShellOptions,
} from "../../src/shell/index.js";

// Go's unicode.IsSpace set, written out independently of the implementation.
const GO_WHITESPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/u;

/** Characters that steer the lexer, mixed with ordinary and awkward ones. */
const LEXER_CHARS = [
  "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "\\", "`", '"', "'", "=", "*", "@", "!", ".", "_",
  " ", "\t", "\n", "\r", "a", "Z", "0", "9", "é", "한", "😀", "\u00a0", "\u2028", "\uFEFF", "\u0000",
];

const lexerString = fc.string({ unit: fc.constantFrom(...LEXER_CHARS), maxLength: 40 });
/** Any code point, including lone surrogates that only JavaScript callers can produce. */
const anyCodePointString = fc.string({
  unit: fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
  maxLength: 30,
});
const inputString = fc.oneof(lexerString, fc.string({ unit: "binary", maxLength: 30 }), anyCodePointString);

const envKey = fc.oneof(fc.constantFrom("a", "A", "b", "_", "1", "@", "#", "", "constructor"), fc.string({ maxLength: 3 }));
const envRecord = fc.dictionary(envKey, fc.oneof(lexerString, fc.string({ maxLength: 5 })), { maxKeys: 5 });
const env = fc.oneof(envRecord, envRecord.map((record) => new Map(Object.entries(record))));

const options: fc.Arbitrary<ShellOptions> = fc.record({
  escape: fc.constantFrom("\\" as const, "`" as const),
  windows: fc.boolean(),
  rawQuotes: fc.boolean(),
  rawEscapes: fc.boolean(),
  skipUnsetEnv: fc.boolean(),
  skipProcessQuotes: fc.boolean(),
});

/** The outcome of a call: its value, or the message of the ShellExpansionError it threw. */
function outcome<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (error) {
    if (error instanceof ShellExpansionError) return { error: error.message };
    throw error;
  }
}

describe("shell lexer properties", () => {
  it("throws nothing but ShellExpansionError", () => {
    fc.assert(
      fc.property(inputString, env, options, (word, environment, shellOptions) => {
        try {
          processWord(word, environment, shellOptions);
        } catch (error) {
          expect(error).toBeInstanceOf(ShellExpansionError);
          expect((error as ShellExpansionError).word).toBe(word);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees between processWord, expandWord and expandWords", () => {
    fc.assert(
      fc.property(lexerString, env, options, (word, environment, shellOptions) => {
        const combined = outcome(() => processWord(word, environment, shellOptions));
        const single = outcome(() => expandWord(word, environment, shellOptions));
        const list = outcome(() => expandWords(word, environment, shellOptions));
        if ("error" in combined) {
          expect(single).toEqual(combined);
          expect(list).toEqual(combined);
        } else {
          expect(single).toEqual({ value: combined.value.result });
          expect(list).toEqual({ value: combined.value.words });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves a word without $, quotes or escape characters unchanged", () => {
    fc.assert(
      fc.property(inputString, env, fc.constantFrom("\\" as const, "`" as const), (word, environment, escape) => {
        fc.pre(!/[$'"]/.test(word) && !word.includes(escape));
        // Go's scanner drops a leading byte order mark; that is the one exception.
        fc.pre(!word.startsWith("\uFEFF"));
        expect(expandWord(word, environment, { escape })).toBe(word);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves quotes alone with skipProcessQuotes", () => {
    fc.assert(
      fc.property(inputString, env, (word, environment) => {
        fc.pre(!word.includes("$") && !word.includes("\\") && !word.startsWith("\uFEFF"));
        expect(expandWord(word, environment, { skipProcessQuotes: true })).toBe(word);
      }),
      { numRuns: 1000 },
    );
  });

  it("splits a word without special characters on whitespace only", () => {
    fc.assert(
      fc.property(inputString, env, (word, environment) => {
        fc.pre(!/[$'"\\]/.test(word) && !word.startsWith("\uFEFF"));
        const expected = word.split(GO_WHITESPACE).filter((part) => part !== "");
        expect(expandWords(word, environment)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("splits unquoted expansions and keeps quoted ones whole", () => {
    fc.assert(
      fc.property(inputString, (value) => {
        const environment = new Map([["V", value]]);
        const expected = value.split(GO_WHITESPACE).filter((part) => part !== "");
        expect(expandWords("$V", environment)).toEqual(expected);
        expect(expandWords('"$V"', environment)).toEqual(value === "" ? [] : [value]);
        expect(expandWord("$V", environment)).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
