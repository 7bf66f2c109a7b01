/** The Go parsing rules the instruction layer mirrors: time.ParseDuration, go-units sizes, strconv, CSV, path.Base. */
import { describe, expect, it } from "vitest";
import { csvFields } from "../../../src/compile/instructions/csv.js";
import { parseGoDuration } from "../../../src/compile/instructions/duration.js";
import { compareGoStrings, isRamSize, parseBool, parseInt32, parseUint32, pathBase } from "../../../src/compile/instructions/go.js";
import { withSuggestion } from "../../../src/compile/instructions/suggest.js";

describe("time.ParseDuration", () => {
  it.each([
    ["0", 0n],
    ["-0", 0n],
    ["+0", 0n],
    ["1ns", 1n],
    ["1.5s", 1_500_000_000n],
    ["1h30m", 5_400_000_000_000n],
    ["1.s", 1_000_000_000n],
    [".5ms", 500_000n],
    ["-1.5h", -5_400_000_000_000n],
    ["3us", 3_000n],
    ["3µs", 3_000n],
    ["3μs", 3_000n],
    ["1.0000000000000000000000001s", 1_000_000_000n],
    ["9223372036854775807ns", 9_223_372_036_854_775_807n],
    ["-9223372036854775808ns", -9_223_372_036_854_775_808n],
    ["2562047h47m16.854775807s", 9_223_372_036_854_775_807n],
  ])("%s = %s ns", (text, nanoseconds) => {
    expect(parseGoDuration(text)).toBe(nanoseconds);
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["-", 'time: invalid duration "-"'],
    ["s", 'time: invalid duration "s"'],
    [".s", 'time: invalid duration ".s"'],
    ["1", 'time: missing unit in duration "1"'],
    ["1s2", 'time: missing unit in duration "1s2"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["1 s", 'time: unknown unit " s" in duration "1 s"'],
    ["3ms\u00e9", 'time: unknown unit "ms\\xc3\\xa9" in duration "3ms\\xc3\\xa9"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
    ["3000000h", 'time: invalid duration "3000000h"'],
    ["99999999999999999999s", 'time: invalid duration "99999999999999999999s"'],
  ])("%j → %s", (text, error) => {
    expect(parseGoDuration(text)).toEqual({ error });
  });
});

describe("go-units RAMInBytes", () => {
  it.each(["0", "1", "64m", "64M", "64mb", "64MiB", "1.5g", "10 KB", "1e3", "2b", "1.", "0x1p4k", "10 "])("accepts %j", (text) => {
    expect(isRamSize(text)).toBe(true);
  });

  it.each(["", "m", "-1", "1x", "1mbb", "1kib2", "1 2", " 1", "1e400", "1eb", "1.5.5"])("rejects %j", (text) => {
    expect(isRamSize(text)).toBe(false);
  });
});

describe("strconv", () => {
  it("ParseUint with base 8 and 10, 32 bits", () => {
    expect(parseUint32("0755", 8)).toBe(0o755);
    expect(parseUint32("37777777777", 8)).toBe(0xffffffff);
    expect(parseUint32("40000000000", 8)).toBeUndefined();
    expect(parseUint32("8", 8)).toBeUndefined();
    expect(parseUint32("4294967295", 10)).toBe(4294967295);
    expect(parseUint32("+1", 10)).toBeUndefined();
    expect(parseUint32("1_000", 10)).toBeUndefined();
    expect(parseUint32("", 10)).toBeUndefined();
  });

  it("ParseInt with 32 bits", () => {
    expect(parseInt32("+7")).toBe(7);
    expect(parseInt32("-2147483648")).toBe(-2147483648);
    expect(parseInt32("2147483648")).toEqual({ error: 'strconv.ParseInt: parsing "2147483648": value out of range' });
    expect(parseInt32("-")).toEqual({ error: 'strconv.ParseInt: parsing "-": invalid syntax' });
    expect(parseInt32("1.0")).toEqual({ error: 'strconv.ParseInt: parsing "1.0": invalid syntax' });
  });

  it("ParseBool", () => {
    expect(["1", "t", "T", "TRUE", "true", "True"].map(parseBool)).toEqual([true, true, true, true, true, true]);
    expect(["0", "f", "F", "FALSE", "false", "False"].map(parseBool)).toEqual([false, false, false, false, false, false]);
    expect(["yes", "tRUE", ""].map(parseBool)).toEqual([undefined, undefined, undefined]);
  });
});

describe("path.Base and sort.Strings", () => {
  it.each([
    ["", "."],
    ["/", "/"],
    ["///", "/"],
    ["a", "a"],
    ["/a/b", "b"],
    ["/a/b//", "b"],
    ["$ID", "$ID"],
  ])("path.Base(%j) = %j", (path, base) => {
    expect(pathBase(path)).toBe(base);
  });

  it("orders strings by UTF-8 bytes", () => {
    expect(["b", "a", "\uffff", "\u{10000}", "ab", ""].sort(compareGoStrings)).toEqual(["", "a", "ab", "b", "\uffff", "\u{10000}"]);
  });
});

describe("CSV record", () => {
  it.each([
    ["a,b", ["a", "b"]],
    ["a,", ["a", ""]],
    [",", ["", ""]],
    ['"a,b",c', ["a,b", "c"]],
    ['"a""b"', ['a"b']],
    ['"",x', ["", "x"]],
    ['"a",', ["a", ""]],
    ["a\n", ["a"]],
    ["a\r\n", ["a"]],
    ["é,ü", ["é", "ü"]],
  ])("%j", (line, fields) => {
    expect(csvFields(line)).toEqual(fields);
  });

  it.each([
    ["", "EOF"],
    ["\n", "EOF"],
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'],
    ['é"', 'parse error on line 1, column 3: bare " in non-quoted-field'],
    ['"ab', 'parse error on line 1, column 2: extraneous or missing " in quoted-field'],
    ['"a""b', 'parse error on line 1, column 5: extraneous or missing " in quoted-field'],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
  ])("%j → %s", (line, error) => {
    expect(csvFields(line)).toEqual({ error });
  });
});

describe("did-you-mean", () => {
  it("suggests the closest option fewer than three edits away", () => {
    expect(withSuggestion("bad", "mout", ["mount", "network"], true)).toBe("bad (did you mean mount?)");
    expect(withSuggestion("bad", "xyzzy", ["mount"], true)).toBe("bad");
    expect(withSuggestion("bad", "mount", ["mount"], true)).toBe("bad");
  });

  it("matches the written case when comparing case-insensitively", () => {
    expect(withSuggestion("bad", "RUNN", ["RUN"], false)).toBe("bad (did you mean RUN?)");
    expect(withSuggestion("bad", "runn", ["RUN"], false)).toBe("bad (did you mean run?)");
    expect(withSuggestion("bad", "Runn", ["RUN"], false)).toBe("bad (did you mean run?)");
  });

  it("measures edits in code points", () => {
    expect(withSuggestion("bad", "cacé", ["cache"], true)).toBe("bad (did you mean cache?)");
  });
});
