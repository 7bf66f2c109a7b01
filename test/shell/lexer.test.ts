import { describe, expect, it } from "vitest";
import {
  expandWord,
  expandWords,
  processWord,
  ShellExpansionError,
  type Env,
  type ShellOptions,
} from "../../src/shell/index.js";

const NO_ENV: Env = new Map();

/** The expansion error a call raises (fails the test if it does not throw one). */
function expansionError(run: () => unknown): ShellExpansionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ShellExpansionError);
    return error as ShellExpansionError;
  }
  throw new Error("expected a ShellExpansionError");
}

const reasonOf = (word: string, env: Env = NO_ENV, options?: ShellOptions): string =>
  expansionError(() => expandWord(word, env, options)).reason;

describe("basic expansion", () => {
  const env = new Map([
    ["A", "1"],
    ["EMPTY", ""],
    ["SPACED", " a  b "],
  ]);

  it.each([
    ["$A", "1"],
    ["${A}", "1"],
    ["x${A}y", "x1y"],
    ["${A:-d}|${EMPTY:-d}|${UNSET:-d}", "1|d|d"],
    ["${A-d}|${EMPTY-d}|${UNSET-d}", "1||d"],
    ["${A:+s}|${EMPTY:+s}|${UNSET:+s}", "s||"],
    ["${A+s}|${EMPTY+s}|${UNSET+s}", "s|s|"],
    ["${A?}|${EMPTY?}", "1|"],
    ["${UNSET:-${A:-x}}", "1"],
    // A `$` not followed by a name stays; special parameters are names.
    ["$", "$"],
    ["a$.b", "a$.b"],
    ["$$|$@@@|$1x|$001y", "|@@|x|y"],
    // Single mode never splits.
    ["a  $SPACED  b", "a   a  b   b"],
    // NUL passes through.
    ["a\u0000b", "a\u0000b"],
  ])("%s -> %s", (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });

  it("looks special parameters up like any other name", () => {
    expect(expandWord("${#}-$@-$1", new Map([["#", "n"], ["@", "at"], ["1", "one"]]))).toBe("n-at-one");
  });

  it("skips a byte order mark at the very start only (Go text/scanner)", () => {
    expect(expandWord("\uFEFFabc", NO_ENV)).toBe("abc");
    expect(expandWord("\uFEFF\uFEFFabc", NO_ENV)).toBe("\uFEFFabc");
    expect(expandWord("a\uFEFFb", NO_ENV)).toBe("a\uFEFFb");
  });

  it("reads names by code point, with Unicode letters and digits", () => {
    const unicodeEnv = new Map([["한국", "ko"], ["x𝟘", "astral digit"]]);
    expect(expandWord("$한국.", unicodeEnv)).toBe("ko.");
    expect(expandWord("${x𝟘}", unicodeEnv)).toBe("astral digit");
    // U+0663 is a decimal digit: `$٣` is a positional parameter.
    expect(processWord("$٣a", NO_ENV).unmatched).toEqual(new Set(["٣"]));
  });

  it("does not resolve names through the prototype of a record", () => {
    expect(expandWord("[$constructor][${toString}][$__proto__]", {})).toBe("[][][]");
    expect(expandWord("$constructor", { constructor: "own" })).toBe("own");
  });
});

describe("quotes and escapes", () => {
  const env = new Map([["A", "1"]]);

  it.each([
    [`'$A \\"'`, `$A \\"`],
    [`"$A '\\$A' \\"\\\\"`, `1 '$A' "\\`],
    // Inside double quotes only `"`, `$` and the escape character are escapable.
    [`"a\\tb"`, `a\\tb`],
    [`a\\tb`, `atb`],
    [`a\\`, `a`],
    [`"a\\`, null],
  ])("%s", (word, expected) => {
    if (expected === null) expect(() => expandWord(word, env)).toThrow(ShellExpansionError);
    else expect(expandWord(word, env)).toBe(expected);
  });

  it("uses the backtick as escape character when asked", () => {
    const options: ShellOptions = { escape: "`" };
    expect(expandWord("a`$A", env, options)).toBe("a$A");
    expect(expandWord("C:\\dir\\$A", env, options)).toBe("C:\\dir\\1");
    expect(expandWord('"a``b`"c"', env, options)).toBe('a`b"c');
    expect(expandWord("a``", env, options)).toBe("a`");
    // A backslash is an ordinary character, yet still an escape in patterns.
    expect(expandWord("${X#a\\*}", new Map([["X", "a*b"]]), options)).toBe("b");
    expect(reasonOf("${X#a\\b}", new Map([["X", "ab"]]), options)).toBe(
      "invalid pattern (a\\b) in substitution: invalid escape '\\b'",
    );
  });
});

