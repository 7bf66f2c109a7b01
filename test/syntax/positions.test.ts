/**
 * Source positions: 1-based lines and columns in UTF-16 code units, range
 * ends exclusive. Every instruction, word, flag and error points where it
 * was written, including across continuation lines; every parse failure is
 * a DockerfileSyntaxError.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DockerfileSyntaxError, parseDockerfile } from "../../src/syntax/index.js";
import { as, instructions, lines, nth, span, syntaxError } from "./helpers.js";

describe("instruction ranges", () => {
  it("start at the keyword and end at the end of the last line", () => {
    const list = instructions(lines("FROM alpine", "", "  RUN echo a \\", "    b", "\tCMD x  "));
    expect(list.map((i) => span(i.range))).toEqual([
      [[1, 1], [1, 12]],
      [[3, 3], [4, 6]],
      [[5, 2], [5, 9]],
    ]);
  });

  it("offsets agree with lines and columns", () => {
    const source = lines("FROM a", "RUN b");
    const run = nth(instructions(source), 1);
    expect(run.range.start.offset).toBe(source.indexOf("RUN"));
    expect(run.range.end.offset).toBe(source.indexOf("b") + 1);
    expect(source.slice(run.range.start.offset, run.range.end.offset)).toBe("RUN b");
  });

  it("the last instruction of a file without a final newline ends at the end of the file", () => {
    const source = "FROM a\nRUN b";
    expect(nth(instructions(source), 1).range.end.offset).toBe(source.length);
  });

  it("keyword ranges cover the keyword only", () => {
    const list = instructions(lines("FROM a", "  onbuild  RUN x"));
    const onbuild = as(nth(list, 1), "ONBUILD");
    expect(span(onbuild.keyword.range)).toEqual([[2, 3], [2, 10]]);
    expect(span(as(onbuild.trigger, "RUN").keyword.range)).toEqual([[2, 12], [2, 15]]);
  });

  it("comment and blank lines inside a continuation are within the range", () => {
    const run = nth(instructions(lines("FROM a", "RUN a \\", "# c", "", "  b", "RUN z")), 1);
    expect(span(run.range)).toEqual([[2, 1], [5, 4]]);
  });

  it("a trailing comment inside a continuation at the end of the file extends the range", () => {
    expect(span(nth(instructions("FROM a\nRUN a \\\n# tail"), 1).range)).toEqual([[2, 1], [3, 7]]);
  });

  it("ranges are counted after a byte-order mark is removed", () => {
    const run = nth(instructions("\ufeffFROM a\nRUN b\n"), 0);
    expect(run.range.start).toEqual({ line: 1, column: 1, offset: 0 });
  });

  it("serialise as plain positions, however they are stored", () => {
    const run = nth(instructions(lines("FROM a", "RUN a \\", "  b")), 1);
    expect(JSON.parse(JSON.stringify(run.range))).toEqual({
      start: { line: 2, column: 1, offset: 7 },
      end: { line: 3, column: 4, offset: 18 },
    });
    expect(Object.keys(JSON.parse(JSON.stringify(run.keyword)))).toEqual(["value", "range"]);
  });

  it("columns count UTF-16 code units", () => {
    const list = instructions(lines("FROM a", "LABEL é=😀 x=y"));
    const label = as(nth(list, 1), "LABEL");
    expect(label.pairs.map((p) => [span(p.key.range), span(p.value.range)])).toEqual([
      [
        [[2, 7], [2, 8]],
        [[2, 9], [2, 11]],
      ],
      [
        [[2, 12], [2, 13]],
        [[2, 14], [2, 15]],
      ],
    ]);
  });
});

describe("words on continuation lines", () => {
  const source = lines("FROM a", "COPY --chown=1:1 \\", "  src1 \\", "    src2 \\", "  /dest/");
  const copy = as(nth(instructions(source), 1), "COPY");

  it("each word points at its own line and column", () => {
    expect(copy.args.map((a) => [a.value, span(a.range)])).toEqual([
      ["src1", [[3, 3], [3, 7]]],
      ["src2", [[4, 5], [4, 9]]],
      ["/dest/", [[5, 3], [5, 9]]],
    ]);
  });

  it("the flag stays on the first line", () => {
    expect(copy.flags.map((f) => span(f.range))).toEqual([[[2, 6], [2, 17]]]);
  });

  it("a word split by a continuation starts on its first line and ends on its last", () => {
    const run = as(nth(instructions(lines("FROM a", "EXPOSE 80\\", "80 443")), 1), "EXPOSE");
    expect(run.args.map((a) => [a.value, span(a.range)])).toEqual([
      ["8080", [[2, 8], [3, 3]]],
      ["443", [[3, 4], [3, 7]]],
    ]);
  });

  it("a shell-form command spans from its first to its last line", () => {
    const run = as(nth(instructions(lines("FROM a", "RUN set -e; \\", "  make \\", "  && make install")), 1), "RUN");
    if (run.command.form !== "shell") throw new Error("expected shell form");
    expect(span(run.command.script.range)).toEqual([[2, 5], [4, 18]]);
  });

  it("JSON strings on continuation lines", () => {
    const cmd = as(nth(instructions(lines("FROM a", "CMD [\"a\", \\", "     \"b\"]")), 1), "CMD");
    if (cmd.command.form !== "exec") throw new Error("expected exec form");
    expect(cmd.command.args.map((a) => span(a.range))).toEqual([
      [[2, 6], [2, 9]],
      [[3, 6], [3, 9]],
    ]);
  });

  it("ENV pairs on continuation lines, with a comment line between", () => {
    const env = as(nth(instructions(lines("FROM a", "ENV A=1 \\", "# note", "    B=2")), 1), "ENV");
    expect(env.pairs.map((p) => [p.key.value, span(p.key.range), span(p.value.range)])).toEqual([
      ["A", [[2, 5], [2, 6]], [[2, 7], [2, 8]]],
      ["B", [[4, 5], [4, 6]], [[4, 7], [4, 8]]],
    ]);
  });

  it("legacy ENV value spans to the end of the last line", () => {
    const env = as(nth(instructions(lines("FROM a", "ENV PATH /a:\\", "/b")), 1), "ENV");
    expect(env.legacy).toBe(true);
    expect(env.pairs.map((p) => [p.value.value, span(p.value.range)])).toEqual([["/a:/b", [[2, 10], [3, 3]]]]);
  });
});

describe("error ranges", () => {
  it("a bad ENV word is pointed at", () => {
    const error = syntaxError(lines("FROM a", "ENV a=b bad c=d"));
    expect(error.message).toMatch(/can't find = in "bad"/);
    expect(span(error.range)).toEqual([[2, 9], [2, 12]]);
  });

  it("a bad ENV word on a continuation line is pointed at on that line", () => {
    const error = syntaxError(lines("FROM a", "ENV a=b \\", "    bad"));
    expect(span(error.range)).toEqual([[3, 5], [3, 8]]);
  });

  it("ENV with one word points at the word", () => {
    expect(span(syntaxError(lines("FROM a", "ENV PATH")).range)).toEqual([[2, 5], [2, 9]]);
  });

  it("a JSON array of non-strings points at the array", () => {
    const error = syntaxError(lines("FROM a", 'RUN ["a", 1]'));
    expect(span(error.range)).toEqual([[2, 5], [2, 13]]);
  });

  it("an unterminated heredoc starts at its instruction", () => {
    const error = syntaxError(lines("FROM a", "", "COPY <<EOF /x", "body"));
    expect(error.range.start).toMatchObject({ line: 3, column: 1 });
  });

  it("an empty file's error is at the end of the file", () => {
    expect(syntaxError("\n\n").range.start).toMatchObject({ line: 2, offset: 2 });
  });
});

describe("every failure is a DockerfileSyntaxError", () => {
  const fragments = [
    "FROM a", "RUN", "run", "CMD", "COPY", "ADD", "ENV", "LABEL", "ARG", "ONBUILD", "HEALTHCHECK", "SHELL", "VOLUME", "EXPOSE",
    "WORKDIR", "USER", "IFARCH", "ENDIFARCH", "TAGARCH", "FOO", " ", "\t", "\n", "\r\n", "\\", "\\\n", "`", "#", "# escape=`\n",
    "# syntax=x\n", "#!/bin/sh\n", "\ufeff", "--", "--a=b", '--m="x y"', "'", '"', "=", "a=b", "x", "[", "]", '["a"]', '["a", 1]',
    ",", "{", "}", "$", "${", "<<EOF", "<<-EOF", "<<'EOF'", '<<"E F"', "3<<X", "<<", "EOF", "\tEOF", "X", "!", "amd64", "é", "😀",
    "\u0085", "\u00a0", "\u2028",
  ];
  const source = fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((parts) => parts.join(""));

  it("random Dockerfile-like text parses or fails with a DockerfileSyntaxError that has a valid range", () => {
    fc.assert(
      fc.property(source, (text) => {
        try {
          parseDockerfile(text);
        } catch (error) {
          if (!(error instanceof DockerfileSyntaxError)) throw error;
          expect(error.range.start.line).toBeGreaterThanOrEqual(1);
          expect(error.range.start.column).toBeGreaterThanOrEqual(1);
          expect(error.range.end.offset).toBeGreaterThanOrEqual(error.range.start.offset);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("instruction ranges are ordered and inside the source", () => {
    fc.assert(
      fc.property(source, (text) => {
        let list;
        try {
          list = instructions(text);
        } catch (error) {
          if (error instanceof DockerfileSyntaxError) return;
          throw error;
        }
        const length = text.startsWith("\ufeff") ? text.length - 1 : text.length;
        let previousEnd = 0;
        for (const instruction of list) {
          expect(instruction.range.start.offset).toBeGreaterThanOrEqual(previousEnd);
          expect(instruction.range.end.offset).toBeGreaterThanOrEqual(instruction.range.start.offset);
          expect(instruction.range.end.offset).toBeLessThanOrEqual(length);
          previousEnd = instruction.range.end.offset;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
