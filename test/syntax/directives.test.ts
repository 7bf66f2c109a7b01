/**
 * Parser directives (`# syntax=`, `# escape=`, `# check=`), read as BuildKit
 * reads them: only in the comment lines at the very top, keys
 * case-insensitive, each at most once, and (for `escape`) not after a
 * shebang line.
 */
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../../src/syntax/index.js";
import { dump, instructions, lines, nth, span, syntaxError } from "./helpers.js";

const directives = (source: string) => parseDockerfile(source).directives.map((d) => [d.name, d.value, d.range.start.line]);

describe("recognised directives", () => {
  it("syntax, escape and check at the top", () => {
    const source = lines("# syntax=docker/dockerfile:1", "# escape=`", "# check=skip=all", "FROM a");
    const dockerfile = parseDockerfile(source);
    expect(directives(source)).toEqual([
      ["syntax", "docker/dockerfile:1", 1],
      ["escape", "`", 2],
      ["check", "skip=all", 3],
    ]);
    expect(dockerfile.escape).toBe("`");
    expect(dump(source)).toBe('(from "a")\n');
  });

  it("the default escape is a backslash and there are no directives", () => {
    const dockerfile = parseDockerfile(lines("FROM a"));
    expect(dockerfile.escape).toBe("\\");
    expect(dockerfile.directives).toEqual([]);
  });

  it("keys are case-insensitive and reported in lower case", () => {
    expect(directives(lines("# SYNTAX=x", "# Escape=`", "# cHeCk=skip=all", "FROM a"))).toEqual([
      ["syntax", "x", 1],
      ["escape", "`", 2],
      ["check", "skip=all", 3],
    ]);
  });

  it("blanks around '#', the key, '=' and the value are allowed", () => {
    const source = lines("  #   escape   =   `   ", "#syntax=x", "FROM a");
    expect(directives(source)).toEqual([
      ["escape", "`", 1],
      ["syntax", "x", 2],
    ]);
    expect(parseDockerfile(source).escape).toBe("`");
  });

  it("the value is everything after '=' (check=skip=all, values with spaces)", () => {
    expect(directives(lines("# check=skip=JSONArgsRecommended;error=true", "# syntax=a b", "FROM a"))).toEqual([
      ["check", "skip=JSONArgsRecommended;error=true", 1],
      ["syntax", "a b", 2],
    ]);
  });

  it("a directive's range is its line", () => {
    const [directive] = parseDockerfile(lines("# syntax=foo", "FROM a")).directives;
    expect(directive === undefined ? undefined : span(directive.range)).toEqual([[1, 1], [1, 13]]);
  });

  it("CRLF line endings do not end up in the value", () => {
    const dockerfile = parseDockerfile("# syntax=foo\r\n# escape=`\r\nFROM a\r\n");
    expect(dockerfile.directives.map((d) => d.value)).toEqual(["foo", "`"]);
    expect(dockerfile.escape).toBe("`");
  });

  it("a UTF-8 byte-order mark before the first directive is ignored", () => {
    const source = "\ufeff# escape=`\nFROM a\nRUN a `\n b\n";
    const dockerfile = parseDockerfile(source);
    expect(dockerfile.escape).toBe("`");
    expect(dump(source)).toBe('(from "a")\n(run "a  b")\n');
  });
});

describe("where directives end", () => {
  it("after an instruction, a directive is an ordinary comment", () => {
    const source = lines("FROM a", "# escape=`", "RUN a `", "RUN b");
    const dockerfile = parseDockerfile(source);
    expect(dockerfile.directives).toEqual([]);
    expect(dockerfile.escape).toBe("\\");
    expect(dump(source)).toBe('(from "a")\n(run "a `")\n(run "b")\n');
    expect(nth(instructions(source), 1).comments).toEqual(["escape=`"]);
  });

  it("after an ordinary comment, a directive is an ordinary comment", () => {
    const source = lines("# hello", "# escape=`", "FROM a");
    expect(parseDockerfile(source).escape).toBe("\\");
    expect(parseDockerfile(source).directives).toEqual([]);
    expect(nth(instructions(source), 0).comments).toEqual(["hello", "escape=`"]);
  });

  it("after a blank line, a directive is an ordinary comment", () => {
    const source = lines("", "# escape=`", "FROM a");
    expect(parseDockerfile(source).escape).toBe("\\");
    expect(parseDockerfile(source).directives).toEqual([]);
  });

  it("an unknown key ends the directives", () => {
    const source = lines("# syntax=x", "# foo=bar", "# escape=`", "FROM a");
    expect(directives(source)).toEqual([["syntax", "x", 1]]);
    expect(parseDockerfile(source).escape).toBe("\\");
    expect(nth(instructions(source), 0).comments).toEqual(["foo=bar", "escape=`"]);
  });

  it("a directive with an empty value is not a directive", () => {
    const source = lines("# escape=", "# syntax=x", "FROM a");
    expect(parseDockerfile(source).directives).toEqual([]);
  });

  it("a key that is not a plain word is not a directive (# syntax.x=y)", () => {
    expect(parseDockerfile(lines("# syntax.x=y", "# syntax=z", "FROM a")).directives).toEqual([]);
  });

  it("the same key later in the file is a comment, not a duplicate", () => {
    const source = lines("# syntax=a", "FROM a", "# syntax=b", "RUN x");
    expect(directives(source)).toEqual([["syntax", "a", 1]]);
    expect(nth(instructions(source), 1).comments).toEqual(["syntax=b"]);
  });
});