describe("options", () => {
  const env = new Map([["A", "1"]]);

  it("rawQuotes keeps quote characters", () => {
    const options: ShellOptions = { rawQuotes: true };
    expect(expandWord(`"a $A" 'b $A'`, env, options)).toBe(`"a 1" 'b $A'`);
    expect(expandWords(`"a $A" 'b $A'`, env, options)).toEqual([`"a 1"`, `'b $A'`]);
  });

  it("rawEscapes keeps escape characters", () => {
    const options: ShellOptions = { rawEscapes: true };
    expect(expandWord("a\\ b\\$A", env, options)).toBe("a\\ b\\$A");
    expect(expandWords("a\\ b c", env, options)).toEqual(["a\\ b", "c"]);
    expect(expandWord('"a\\$A"', env, options)).toBe("a\\$A");
    // A non-escaping escape character inside double quotes comes out twice.
    expect(expandWord('"a\\b"', env, options)).toBe("a\\\\b");
    expect(expandWord("a\\", env, options)).toBe("a\\");
    // `${V-w}` words are processed without raw escapes even in this mode.
    expect(expandWord("${U:-a\\b}", env, options)).toBe("ab");
  });

  it("skipUnsetEnv leaves unset references as written", () => {
    const options: ShellOptions = { skipUnsetEnv: true };
    expect(expandWord("${X:-a b}", env, options)).toBe("${X:-a b}");
    expect(expandWord("$X/${Y}/$A/${A:-z}", env, options)).toBe("$X/${Y}/1/1");
    expect(expandWord("${X:?boom}${X?}", env, options)).toBe("${X:?boom}${X?}");
    // Unsupported modifiers of unset variables are not reported either.
    expect(expandWord("${X:=1}", env, options)).toBe("${X:=1}");
    expect(() => expandWord("${A:=1}", env, options)).toThrow(ShellExpansionError);
  });

  it("skipUnsetEnv reproduces the word after expansion and quote removal", () => {
    const options: ShellOptions = { skipUnsetEnv: true };
    expect(expandWord(`\${X:-"a  b"$A}`, env, options)).toBe("${X:-a  b1}");
    // Replace-all is written back with a single slash, as BuildKit does.
    expect(expandWord("${X//a/b}", env, options)).toBe("${X/a/b}");
    expect(expandWord("${X#\\*}", env, options)).toBe("${X#\\*}");
  });

  it("skipProcessQuotes treats quotes as ordinary characters", () => {
    const options: ShellOptions = { skipProcessQuotes: true };
    expect(expandWord(`'$A' "b`, env, options)).toBe(`'1' "b`);
    expect(expandWords(`'a b' "$A"`, env, options)).toEqual([`'a`, `b'`, `"1"`]);
  });

  it("windows compares names case-insensitively", () => {
    const pwd = new Map([["PWD", "/home"]]);
    expect(expandWord("$pwd|${Pwd}", pwd, { windows: true })).toBe("/home|/home");
    expect(expandWord("$pwd|${Pwd}", pwd, { windows: false })).toBe("|");
    expect(expandWord("$path", { Path: "C:\\" }, { windows: true })).toBe("C:\\");
    // Go upper-cases rune by rune: `ß` does not become `SS`.
    expect(expandWord("${ß}", new Map([["SS", "x"]]), { windows: true })).toBe("");
    const result = processWord("$pwd", pwd, { windows: true });
    expect(result.matched).toEqual(new Set(["pwd"]));
  });

  it("rejects an unknown escape character", () => {
    expect(() => expandWord("a", NO_ENV, { escape: "^" as "\\" })).toThrow(TypeError);
  });
});

describe("matched and unmatched names", () => {
  it("reports every name looked up, as written", () => {
    const env = new Map([
      ["A", ""],
      ["C", "c"],
    ]);
    const result = processWord("${A:-$B} $C ${D#x} $1 $@ ${C:+$E}", env);
    expect(result.result).toBe(" c    ");
    expect(result.matched).toEqual(new Set(["A", "C"]));
    expect(result.unmatched).toEqual(new Set(["B", "D", "1", "@", "E"]));
  });

  it("returns empty sets when nothing is referenced", () => {
    const result = processWord("plain", new Map([["A", "1"]]));
    expect(result).toEqual({ result: "plain", words: ["plain"], matched: new Set(), unmatched: new Set() });
  });

  it("matches a realistic release file name", () => {
    const word = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
    const base = { VERSION: "v1.2.3", TARGETOS: "linux" };
    expect(expandWord(word, { ...base, TARGETARCH: "arm", TARGETVARIANT: "v7" })).toBe(
      "something-v1.2.3.linux-arm-v7.tar.gz",
    );
    expect(expandWord(word, { ...base, TARGETARCH: "arm64", TARGETVARIANT: "" })).toBe(
      "something-v1.2.3.linux-arm64.tar.gz",
    );
    expect(expandWord(word, { ...base, TARGETARCH: "arm64" })).toBe("something-v1.2.3.linux-arm64.tar.gz");
  });
});

