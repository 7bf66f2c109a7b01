/**
 * `--flags` at the start of an instruction's arguments (BuildKit's
 * `extractBuilderFlags`): recognised on every instruction, only while each
 * word starts with `--`; quotes are removed; a bare `--` ends them.
 */
import { describe, expect, it } from "vitest";
import { flagText, type Instruction } from "../../src/syntax/index.js";
import { as, dump, instructions, lines, nth, span } from "./helpers.js";

const second = (line: string): Instruction => nth(instructions(lines("FROM a", line)), 1);
const flags = (instruction: Instruction) => instruction.flags.map((f) => [f.name, f.value]);
const dumpOf = (line: string) => dump(lines("FROM a", line)).slice('(from "a")\n'.length);

describe("recognising flags", () => {
  it("--name=value and --name", () => {
    const run = second("RUN --a=b --c echo hi");
    expect(flags(run)).toEqual([
      ["a", "b"],
      ["c", null],
    ]);
    expect(as(run, "RUN").command).toMatchObject({ form: "shell", script: { value: "echo hi" } });
    expect(dumpOf("RUN --a=b --c echo hi")).toBe('(run ["--a=b" "--c"] "echo hi")\n');
  });

  it("the value is everything after the first =", () => {
    expect(flags(second("RUN --mount=type=bind,source=a,target=/b x"))).toEqual([["mount", "type=bind,source=a,target=/b"]]);
  });

  it("an empty value is an empty string, not null", () => {
    expect(flags(second("COPY --chown= a b"))).toEqual([["chown", ""]]);
  });

  it("quotes are removed and keep blanks inside the flag", () => {
    const run = second('RUN --mount="type=cache,target=/x y" echo');
    expect(flags(run)).toEqual([["mount", "type=cache,target=/x y"]]);
    expect(dumpOf('RUN --mount="type=cache,target=/x y" echo')).toBe('(run ["--mount=type=cache,target=/x y"] "echo")\n');
    expect(flags(second("RUN --a='b c'd x"))).toEqual([["a", "b cd"]]);
  });

  it("a backslash escapes the next character inside a flag", () => {
    expect(flags(second("RUN --a=b\\ c x"))).toEqual([["a", "b c"]]);
  });

  it("flagText gives the flag back as BuildKit reports it", () => {
    expect(second("RUN --a=b --c x").flags.map(flagText)).toEqual(["--a=b", "--c"]);
  });

  it("-- ends the flags and is dropped", () => {
    const run = second("RUN --a -- --not-a-flag");
    expect(flags(run)).toEqual([["a", null]]);
    expect(dumpOf("RUN --a -- --not-a-flag")).toBe('(run ["--a"] "--not-a-flag")\n');
  });

  it("a lone -- leaves no flags and no arguments", () => {
    expect(dumpOf("RUN --")).toBe("(run)\n");
  });

  it("flags are recognised only at the start of the arguments", () => {
    expect(flags(second("RUN echo --foo"))).toEqual([]);
    expect(dumpOf("COPY a --from=b c")).toBe('(copy "a" "--from=b" "c")\n');
    expect(dumpOf("RUN --a echo --b")).toBe('(run ["--a"] "echo --b")\n');
  });

  it("a single dash is not a flag", () => {
    expect(flags(second("RUN -x y"))).toEqual([]);
    expect(flags(second("RUN - x"))).toEqual([]);
  });

  it("flags with nothing after them leave empty arguments", () => {
    const run = as(second("RUN --network=none"), "RUN");
    expect(flags(run)).toEqual([["network", "none"]]);
    expect(run.command).toEqual({ form: "none" });
  });

  it("a flag followed by a JSON array: the array is still exec form", () => {
    const run = as(second('RUN --network=none ["a", "b"]'), "RUN");
    expect(run.command.form).toBe("exec");
  });
});

describe("flags on any instruction", () => {
  it.each([
    ["FROM --platform=linux/arm64 b", "FROM", [["platform", "linux/arm64"]]],
    ["COPY --from=build --chmod=0755 a b", "COPY", [["from", "build"], ["chmod", "0755"]]],
    ["ADD --checksum=sha256:abc https://x/y /z", "ADD", [["checksum", "sha256:abc"]]],
    ["WORKDIR --x /a", "WORKDIR", [["x", null]]],
    ["ENV --x a=b", "ENV", [["x", null]]],
    ["EXPOSE --y=1 80", "EXPOSE", [["y", "1"]]],
    ["HEALTHCHECK --retries=3 CMD true", "HEALTHCHECK", [["retries", "3"]]],
  ] as const)("%s", (line, kind, expected) => {
    const instruction = second(line);
    expect(instruction.kind).toBe(kind);
    expect(flags(instruction)).toEqual(expected);
  });
});

describe("ONBUILD", () => {
  it("the trigger's flags belong to the trigger", () => {
    const onbuild = as(second("ONBUILD RUN --mount=type=secret,id=a echo"), "ONBUILD");
    expect(onbuild.flags).toEqual([]);
    expect(flags(as(onbuild.trigger, "RUN"))).toEqual([["mount", "type=secret,id=a"]]);
    expect(dumpOf("ONBUILD RUN --mount=type=secret,id=a echo")).toBe('(onbuild (run ["--mount=type=secret,id=a"] "echo"))\n');
  });

  it("flags before the trigger keyword belong to ONBUILD", () => {
    const onbuild = as(second("ONBUILD --o COPY --from=x a b"), "ONBUILD");
    expect(flags(onbuild)).toEqual([["o", null]]);
    expect(flags(as(onbuild.trigger, "COPY"))).toEqual([["from", "x"]]);
  });
});

describe("flag ranges", () => {
  it("each flag points at its text, quotes included", () => {
    const run = second('RUN  --a=b  --c="d e" x');
    expect(run.flags.map((f) => span(f.range))).toEqual([
      [[2, 6], [2, 11]],
      [[2, 13], [2, 22]],
    ]);
  });

  it("a flag on a continuation line points at that line", () => {
    const copy = nth(instructions(lines("FROM a", "COPY \\", "    --from=build \\", "    a b")), 1);
    expect(copy.flags.map((f) => span(f.range))).toEqual([[[3, 5], [3, 17]]]);
    expect(as(copy, "COPY").args.map((a) => span(a.range))).toEqual([
      [[4, 5], [4, 6]],
      [[4, 7], [4, 8]],
    ]);
  });

  it("ranges count UTF-16 code units after non-ASCII text", () => {
    // BuildKit's extractBuilderFlags walks the line byte by byte and turns
    // each byte into a rune, so the two UTF-8 bytes of é come out as "Ã©".
    const run = second("RUN --a=é --b x");
    expect(flags(run)).toEqual([
      ["a", "Ã©"],
      ["b", null],
    ]);
    expect(run.flags.map((f) => span(f.range))).toEqual([
      [[2, 5], [2, 10]],
      [[2, 11], [2, 14]],
    ]);
  });
});

describe("flags and the escape directive", () => {
  it("inside flags the backslash escapes whatever the file's escape character is", () => {
    const source = lines("# escape=`", "FROM a", "RUN --a=b\\ c x", "RUN --a=b` c x");
    const list = instructions(source);
    expect(flags(nth(list, 1))).toEqual([["a", "b c"]]);
    expect(flags(nth(list, 2))).toEqual([["a", "b`"]]);
    expect(as(nth(list, 2), "RUN").command).toMatchObject({ form: "shell", script: { value: "c x" } });
  });
});