describe("directive lines are not comments", () => {
  it("the first instruction's comments leave the directives out", () => {
    const source = lines("# syntax=foo", "# escape=\\", "# a real comment", "FROM a");
    expect(nth(instructions(source), 0).comments).toEqual(["a real comment"]);
  });

  it("directives directly above the first instruction give it no comments", () => {
    expect(nth(instructions(lines("# syntax=foo", "FROM a")), 0).comments).toEqual([]);
  });
});

describe("errors", () => {
  it("a key given twice is an error on the second line", () => {
    const error = syntaxError(lines("# syntax=a", "# syntax=b", "FROM a"));
    expect(error.message).toMatch(/only one syntax parser directive/);
    expect(error.range.start.line).toBe(2);
  });

  it("duplicates are found case-insensitively and across other directives", () => {
    const error = syntaxError(lines("# escape=`", "# syntax=x", "# ESCAPE=\\", "FROM a"));
    expect(error.message).toMatch(/only one escape parser directive/);
    expect(error.range.start.line).toBe(3);
  });

  it("an escape value other than ` or \\ is an error", () => {
    for (const value of ["x", "\\\\", "``", "'"]) {
      const error = syntaxError(lines(`# escape=${value}`, "FROM a"));
      expect(error.message).toMatch(/invalid escape token/);
      expect(error.range.start.line).toBe(1);
    }
  });
});

describe("shebang", () => {
  const source = lines("#!/usr/bin/env buildctl", "# syntax=docker/dockerfile:1", "# check=skip=all", "# escape=`", "FROM a", "RUN b `", "RUN c");

  it("syntax and check are still found after a #! line", () => {
    expect(directives(source)).toEqual([
      ["syntax", "docker/dockerfile:1", 2],
      ["check", "skip=all", 3],
    ]);
  });

  it("escape after a #! line is not honoured (BuildKit's parser stops at the shebang)", () => {
    expect(parseDockerfile(source).escape).toBe("\\");
    expect(dump(source)).toBe('(from "a")\n(run "b `")\n(run "c")\n');
  });

  it("to BuildKit's parser all of those lines are comments", () => {
    expect(nth(instructions(source), 0).comments).toEqual([
      "!/usr/bin/env buildctl",
      "syntax=docker/dockerfile:1",
      "check=skip=all",
      "escape=`",
    ]);
  });

  it("a repeated key after a shebang is no error (only the parser reports duplicates)", () => {
    const repeated = lines("#!/bin/sh", "# syntax=a", "# syntax=b", "FROM a");
    expect(directives(repeated)).toEqual([["syntax", "a", 2]]);
  });

  it("an invalid escape after a shebang is no error either", () => {
    expect(dump(lines("#!/bin/sh", "# escape=x", "FROM a"))).toBe('(from "a")\n');
  });
});

describe("files without instructions", () => {
  it.each([
    ["empty", ""],
    ["only directives", lines("# syntax=a", "# escape=`")],
    ["only comments", lines("# a", "# b")],
    ["only blank lines", "\n\n  \n\t\n"],
    ["a byte-order mark", "\ufeff"],
  ])("%s: file with no instructions", (_name, source) => {
    expect(syntaxError(source).message).toMatch(/file with no instructions/);
  });
});

describe("comments above an instruction (BuildKit's PrevComment)", () => {
  it("are collected without '#' and surrounding blanks", () => {
    expect(nth(instructions(lines("#   first  ", "#second", "FROM a")), 0).comments).toEqual(["first", "second"]);
  });

  it("blank lines between comments do not reset them; an empty comment does", () => {
    expect(nth(instructions(lines("# a", "", "# b", "#", "# c", "", "FROM a")), 0).comments).toEqual(["c"]);
  });

  it("an indented comment loses its first character, not its '#' (BuildKit drops one byte, then trims)", () => {
    expect(nth(instructions(lines("  # indented", "FROM a")), 0).comments).toEqual(["# indented"]);
  });

  it("are reset after each instruction", () => {
    const list = instructions(lines("# one", "FROM a", "RUN b", "# two", "RUN c"));
    expect(list.map((i) => i.comments)).toEqual([["one"], [], ["two"]]);
  });

  it("CRLF endings are not part of a comment", () => {
    expect(nth(instructions("# hello\r\nFROM a\r\n"), 0).comments).toEqual(["hello"]);
  });
});
