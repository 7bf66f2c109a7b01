/**
 * dfc's IFARCH / TAGARCH / ENDIFARCH extension: blocks of statements kept
 * only for some target architectures. The parser checks structure (nesting,
 * placement, arguments); whether a name is a known architecture is the
 * compiler's business.
 */
import { describe, expect, it } from "vitest";
import { instructionsOf, parseDockerfile, type ArchBlock, type Statement } from "../../src/syntax/index.js";
import { as, dump, lines, nth, span, syntaxError } from "./helpers.js";

function block(statement: Statement | undefined): ArchBlock {
  if (statement?.kind !== "ARCH_BLOCK") throw new Error(`expected an IFARCH block, got ${statement?.kind}`);
  return statement;
}

const shape = (statements: readonly Statement[]): unknown[] =>
  statements.map((s) => (s.kind === "ARCH_BLOCK" ? { archs: s.open.archs.map((a) => (a.negated ? `!${a.name}` : a.name)), body: shape(s.body) } : s.kind));

describe("the proposal's rootfs example", () => {
  const source = lines(
    "FROM scratch",
    "IFARCH x86-64",
    "ADD rootfs-x64.tar.xz /",
    "ENDIFARCH",
    "IFARCH arm7 arm8 arm8.1 rpi",
    "ADD rootfs-arm.tar.xz /",
    "TAGARCH arm7 arm8 arm8.1 rpi",
    "ENDIFARCH",
    'CMD ["/bin/sh"]',
  );
  const dockerfile = parseDockerfile(source);

  it("has FROM, two blocks and CMD at the top level", () => {
    expect(dockerfile.body.map((s) => s.kind)).toEqual(["FROM", "ARCH_BLOCK", "ARCH_BLOCK", "CMD"]);
  });

  it("the first block is for x86-64 and holds the x64 ADD", () => {
    const first = block(dockerfile.body[1]);
    expect(first.open.archs).toMatchObject([{ name: "x86-64", negated: false }]);
    expect(first.body.map((s) => s.kind)).toEqual(["ADD"]);
    expect(as(nth(first.body, 0), "ADD").args.map((a) => a.value)).toEqual(["rootfs-x64.tar.xz", "/"]);
  });

  it("the second block names four archs and ends with its TAGARCH", () => {
    const second = block(dockerfile.body[2]);
    expect(second.open.archs.map((a) => [a.name, a.negated])).toEqual([
      ["arm7", false],
      ["arm8", false],
      ["arm8.1", false],
      ["rpi", false],
    ]);
    expect(second.body.map((s) => s.kind)).toEqual(["ADD", "TAGARCH"]);
    const tag = as(nth(second.body, 1), "TAGARCH");
    expect(tag.archs.map((a) => a.name)).toEqual(["arm7", "arm8", "arm8.1", "rpi"]);
  });

  it("block ranges run from IFARCH to ENDIFARCH", () => {
    expect(span(block(dockerfile.body[1]).range)).toEqual([[2, 1], [4, 10]]);
    expect(span(block(dockerfile.body[2]).range)).toEqual([[5, 1], [8, 10]]);
  });

  it("the flat list keeps the delimiters in source order", () => {
    expect(instructionsOf(dockerfile.body).map((i) => i.kind)).toEqual([
      "FROM", "IFARCH", "ADD", "ENDIFARCH", "IFARCH", "ADD", "TAGARCH", "ENDIFARCH", "CMD",
    ]);
    expect(dump(source)).toBe(
      [
        '(from "scratch")',
        '(ifarch "x86-64")',
        '(add "rootfs-x64.tar.xz" "/")',
        "(endifarch)",
        '(ifarch "arm7" "arm8" "arm8.1" "rpi")',
        '(add "rootfs-arm.tar.xz" "/")',
        '(tagarch "arm7" "arm8" "arm8.1" "rpi")',
        "(endifarch)",
        '(cmd "/bin/sh")',
        "",
      ].join("\n"),
    );
  });
});

