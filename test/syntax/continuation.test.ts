/**
 * Line continuations, as BuildKit's line reader joins them: the escape
 * character as the last non-blank character continues the line (unless it
 * is itself escaped), comment and blank lines inside a continuation are
 * skipped, indentation of continued lines is kept, CRLF is the same as LF.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../../src/syntax/index.js";
import { dump, instructions, lines, nth, span, syntaxError } from "./helpers.js";

describe("the escape character at the end of a line", () => {
  it("joins the next line, dropping the escape and the blanks after it", () => {
    const source = lines("FROM a", "RUN echo hello \\", "world");
    expect(dump(source)).toBe('(from "a")\n(run "echo hello world")\n');
  });

  it("keeps the indentation of continued lines and the blanks before the escape", () => {
    expect(dump(lines("FROM a", "RUN echo hello\\", "  world"))).toBe('(from "a")\n(run "echo hello  world")\n');
    expect(dump(lines("FROM a", "RUN light\\", "ning"))).toBe('(from "a")\n(run "lightning")\n');
  });

  it("may be followed by spaces and tabs", () => {
    expect(dump(lines("FROM a", "RUN a \\   ", "b \\\t", "c \\ \t ", "d"))).toBe('(from "a")\n(run "a b c d")\n');
  });

  it("in the middle of a line is not a continuation", () => {
    expect(dump(lines("FROM a", "RUN a \\ b", "RUN c"))).toBe(String.raw`(from "a")
(run "a \\ b")
(run "c")
`);
  });

  it("doubled, is a literal escape and ends the instruction", () => {
    const source = lines("FROM a", "RUN foo \\\\", "RUN bar");
    expect(dump(source)).toBe(String.raw`(from "a")
(run "foo \\\\")
(run "bar")
`);
  });

  it("after another escape it is not a continuation either (BuildKit looks back one character only)", () => {
    const source = lines("FROM a", "RUN foo \\\\\\", "RUN bar");
    expect(instructions(source).map((i) => i.original)).toEqual(["FROM a", "RUN foo \\\\\\", "RUN bar"]);
  });

  it("continues into as many lines as needed; original is the joined text", () => {
    const list = instructions(lines("FROM a", "RUN a \\", "  b \\", "  c", "RUN d"));
    expect(list.map((i) => i.original)).toEqual(["FROM a", "RUN a   b   c", "RUN d"]);
    expect(list.map((i) => [i.range.start.line, i.range.end.line])).toEqual([
      [1, 1],
      [2, 4],
      [5, 5],
    ]);
  });

  it("a continued keyword line works (RUN \\ then the command)", () => {
    expect(dump(lines("FROM a", "RUN \\", "  echo hi"))).toBe('(from "a")\n(run "echo hi")\n');
  });

  it("a line that is only the escape continues into the next line", () => {
    const source = lines("FROM a", "\\", "RUN foo");
    const run = nth(instructions(source), 1);
    expect(dump(source)).toBe('(from "a")\n(run "foo")\n');
    expect(run.original).toBe("RUN foo");
    expect(span(run.keyword.range)).toEqual([[3, 1], [3, 4]]);
    expect(run.range.start.line).toBe(2);
  });

  it("a line that is only the escape inside a continuation adds nothing", () => {
    expect(dump(lines("FROM a", "RUN a \\", "\\", "b"))).toBe('(from "a")\n(run "a b")\n');
  });
});

describe("comment and blank lines inside a continuation", () => {
  it("comment lines are skipped without a warning", () => {
    const source = lines("FROM a", "RUN non-indented \\", "# this is a comment", "   after-comment", "RUN indented \\", "    # indented comment", "    comment");
    const dockerfile = parseDockerfile(source);
    expect(dump(source)).toBe('(from "a")\n(run "non-indented    after-comment")\n(run "indented     comment")\n');
    expect(dockerfile.warnings).toEqual([]);
  });

  it("a comment line does not end the continuation even when it ends with the escape", () => {
    expect(dump(lines("FROM a", "RUN a \\", "# comment \\", "  b"))).toBe('(from "a")\n(run "a   b")\n');
  });

  it("comment lines inside a continuation are not the next instruction's comments", () => {
    const list = instructions(lines("FROM a", "RUN a \\", "# inner", "  b", "RUN c"));
    expect(nth(list, 2).comments).toEqual([]);
  });

  it("blank lines are skipped and produce a NoEmptyContinuation warning", () => {
    const source = lines(
      "FROM alpine:3.6",
      "",
      "RUN valid \\",
      "    continuation",
      "",
      "RUN something \\",
      "",
      "    following \\",
      "",
      "    more",
      "",
      "RUN another \\",
      "",
      "    thing",
    );
    const dockerfile = parseDockerfile(source);
    expect(dump(source)).toBe(
      '(from "alpine:3.6")\n(run "valid     continuation")\n(run "something     following     more")\n(run "another     thing")\n',
    );
    expect(dockerfile.warnings.map((w) => w.rule)).toEqual(["NoEmptyContinuation", "NoEmptyContinuation"]);
    expect(dockerfile.warnings.map((w) => w.message)).toEqual([
      "Empty continuation line found in: RUN something     following     more",
      "Empty continuation line found in: RUN another     thing",
    ]);
  });

  it("a line of blanks counts as empty, and one warning is given per instruction", () => {
    const dockerfile = parseDockerfile(lines("FROM a", "RUN a \\", "   ", "\t", "  b"));
    expect(dockerfile.warnings).toHaveLength(1);
    expect(dockerfile.warnings[0]?.range.start.line).toBe(2);
    expect(dockerfile.warnings[0]?.range.end.line).toBe(5);
  });

  it("blank lines outside a continuation give no warning", () => {
    expect(parseDockerfile(lines("FROM a", "", "", "RUN b", "")).warnings).toEqual([]);
  });
});

describe("continuation at the end of the file", () => {
  it("is tolerated with and without a final newline", () => {
    expect(dump("FROM a\nRUN a \\")).toBe('(from "a")\n(run "a")\n');
    expect(dump("FROM a\nRUN a \\\n")).toBe('(from "a")\n(run "a")\n');
  });

  it("followed only by a comment or blank lines", () => {
    expect(dump("FROM a\nRUN a \\\n# c")).toBe('(from "a")\n(run "a")\n');
    expect(dump("FROM a\nRUN a \\\n\n\n")).toBe('(from "a")\n(run "a")\n');
  });

  it("the instruction ends on the last line it consumed", () => {
    const run = nth(instructions("FROM a\nRUN a \\\n# c"), 1);
    expect(span(run.range)).toEqual([[2, 1], [3, 4]]);
  });
});

describe("CRLF line endings", () => {
  const root = new URL("../conformance/buildkit/parser/", import.meta.url);
  const cases = readdirSync(root).sort();

  it.each(cases)("%s dumps the same with CRLF as with LF", (name) => {
    const lf = readFileSync(new URL(`${name}/Dockerfile`, root), "utf8");
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(dump(crlf)).toBe(dump(lf));
  });

  it("instruction ranges end before the CR", () => {
    const list = instructions("FROM a\r\nRUN a \\\r\n  b\r\n");
    expect(list.map((i) => span(i.range))).toEqual([
      [[1, 1], [1, 7]],
      [[2, 1], [3, 4]],
    ]);
    expect(nth(list, 1).original).toBe("RUN a   b");
  });

  it("a continuation with blanks and then CRLF still continues", () => {
    expect(dump("FROM a\r\nRUN a \\  \r\n b\r\n")).toBe('(from "a")\n(run "a  b")\n');
  });
});

describe("the backtick escape", () => {
  it("continues lines with ` and leaves backslashes alone (Windows paths)", () => {
    const source = lines(
      "# escape=`",
      "FROM windowsservercore",
      "WORKDIR C:\\",
      "COPY C:\\src\\app C:\\dest\\",
      "RUN dir C:\\Windows `",
      "    /b",
    );
    expect(dump(source)).toBe(String.raw`(from "windowsservercore")
(workdir "C:\\")
(copy "C:\\src\\app" "C:\\dest\\")
(run "dir C:\\Windows     /b")
`);
  });

  it("a doubled backtick at the end is literal", () => {
    expect(dump(lines("# escape=`", "FROM a", "RUN echo ``", "RUN b"))).toBe('(from "a")\n(run "echo ``")\n(run "b")\n');
  });

  it("a backslash at the end is not a continuation when the escape is `", () => {
    expect(dump(lines("# escape=`", "FROM a", "RUN echo \\", "RUN b"))).toBe('(from "a")\n(run "echo \\\\")\n(run "b")\n');
  });

  it("a backtick at the end is not a continuation when the escape is \\", () => {
    expect(dump(lines("FROM a", "RUN echo `", "RUN b"))).toBe('(from "a")\n(run "echo `")\n(run "b")\n');
  });
});

describe("over-long lines", () => {
  it("a line longer than 65535 bytes is a DockerfileSyntaxError", () => {
    const source = `\n\t\tFROM image\n\t\tLABEL test=${"a".repeat(65536)}\n`;
    const error = syntaxError(source);
    expect(error.message).toBe("dockerfile line greater than max allowed size of 65535");
    expect(error.range.start.line).toBe(3);
  });

  it("a line of exactly 65535 bytes is accepted", () => {
    const label = `LABEL a=${"b".repeat(65535 - "LABEL a=".length)}`;
    expect(parseDockerfile(lines("FROM a", label)).body).toHaveLength(2);
  });
});
