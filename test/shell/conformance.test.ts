/**
 * BuildKit's own lexer test data (see test/conformance/buildkit/SOURCE.md,
 * sections 4-6), parsed the way the upstream Go tests read it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expandWord, expandWords, ShellExpansionError } from "../../src/shell/index.js";

const ENV_VAR_TEST = new URL("../conformance/buildkit/shell/envVarTest", import.meta.url);
const WORDS_TEST = new URL("../conformance/buildkit/shell/wordsTest", import.meta.url);

/** Lines as Go's bufio.Scanner yields them: split on LF, CR stripped, no empty final token. */
function readLines(url: URL): string[] {
  const lines = readFileSync(url, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

// Go's strings.TrimSpace trims unicode.IsSpace characters.
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, "u");
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, "u");
const goTrimSpace = (text: string): string => text.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
const trimLeadingBlanks = (text: string): string => text.replace(/^ +/, "");

// --- envVarTest ---------------------------------------------------------------

interface EnvVarCase {
  lineNumber: number;
  tag: "A" | "U" | "W";
  input: string;
  expected: string;
}

const envVarLines = readLines(ENV_VAR_TEST);
const envVarCases: EnvVarCase[] = [];
for (const [index, line] of envVarLines.entries()) {
  if (line.startsWith("#")) continue;
  const trimmed = goTrimSpace(line);
  if (trimmed === "") continue;
  const fields = trimmed.split("|");
  if (fields.length !== 3) throw new Error(`envVarTest line ${index + 1}: expected 3 fields, got ${fields.length}`);
  const [tag, input, expected] = fields.map(goTrimSpace) as [string, string, string];
  if (tag !== "A" && tag !== "U" && tag !== "W") throw new Error(`envVarTest line ${index + 1}: bad tag ${tag}`);
  envVarCases.push({ lineNumber: index + 1, tag, input, expected });
}

const FIXED_ENV = new Map([
  ["PWD", "/home"],
  ["SHELL", "bash"],
  ["KOREAN", "한국어"],
  ["NULL", ""],
]);

function checkEnvVarCase({ input, expected }: EnvVarCase, windows: boolean): void {
  if (expected === "error") {
    expect(() => expandWord(input, FIXED_ENV, { windows })).toThrow(ShellExpansionError);
    return;
  }
  expect(expandWord(input, FIXED_ENV, { windows })).toBe(expected);
  // The same environment as a plain record must behave identically.
  expect(expandWord(input, Object.fromEntries(FIXED_ENV), { windows })).toBe(expected);
}

const caseName = (c: EnvVarCase): string => `line ${c.lineNumber} ${c.tag}|${c.input}| -> ${c.expected}`;

describe("envVarTest", () => {
  it("parses every line of the data file", () => {
    expect(envVarLines).toHaveLength(238);
    expect(envVarCases).toHaveLength(230);
    expect(envVarCases.filter((c) => c.tag === "A")).toHaveLength(226);
    expect(envVarCases.filter((c) => c.tag === "U")).toHaveLength(2);
    expect(envVarCases.filter((c) => c.tag === "W")).toHaveLength(2);
    expect(envVarCases.filter((c) => c.expected === "error")).toHaveLength(36);
  });

  describe("non-Windows (A and U lines)", () => {
    it.each(envVarCases.filter((c) => c.tag !== "W").map((c) => [caseName(c), c] as const))("%s", (_name, c) => {
      checkEnvVarCase(c, false);
    });
  });

  describe("Windows (A and W lines)", () => {
    it.each(envVarCases.filter((c) => c.tag !== "U").map((c) => [caseName(c), c] as const))("%s", (_name, c) => {
      checkEnvVarCase(c, true);
    });
  });
});

// --- wordsTest ----------------------------------------------------------------

interface WordsCase {
  lineNumber: number;
  input: string;
  expected: string[];
  env: Map<string, string>;
}

const wordsLines = readLines(WORDS_TEST);
const wordsCases: WordsCase[] = [];
let envLineCount = 0;
let commentLineCount = 0;
{
  // Definitions accumulate; a later definition of the same name wins.
  const env = new Map<string, string>();
  for (const [index, line] of wordsLines.entries()) {
    if (line.startsWith("#")) {
      commentLineCount++;
      continue;
    }
    if (line.startsWith("ENV ")) {
      envLineCount++;
      const definition = trimLeadingBlanks(line.slice(3));
      const equals = definition.indexOf("=");
      if (equals < 0) env.set(definition, "");
      else env.set(definition.slice(0, equals), definition.slice(equals + 1));
      continue;
    }
    const fields = line.split("|");
    if (fields.length !== 2) throw new Error(`wordsTest line ${index + 1}: expected exactly one |`);
    const [input, expected] = fields as [string, string];
    wordsCases.push({
      lineNumber: index + 1,
      input: goTrimSpace(input),
      expected: trimLeadingBlanks(expected).split(","),
      env: new Map(env),
    });
  }
}

describe("wordsTest", () => {
  it("parses every line of the data file", () => {
    expect(wordsLines).toHaveLength(30);
    expect(wordsCases).toHaveLength(24);
    expect(envLineCount).toBe(4);
    expect(commentLineCount).toBe(2);
    // The significant trailing spaces survived.
    expect(wordsCases.at(-1)?.env.get("trailing")).toBe("ab c   ");
  });

  it.each(wordsCases.map((c) => [`line ${c.lineNumber} ${c.input} -> ${c.expected.join(",")}`, c] as const))(
    "%s",
    (_name, c) => {
      let actual: string[];
      try {
        actual = expandWords(c.input, c.env);
      } catch (error) {
        expect(error).toBeInstanceOf(ShellExpansionError);
        actual = ["error"];
      }
      expect(actual).toEqual(c.expected);
    },
  );
});
