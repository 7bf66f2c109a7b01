/**
 * Heredocs, as BuildKit's parser reads them: which instruction lines open
 * them, how the terminator is found, what the body keeps, and where the
 * instruction ends. Expectations restate BuildKit's parser_heredoc_test.go
 * and the behaviour of its `Parse` loop.
 */
import { describe, expect, it } from "vitest";
import { parseDockerfile, type Heredoc, type Instruction } from "../../src/syntax/index.js";
import { as, dump, instructions, lines, nth, span, syntaxError } from "./helpers.js";
import { chompHeredoc } from "../../src/syntax/heredoc.js";

/** The heredocs an instruction carries (an ONBUILD's are on its trigger). */
function heredocsOf(instruction: Instruction): readonly Heredoc[] | undefined {
  const target = instruction.kind === "ONBUILD" ? instruction.trigger : instruction;
  if (target === null) return undefined;
  switch (target.kind) {
    case "RUN":
    case "ADD":
    case "COPY":
      return target.heredocs;
    default:
      return undefined;
  }
}

/** name/fd/chomp/expand/content of each heredoc, without ranges. */
function summary(instruction: Instruction): { name: string; fd: number; chomp: boolean; expand: boolean; content: string }[] {
  return (heredocsOf(instruction) ?? []).map(({ name, fd, chomp, expand, content }) => ({ name, fd, chomp, expand, content }));
}

const doc = (name: string, content: string, extra: Partial<{ fd: number; chomp: boolean; expand: boolean }> = {}) => ({
  name,
  fd: 0,
  chomp: false,
  expand: true,
  content,
  ...extra,
});

describe("opening a heredoc", () => {
  it("RUN <<EOF reads the body up to the terminator line", () => {
    const source = lines("FROM alpine", "RUN <<EOF", "echo hello", "echo world", "EOF", "RUN ls");
    const list = instructions(source);
    expect(summary(nth(list, 1))).toEqual([doc("EOF", "echo hello\necho world\n")]);
    expect(as(nth(list, 2), "RUN").heredocs).toEqual([]);
    expect(dump(source)).toBe('(from "alpine")\n(run "<<EOF")\n(run "ls")\n');
  });

  it("an empty body is an empty string", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<EMPTY", "EMPTY")), 1);
    expect(summary(run)).toEqual([doc("EMPTY", "")]);
  });

  it("a file descriptor before << is recorded (3<<EOF)", () => {
    const run = nth(instructions(lines("FROM a", "RUN 3<<EOF cat /dev/fd/3", "x", "EOF")), 1);
    expect(summary(run)).toEqual([doc("EOF", "x\n", { fd: 3 })]);
  });

  it("several heredocs on one line are read in order, each up to its own terminator", () => {
    const copy = nth(instructions(lines("FROM a", "COPY <<FILE1 <<FILE2 /dest", "content 1", "FILE1", "content 2", "FILE2")), 1);
    expect(summary(copy)).toEqual([doc("FILE1", "content 1\n"), doc("FILE2", "content 2\n")]);
  });

  it("while one heredoc is read, the other's terminator is ordinary content", () => {
    const copy = nth(instructions(lines("FROM a", "COPY <<X <<Y /dest", "Y", "X", "X", "Y")), 1);
    expect(summary(copy)).toEqual([doc("X", "Y\n"), doc("Y", "X\n")]);
  });

  it("RUN --mount=... <<EOF: flags do not stop a heredoc", () => {
    const run = as(nth(instructions(lines("FROM a", "RUN --mount=type=cache,target=/foo <<MOUNT", "echo hello", "MOUNT")), 1), "RUN");
    expect(run.flags.map((f) => [f.name, f.value])).toEqual([["mount", "type=cache,target=/foo"]]);
    expect(summary(run)).toEqual([doc("MOUNT", "echo hello\n")]);
  });

  it("words after the heredoc stay in the command (RUN <<EOF python3)", () => {
    const source = lines("FROM a", "RUN <<COMPLEX python3", "print('hello world')", "COMPLEX");
    expect(summary(nth(instructions(source), 1))).toEqual([doc("COMPLEX", "print('hello world')\n")]);
    expect(dump(source)).toBe('(from "a")\n(run "<<COMPLEX python3")\n');
  });

  it("COPY <<EOF /dest carries the heredoc and keeps both words as arguments", () => {
    const source = lines("FROM a", "COPY <<EOF /quotes", '"foo"', "'bar'", "EOF");
    const copy = as(nth(instructions(source), 1), "COPY");
    expect(copy.json).toBe(false);
    expect(copy.args.map((a) => a.value)).toEqual(["<<EOF", "/quotes"]);
    expect(summary(copy)).toEqual([doc("EOF", "\"foo\"\n'bar'\n")]);
  });

  it("ADD opens heredocs too", () => {
    expect(summary(nth(instructions(lines("FROM a", "ADD <<EOF /x", "hi", "EOF")), 1))).toEqual([doc("EOF", "hi\n")]);
  });

  it("a name may contain dots and other word characters (COPY <<file.txt /dest)", () => {
    expect(summary(nth(instructions(lines("FROM a", "COPY <<file.txt /dest", "hello world", "file.txt")), 1))).toEqual([
      doc("file.txt", "hello world\n"),
    ]);
  });

  it("$NAME in a name is kept as written", () => {
    expect(summary(nth(instructions(lines("FROM a", "RUN <<$EOF", "$EOF")), 1))).toEqual([doc("$EOF", "")]);
  });

  it("a heredoc opened on a continuation line starts after the last continued line", () => {
    const source = lines("FROM a", "RUN cat \\", "  <<EOF", "body", "EOF", "RUN x");
    const list = instructions(source);
    const run = nth(list, 1);
    const next = nth(list, 2);
    expect(summary(run)).toEqual([doc("EOF", "body\n")]);
    expect(span(run.range)).toEqual([[2, 1], [5, 4]]);
    expect(as(next, "RUN").range.start.line).toBe(6);
  });
});

