/**
 * The shell reader the multi-platform rules use: operators (longest first),
 * words whose raw spelling and value differ, globs made on demand, and
 * references inside single quotes.
 */
import { describe, expect, it } from "vitest";
import { assignmentOf, globOf, parseShell, type SimpleCommand } from "../../src/shell/script.js";

const raws = (command: SimpleCommand | undefined): string[] => (command?.args ?? []).map((word) => word.raw);

describe("parseShell", () => {
  it("reads the longest operator at each place", () => {
    const script = parseShell("cat <<<x 2>&1 &>>log | tee a >| b; c &> d <> e");
    expect(script.commands.map(raws)).toEqual([["cat"], ["tee", "a"], ["c"]]);
    expect(script.commands[0]?.redirects.map((redirect) => `${redirect.op} ${redirect.target.raw}`)).toEqual(["<<< x", ">& 1", "&>> log"]);
    expect(script.commands[1]?.redirects.map((redirect) => redirect.op)).toEqual([">|"]);
    expect(script.commands[2]?.redirects.map((redirect) => redirect.op)).toEqual(["&>", "<>"]);
  });

  it("ends a case arm at ;; ;& and ;;&", () => {
    const script = parseShell("case $a in x) one ;;& y) two ;& z) three ;; esac");
    expect(script.cases[0]?.arms.map((arm) => arm.patterns.map((word) => word.raw))).toEqual([["x"], ["y"], ["z"]]);
    expect(script.commands.map(raws)).toEqual([["one"], ["two"], ["three"]]);
  });

  it("keeps a line continuation in a word's raw text but not in its value", () => {
    const [command] = parseShell("echo ab\\\ncd plain").commands;
    expect(command?.args.map((word) => [word.raw, word.literal])).toEqual([
      ["echo", "echo"],
      ["ab\\\ncd", "abcd"],
      ["plain", "plain"],
    ]);
  });

  it("makes a glob only of unquoted pattern characters", () => {
    const [command] = parseShell(`test arm* '*' "a?" [ab]x \\*`).commands;
    const globs = (command?.args ?? []).map((word) => globOf(word)?.source ?? null);
    expect(globs).toEqual([null, "^arm.*$", null, null, "^[ab]x$", null]);
    expect(globOf(command?.args[1] as never)?.test("arm64")).toBe(true);
  });

  it("finds references in single quotes only where there is a $", () => {
    const script = parseShell(`sh -c 'echo $TARGETARCH' 'no dollar here' "$A"`);
    expect(script.refs.map((ref) => [ref.name, ref.singleQuoted])).toEqual([
      ["TARGETARCH", true],
      ["A", false],
    ]);
  });

  it("recognizes assignments by their name and =", () => {
    const [command] = parseShell("A=1 B+=2 env C=3 =x d=").commands;
    const words = [...(command?.assignments ?? []), ...(command?.args ?? [])];
    expect(words.map((word) => assignmentOf(word)?.name ?? null)).toEqual(["A", "B", null, "C", null, "d"]);
  });
});