describe("pattern operators", () => {
  it.each([
    // Prefix and suffix trimming, shortest and longest.
    ["${F#*x*y}", { F: "xxyy" }, "y"],
    ["${F#*}", { F: "xxyy" }, "xxyy"],
    ["${F##*x}", { F: "xxyy" }, "yy"],
    ["${F#}|${F##}|${F%}", { F: "xxyy" }, "xxyy|xxyy|xxyy"],
    ["${F#?\\?}", { F: "???y" }, "?y"],
    ["${F%.*}|${F%%.*}", { F: "file.tar.gz" }, "file.tar|file"],
    ["${F%%\\**\\*}", { F: "a***yy*" }, "a"],
    ["${F#()[]{\\}^$.\\*\\?|\\\\}", { F: "()[]{}^$.*?|\\x" }, "x"],
    ["${F#$P}", { F: "xxyy", P: "x" }, "xyy"],
    // `##` is recognised after expansion, so a variable can supply it.
    ["${F#$P}", { F: "aab", P: "#*a" }, "b"],
    // Quoting does not make a wildcard literal.
    ['${F##"*"}', { F: "abc" }, ""],
    // `?` and `*` work on code points, and `*` stops only at `\n` (like Go's `.`).
    ["${F#?}|${F%?}", { F: "😀b😀" }, "b😀|😀b"],
    ["${F##*}", { F: "a\nb" }, "\nb"],
    ["${F##*}", { F: "a\rb\u2028c\u2029d" }, ""],
    ["${F%%*}", { F: "a\nb" }, "a\n"],
    // Unset variables act as empty values.
    ["[${U#a}${U//a/b}]", {}, "[]"],
  ])("%s with %j -> %j", (word, env: Record<string, string>, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });

  it.each([
    ["${F/$N/.} - ${F//$N/.}", { F: "/foo*/*/*.txt", N: "\\*/" }, "/foo.*/*.txt - /foo..*.txt"],
    ["${F/$N/} - ${F//$N/}", { F: "/tmp/tmp/bar.txt", N: "/tmp" }, "/tmp/bar.txt - /bar.txt"],
    ["${F/$N/$R} - ${F//$N/$R}", { F: "/a/foo/b/c.txt", N: "/?/", R: "/" }, "/foo/b/c.txt - /foo/c.txt"],
    // Escaped delimiters; the replacement keeps its escape characters.
    ["${F//\\//\\/}", { F: "/tmp/foo.txt" }, "\\/tmp\\/foo.txt"],
    ["${F/$E/ww}", { F: "xxyy", E: "" }, "wwxxyy"],
    ["${F///}", { F: "xxyy" }, "xxyy"],
    // Go's ReplaceAllString skips an empty match right after a match.
    ["${F//*/-}", { F: "ab" }, "-"],
    ["${F//*/-}", { F: "ab\ncd" }, "-\n-"],
    ["${F//x*/-}", { F: "ab" }, "ab"],
    // Replace-all treats `$` in the replacement as a Go template; replace-first does not.
    ["${F//a/<'$0'>}", { F: "banana" }, "b<a>n<a>n<a>"],
    ["${F//a/'${0}$1$00$$'}", { F: "banana" }, "ba$na$na$"],
    ["${F//a/'$'}", { F: "banana" }, "b$n$n$"],
    ["${F/a/<'$0'>}", { F: "banana" }, "b<$0>nana"],
  ])("%s with %j -> %j", (word, env: Record<string, string>, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe("errors", () => {
  it("carries the word, the reason and BuildKit's message", () => {
    const error = expansionError(() => expandWord("he${PWD:=000}xx", new Map([["PWD", "/home"]])));
    expect(error.name).toBe("ShellExpansionError");
    expect(error).toBeInstanceOf(Error);
    expect(error.word).toBe("he${PWD:=000}xx");
    expect(error.reason).toBe("unsupported modifier (:=) in substitution");
    expect(error.message).toBe('failed to process "he${PWD:=000}xx": unsupported modifier (:=) in substitution');
  });

  it("quotes the word like Go's %q", () => {
    const error = expansionError(() => expandWord('a\n\t"\\\u0001\u007f\u00a0é😀${', NO_ENV));
    expect(error.message).toBe(
      'failed to process "a\\n\\t\\"\\\\\\x01\\x7f\\u00a0é😀${": syntax error: missing \'}\'',
    );
  });

  it.each([
    ["${}", "syntax error: bad substitution"],
    ["${:-x}", "syntax error: bad substitution"],
    ["${{a}", "syntax error: bad substitution"],
    ["${", "syntax error: missing '}'"],
    ["${a:-b", "syntax error: missing '}'"],
    ["${a:-'b}", "syntax error: missing '}'"],
    ["${a:-${b?}}", "b: is not allowed to be unset"],
    ["${a/b", "syntax error: missing '/' in ${}"],
    ["${a/b/c", "syntax error: missing '}'"],
    ["${.}", "unsupported modifier (.) in substitution"],
    ["${a:x}", "unsupported modifier (:x) in substitution"],
    // Newer BuildKit rejects `:#` and `:%` before reading the pattern.
    ["${PWD:#/}", "unsupported modifier (:#) in substitution"],
    ["${PWD:%e}", "unsupported modifier (:%) in substitution"],
    // Go prints the end of input as U+FFFD.
    ["${PWD", "unsupported modifier (\uFFFD) in substitution"],
    ["${a?}", "a: is not allowed to be unset"],
    ["${a:?}", "a: is not allowed to be unset"],
    ["${NULL:?}", "NULL: is not allowed to be empty"],
    ["${a?custom $PWD}", "a: custom /home"],
    ["'abc", "unexpected end of statement while looking for matching single-quote"],
    ['"abc', "unexpected end of statement while looking for matching double-quote"],
    ["${PWD#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
    // Suffix patterns are reversed before compiling, and so is the message.
    ["${PWD%a\\x}", "invalid pattern (\\xa) in substitution: invalid escape '\\x'"],
    ["${PWD/\\x/y}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
  ])("%s -> %s", (word, reason) => {
    expect(reasonOf(word, new Map([["PWD", "/home"], ["NULL", ""]]))).toBe(reason);
  });
});

describe("word-list mode", () => {
  const env = new Map([
    ["SPACED", " a  b "],
    ["PAIR", "1 2"],
    ["NBSP", "a\u00a0b"],
    ["NEL", "a\u0085b"],
    ["BOM", "a\uFEFFb"],
    ["EMPTY", ""],
  ]);

  it.each([
    ["a  b", ["a", "b"]],
    ["$SPACED", ["a", "b"]],
    ['"$SPACED"', [" a  b "]],
    ["x${PAIR}y", ["x1", "2y"]],
    ["a\\ b", ["a b"]],
    ["'a b'c", ["a bc"]],
    // Go's unicode.IsSpace decides what splits.
    ["$NBSP", ["a", "b"]],
    ["$NEL", ["a", "b"]],
    ["$BOM", ["a\uFEFFb"]],
    ["a\u3000b", ["a", "b"]],
    // An empty quoted string only yields a word together with other text.
    ['""', []],
    ["\"\" ''", []],
    ['a "" b', ["a", "b"]],
    ['""x', ["x"]],
    ["$EMPTY", []],
    ["a $", ["a", "$"]],
    // `<<` keeps the blanks after it in its word, so `<< EOF` names a heredoc like `<<EOF`.
    ["cat << EOF", ["cat", "<< EOF"]],
    ["cat <<\tEOF >x", ["cat", "<<\tEOF", ">x"]],
    ["a < b", ["a", "<", "b"]],
  ])("%s -> %j", (word, expected) => {
    expect(expandWords(word, env)).toEqual(expected);
    expect(processWord(word, env).words).toEqual(expected);
  });
});

describe("nesting limit", () => {
  it("accepts deep nesting", () => {
    const word = "${a:-".repeat(256) + "x" + "}".repeat(256);
    expect(expandWord(word, NO_ENV)).toBe("x");
  });

  it("reports nesting beyond the limit as an expansion error, not a stack overflow", () => {
    for (const depth of [257, 20_000]) {
      const word = "${a:-".repeat(depth) + "x" + "}".repeat(depth);
      expect(reasonOf(word)).toBe("substitutions nested more than 256 levels deep");
    }
  });
});

describe("pattern matching cost", () => {
  it("stays fast on patterns that make backtracking engines explode", () => {
    const env = new Map([["X", "a".repeat(20_000)]]);
    const started = performance.now();
    expect(expandWord("${X##*a*a*a*a*b}", env)).toBe("a".repeat(20_000));
    expect(expandWord("${X%%a*a*a*a*b}", env)).toBe("a".repeat(20_000));
    expect(expandWord("${X//*a*a*a?b/-}", env)).toBe("a".repeat(20_000));
    // Linear in the value: generous bound, far below the minutes a RegExp needs.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