describe("quoting the name", () => {
  it.each([
    ["<<EOF", "EOF", true],
    ['<<"EOF"', "EOF", false],
    ["<<'EOF'", "EOF", false],
    ['<<EO"F"', "EOF", false],
    ["<<eo'f'", "eof", false],
    ["<<eo\\'f", "eo'f", true],
    ["<<'e'o\\'f", "eo'f", false],
    ["<<'one two'", "one two", false],
  ])("RUN %s: name %j, expand %s", (opener, name, expand) => {
    const run = nth(instructions(lines("FROM a", `RUN ${opener}`, "echo $X", name)), 1);
    expect(summary(run)).toEqual([doc(name, "echo $X\n", { expand })]);
  });

  it("quotes and chomp combine (<<-'NOEXPAND')", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<-'NOEXPAND'", "\tdon't expand $NAME", "NOEXPAND")), 1);
    expect(summary(run)).toEqual([doc("NOEXPAND", "\tdon't expand $NAME\n", { chomp: true, expand: false })]);
  });

  it("each heredoc on a line has its own expand flag", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<A <<'B' <<\"C\"", "a", "A", "b", "B", "c", "C")), 1);
    expect(summary(run).map((h) => [h.name, h.expand])).toEqual([
      ["A", true],
      ["B", false],
      ["C", false],
    ]);
  });
});