describe("structure", () => {
  it("blocks nest", () => {
    const body = parseDockerfile(lines("FROM a", "IFARCH amd64 arm64", "RUN a", "IFARCH !arm64", "RUN b", "ENDIFARCH", "RUN c", "ENDIFARCH")).body;
    expect(shape(body)).toEqual(["FROM", { archs: ["amd64", "arm64"], body: ["RUN", { archs: ["!arm64"], body: ["RUN"] }, "RUN"] }]);
  });

  it("blocks may wrap FROM lines: whole stages", () => {
    const source = lines("IFARCH amd64", "FROM a AS build", "RUN make", "ENDIFARCH", "IFARCH arm64", "FROM b AS build", "ENDIFARCH", "FROM build");
    expect(shape(parseDockerfile(source).body)).toEqual([
      { archs: ["amd64"], body: ["FROM", "RUN"] },
      { archs: ["arm64"], body: ["FROM"] },
      "FROM",
    ]);
  });

  it("a file may start with a block, and a block may be empty", () => {
    expect(shape(parseDockerfile(lines("IFARCH amd64", "ENDIFARCH", "FROM a")).body)).toEqual([{ archs: ["amd64"], body: [] }, "FROM"]);
  });

  it("! negates a name", () => {
    const open = block(parseDockerfile(lines("FROM a", "IFARCH !arm64 amd64", "ENDIFARCH")).body[1]).open;
    expect(open.archs.map((a) => [a.name, a.negated])).toEqual([
      ["arm64", true],
      ["amd64", false],
    ]);
    expect(open.archs.map((a) => span(a.range))).toEqual([
      [[2, 8], [2, 14]],
      [[2, 15], [2, 20]],
    ]);
  });

  it("keywords are case-insensitive and kept as written", () => {
    const source = lines("FROM a", "ifarch amd64", "TagArch amd64", "EndIfArch");
    const b = block(parseDockerfile(source).body[1]);
    expect(b.open.keyword.value).toBe("ifarch");
    expect(b.close.keyword.value).toBe("EndIfArch");
    expect(nth(b.body, 0).kind).toBe("TAGARCH");
    expect(dump(source)).toBe('(from "a")\n(ifarch "amd64")\n(tagarch "amd64")\n(endifarch)\n');
  });

  it("an unknown architecture name is not a syntax error", () => {
    const b = block(parseDockerfile(lines("FROM a", "IFARCH banana !kiwi", "TAGARCH banana", "ENDIFARCH")).body[1]);
    expect(b.open.archs.map((a) => a.name)).toEqual(["banana", "kiwi"]);
  });

  it("names are split on blanks and may sit on continuation lines", () => {
    const b = block(parseDockerfile(lines("FROM a", "IFARCH amd64 \\", "  arm64", "ENDIFARCH")).body[1]);
    expect(b.open.archs.map((a) => [a.name, span(a.range)])).toEqual([
      ["amd64", [[2, 8], [2, 13]]],
      ["arm64", [[3, 3], [3, 8]]],
    ]);
  });

  it("TAGARCH may sit in a nested block", () => {
    const source = lines("FROM a", "IFARCH arm", "IFARCH arm7", "TAGARCH arm7", "ENDIFARCH", "ENDIFARCH");
    expect(shape(parseDockerfile(source).body)).toEqual(["FROM", { archs: ["arm"], body: [{ archs: ["arm7"], body: ["TAGARCH"] }] }]);
  });

  it("comments above IFARCH belong to it", () => {
    const b = block(parseDockerfile(lines("FROM a", "# only on x86", "IFARCH amd64", "ENDIFARCH")).body[1]);
    expect(b.open.comments).toEqual(["only on x86"]);
  });
});