describe("<<- (chomp)", () => {
  it("a tab-indented terminator ends the body; the body keeps its tabs", () => {
    const source = lines("FROM a", "RUN <<-UNINDENT2", "\tbaz", "\tquux", "\t\tUNINDENT2", "RUN next");
    const list = instructions(source);
    const run = nth(list, 1);
    const next = nth(list, 2);
    expect(summary(run)).toEqual([doc("UNINDENT2", "\tbaz\n\tquux\n", { chomp: true })]);
    expect(as(next, "RUN").original).toBe("RUN next");
  });

  it("an unindented terminator also ends it", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<-X", "\tbody", "X")), 1);
    expect(summary(run)).toEqual([doc("X", "\tbody\n", { chomp: true })]);
  });

  it("without -, a tab-indented terminator is body text", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<INDENT", "\tfoo", "\tINDENT", "INDENT")), 1);
    expect(summary(run)).toEqual([doc("INDENT", "\tfoo\n\tINDENT\n")]);
  });

  it("only tabs are stripped when looking for the terminator, not spaces", () => {
    const error = syntaxError(lines("FROM a", "RUN <<-EOF", "body", "  EOF"));
    expect(error.message).toMatch(/unterminated heredoc/);
  });
});

describe("what does not open a heredoc", () => {
  it("JSON-form RUN with << in a string has no heredoc", () => {
    const source = lines("FROM a", 'RUN ["whoami"]', 'RUN ["<<EOF"]', "RUN [\"<<'EOF'\"]");
    const runs = instructions(source).slice(1).map((i) => as(i, "RUN"));
    for (const run of runs) {
      expect(run.command.form).toBe("exec");
      expect(run.heredocs).toEqual([]);
    }
    expect(dump(source)).toBe('(from "a")\n(run "whoami")\n(run "<<EOF")\n(run "<<\'EOF\'")\n');
  });

  it("JSON-form COPY and ONBUILD RUN with << have no heredoc", () => {
    const source = lines("FROM a", 'COPY ["<<EOF", "/d"]', 'ONBUILD RUN ["<<EOF"]', "EOF");
    const list = instructions(source);
    const copy = nth(list, 1);
    const onbuild = nth(list, 2);
    const eof = nth(list, 3);
    expect(as(copy, "COPY").heredocs).toEqual([]);
    expect(heredocsOf(onbuild)).toEqual([]);
    expect(eof.kind).toBe("UNKNOWN");
  });

  it("cat<<EOF glued to a word is not a heredoc: the next lines are instructions", () => {
    const source = lines("FROM a", "RUN cat<<EOF", "EOF");
    expect(dump(source)).toBe('(from "a")\n(run "cat<<EOF")\n(eof "")\n');
    expect(as(nth(instructions(source), 1), "RUN").heredocs).toEqual([]);
  });

  it("a quoted <<EOF is not a heredoc", () => {
    for (const word of ['"<<EOF"', "'<<EOF'", "\\<<EOF"]) {
      const run = as(nth(instructions(lines("FROM a", `RUN echo ${word}`)), 1), "RUN");
      expect(run.heredocs).toEqual([]);
    }
  });

  it("<< with no name, <<< and <EOF open nothing", () => {
    for (const text of ["RUN echo <<", "RUN echo <<-", "RUN cat <<<EOF", "RUN cat <EOF", "RUN cat <<EOF<<EOF2"]) {
      const run = as(nth(instructions(lines("FROM a", text)), 1), "RUN");
      expect(run.heredocs).toEqual([]);
    }
  });

  it("the name is the rest of the word, punctuation included (<<EOF; is named EOF;)", () => {
    // BuildKit's word splitting knows no shell operators, so `;` stays in the word.
    const run = nth(instructions(lines("FROM a", "RUN cat <<EOF;", "x", "EOF;")), 1);
    expect(summary(run)).toEqual([doc("EOF;", "x\n")]);
  });

  it("instructions other than RUN, ADD and COPY never open one", () => {
    const source = lines("FROM a", "USER <<INVALID", "INVALID", "CMD <<X", "ENTRYPOINT <<Y", "WORKDIR <<Z");
    expect(dump(source)).toBe(
      '(from "a")\n(user "<<INVALID")\n(invalid "")\n(cmd "<<X")\n(entrypoint "<<Y")\n(workdir "<<Z")\n',
    );
  });

  it("a line the shell lexer rejects (unbalanced quote) opens no heredoc", () => {
    const source = lines("FROM a", "RUN <<EOF '", "EOF");
    expect(dump(source)).toBe('(from "a")\n(run "<<EOF \'")\n(eof "")\n');
  });
});

describe("ONBUILD", () => {
  it("ONBUILD RUN <<EOF attaches the heredoc to the trigger", () => {
    const source = lines("FROM a", "ONBUILD RUN <<EOF", "echo hi", "EOF", "RUN after");
    const list = instructions(source);
    const onbuild = nth(list, 1);
    const after = nth(list, 2);
    const trigger = as(as(onbuild, "ONBUILD").trigger, "RUN");
    expect(trigger.heredocs.map((h) => [h.name, h.content])).toEqual([["EOF", "echo hi\n"]]);
    expect(span(onbuild.range)).toEqual([[2, 1], [4, 4]]);
    expect(dump(source)).toBe('(from "a")\n(onbuild (run "<<EOF"))\n(run "after")\n');
    expect(as(after, "RUN").range.start.line).toBe(5);
  });

  it("ONBUILD COPY <<EOF /x too", () => {
    const onbuild = nth(instructions(lines("FROM a", "ONBUILD COPY <<EOF /x", "hi", "EOF")), 1);
    expect(summary(onbuild)).toEqual([doc("EOF", "hi\n")]);
  });
});

describe("the body", () => {
  it("body lines are not instructions, comments or directives", () => {
    const source = lines("FROM a", "RUN <<COMMENT", "# internal comment", "FROM b", "# escape=`", "RUN x `", "COMMENT", "RUN after");
    const list = instructions(source);
    expect(list.map((i) => i.kind)).toEqual(["FROM", "RUN", "RUN"]);
    expect(summary(nth(list, 1))).toEqual([doc("COMMENT", "# internal comment\nFROM b\n# escape=`\nRUN x `\n")]);
    expect(nth(list, 2).comments).toEqual([]);
  });

  it("a comment after the terminator belongs to the next instruction", () => {
    const list = instructions(lines("FROM a", "RUN <<EOF", "# inside", "EOF", "# outside", "RUN x"));
    expect(nth(list, 2).comments).toEqual(["outside"]);
  });

  it("a trailing escape in the body is not a continuation; blank lines are kept", () => {
    const run = nth(instructions(lines("FROM a", "RUN <<EOF", "a \\", "", "  ", "EOF")), 1);
    expect(summary(run)).toEqual([doc("EOF", "a \\\n\n  \n")]);
    expect(parseDockerfile(lines("FROM a", "RUN <<EOF", "a \\", "", "EOF")).warnings).toEqual([]);
  });

  it("CRLF line endings are kept in the body and the terminator still matches", () => {
    const source = "FROM a\r\nRUN <<EOF\r\nline 1\r\nline 2\r\nEOF\r\nRUN x\r\n";
    const list = instructions(source);
    expect(summary(nth(list, 1))).toEqual([doc("EOF", "line 1\r\nline 2\r\n")]);
    expect(nth(list, 2).original).toBe("RUN x");
  });

  it("a terminator at the very end of the file needs no newline", () => {
    expect(summary(nth(instructions("FROM a\nRUN <<EOF\nx\nEOF"), 1))).toEqual([doc("EOF", "x\n")]);
  });

  it("the terminator must match the whole line: trailing blanks make it body text", () => {
    expect(syntaxError("FROM a\nRUN <<EOF\nx\nEOF \n").message).toMatch(/unterminated heredoc/);
  });

  it("a body whose last line has no newline and no terminator is unterminated", () => {
    expect(syntaxError("FROM a\nRUN <<EOF\nx").message).toMatch(/unterminated heredoc/);
  });
});