describe("errors", () => {
  it("TAGARCH outside every block", () => {
    const error = syntaxError(lines("FROM a", "TAGARCH amd64"));
    expect(error.message).toMatch(/TAGARCH outside an IFARCH block/);
    expect(span(error.range)).toEqual([[2, 1], [2, 14]]);
  });

  it("TAGARCH after a block has closed points back at the close", () => {
    const error = syntaxError(lines("FROM a", "IFARCH a", "ENDIFARCH", "TAGARCH a"));
    expect(error.range.start.line).toBe(4);
    expect(error.related.map((r) => r.range.start.line)).toEqual([3]);
  });

  it("an unclosed IFARCH: the error is at IFARCH, related points at the end of the file", () => {
    const source = lines("FROM a", "IFARCH amd64", "RUN a");
    const error = syntaxError(source);
    expect(error.message).toMatch(/IFARCH without a matching ENDIFARCH/);
    expect(span(error.range)).toEqual([[2, 1], [2, 13]]);
    expect(error.related).toHaveLength(1);
    expect(error.related[0]?.range.start.offset).toBe(source.length);
    expect(error.related[0]?.range.end.offset).toBe(source.length);
  });

  it("with nested unclosed blocks the innermost is reported", () => {
    const error = syntaxError(lines("FROM a", "IFARCH a", "IFARCH b", "ENDIFARCH", "IFARCH c"));
    expect(error.range.start.line).toBe(5);
  });

  it("a stray ENDIFARCH", () => {
    const error = syntaxError(lines("FROM a", "ENDIFARCH"));
    expect(error.message).toMatch(/ENDIFARCH without a matching IFARCH/);
    expect(error.range.start.line).toBe(2);
  });

  it("one ENDIFARCH too many points back at the last close", () => {
    const error = syntaxError(lines("FROM a", "IFARCH a", "ENDIFARCH", "ENDIFARCH"));
    expect(error.range.start.line).toBe(4);
    expect(error.related.map((r) => r.range.start.line)).toEqual([3]);
  });

  it("IFARCH with no names", () => {
    const error = syntaxError(lines("FROM a", "IFARCH", "ENDIFARCH"));
    expect(error.message).toMatch(/at least one architecture/);
    expect(error.range.start.line).toBe(2);
  });

  it("TAGARCH with no names", () => {
    expect(syntaxError(lines("FROM a", "IFARCH a", "TAGARCH", "ENDIFARCH")).message).toMatch(/at least one architecture/);
  });

  it("ENDIFARCH with arguments", () => {
    const error = syntaxError(lines("FROM a", "IFARCH a", "ENDIFARCH a"));
    expect(error.message).toMatch(/takes no arguments/);
    expect(span(error.range)).toEqual([[3, 11], [3, 12]]);
  });

  it("IFARCH, TAGARCH and ENDIFARCH take no flags", () => {
    const error = syntaxError(lines("FROM a", "IFARCH --x amd64", "ENDIFARCH"));
    expect(error.message).toMatch(/IFARCH does not take flags/);
    expect(span(error.range)).toEqual([[2, 8], [2, 11]]);
    expect(syntaxError(lines("FROM a", "IFARCH a", "TAGARCH --y=1 a", "ENDIFARCH")).message).toMatch(/TAGARCH does not take flags/);
    expect(syntaxError(lines("FROM a", "IFARCH a", "ENDIFARCH --z")).message).toMatch(/ENDIFARCH does not take flags/);
  });

  it("a lone ! is not a name", () => {
    expect(syntaxError(lines("FROM a", "IFARCH !", "ENDIFARCH")).message).toMatch(/architecture name after '!'/);
  });

  it("TAGARCH cannot negate", () => {
    expect(syntaxError(lines("FROM a", "IFARCH a", "TAGARCH !a", "ENDIFARCH")).message).toMatch(/cannot negate/);
  });

  it.each(["IFARCH amd64", "ENDIFARCH", "TAGARCH amd64", "ifarch amd64"])("ONBUILD %s", (trigger) => {
    const error = syntaxError(lines("FROM a", `ONBUILD ${trigger}`));
    expect(error.message).toMatch(/cannot be used as an ONBUILD trigger/);
    expect(error.range.start).toMatchObject({ line: 2, column: 9 });
  });
});