describe("ranges", () => {
  it("the instruction's range runs from the keyword to the end of the terminator line", () => {
    const source = lines("FROM a", "  RUN <<EOF", "echo hi", "EOF", "RUN x");
    const list = instructions(source);
    const run = nth(list, 1);
    const next = nth(list, 2);
    expect(span(run.range)).toEqual([[2, 3], [4, 4]]);
    expect(span(next.range)).toEqual([[5, 1], [5, 6]]);
  });

  it("a heredoc's range covers its body and terminator", () => {
    const run = as(nth(instructions(lines("FROM a", "RUN <<A <<B", "a1", "a2", "A", "b", "B")), 1), "RUN");
    expect(run.heredocs.map((h) => span(h.range))).toEqual([
      [[3, 1], [5, 2]],
      [[6, 1], [7, 2]],
    ]);
    expect(span(run.range)).toEqual([[2, 1], [7, 2]]);
  });

  it("with CRLF the range ends before the CR of the terminator line", () => {
    const run = nth(instructions("FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\n"), 1);
    expect(span(run.range)).toEqual([[2, 1], [4, 4]]);
  });

  it("the command word stays on the instruction line", () => {
    const run = as(nth(instructions(lines("FROM a", "RUN <<EOF cat", "x", "EOF")), 1), "RUN");
    expect(run.command.form).toBe("shell");
    if (run.command.form === "shell") expect(span(run.command.script.range)).toEqual([[2, 5], [2, 14]]);
  });
});

describe("unterminated heredocs", () => {
  it("a body that runs to the end of the file is a DockerfileSyntaxError", () => {
    const error = syntaxError(lines("FROM a", "RUN <<EOF", "echo hi"));
    expect(error.message).toMatch(/unterminated heredoc/);
    expect(error.range.start.line).toBe(2);
    expect(error.range.end.line).toBeGreaterThanOrEqual(3);
  });

  it("an instruction line that opens a heredoc at the end of the file is unterminated", () => {
    expect(syntaxError("FROM a\nRUN <<EOF").message).toMatch(/unterminated heredoc/);
  });

  it("the second of two heredocs left open is an error too", () => {
    expect(syntaxError(lines("FROM a", "RUN <<A <<B", "a", "A", "b")).message).toMatch(/unterminated heredoc/);
  });

  it("ONBUILD RUN <<EOF without a terminator is an error", () => {
    expect(syntaxError(lines("FROM a", "ONBUILD RUN <<EOF", "x")).message).toMatch(/unterminated heredoc/);
  });
});

describe("blanks between << and the name (BuildKit 0.22+)", () => {
  it.each([
    ["RUN cat << EOF > /x", "EOF", true],
    ["RUN <<  EOF", "EOF", true],
    ["RUN 3<< EOF cat", "EOF", true],
    ["RUN << 'EOF'", "EOF", false],
    ["COPY <<\tEOF /dest", "EOF", true],
  ])("%s opens a heredoc named %s", (line, name, expand) => {
    const run = as(nth(instructions(lines("FROM a", line, "hello", name)), 1), line.startsWith("COPY") ? "COPY" : "RUN");
    expect(run.heredocs).toHaveLength(1);
    expect(nth(run.heredocs, 0)).toMatchObject({ name, expand, content: "hello\n" });
  });

  it("a blank after <<- ends the word, so no heredoc opens", () => {
    expect(dump(lines("FROM a", "RUN <<- EOF", "EOF"))).toBe('(from "a")\n(run "<<- EOF")\n(eof "")\n');
  });
});

describe("chompHeredoc (<<-)", () => {
  it("removes leading tabs at the start and after every newline, as Go's (?m)^\\t+ does", () => {
    expect(chompHeredoc("\t\ta\n\tb\n c\n\t")).toBe("a\nb\n c\n");
  });

  it("does not treat a lone carriage return as a line start", () => {
    expect(chompHeredoc("a\r\tb\r\n\tc")).toBe("a\r\tb\r\nc");
  });
});
