/**
 * How each instruction's arguments are read (BuildKit's line_parsers.go):
 * JSON (exec) versus shell form, words, key/value pairs, whole-text values.
 */
import { describe, expect, it } from "vitest";
import type { CommandForm } from "../../src/syntax/index.js";
import { as, dump, instructions, lines, nth, span, syntaxError } from "./helpers.js";

/** The second instruction of `FROM a` + `line`. */
const second = (line: string) => nth(instructions(lines("FROM a", line)), 1);
/** The dump of `line` alone (after `FROM a`). */
const dumpOf = (line: string) => dump(lines("FROM a", line)).slice('(from "a")\n'.length);

function formOf(command: CommandForm): [string, ...string[]] {
  switch (command.form) {
    case "exec":
      return ["exec", ...command.args.map((a) => a.value)];
    case "shell":
      return ["shell", command.script.value];
    case "none":
      return ["none"];
  }
}

describe("RUN, CMD, ENTRYPOINT, SHELL: JSON or shell", () => {
  it.each(["RUN", "CMD", "ENTRYPOINT", "SHELL"] as const)("%s with a JSON array of strings is exec form", (keyword) => {
    const instruction = second(`${keyword} ["/bin/sh", "-c", "echo hi"]`);
    expect(instruction.kind).toBe(keyword);
    if ("command" in instruction) expect(formOf(instruction.command)).toEqual(["exec", "/bin/sh", "-c", "echo hi"]);
    expect(dumpOf(`${keyword} ["/bin/sh", "-c", "echo hi"]`)).toBe(`(${keyword.toLowerCase()} "/bin/sh" "-c" "echo hi")\n`);
  });

  it.each(["RUN", "CMD", "ENTRYPOINT", "SHELL"] as const)("%s with other text is shell form: the whole text, one value", (keyword) => {
    const instruction = second(`${keyword} echo   "a b"  'c'`);
    if ("command" in instruction) expect(formOf(instruction.command)).toEqual(["shell", `echo   "a b"  'c'`]);
  });

  it("blanks around and inside the JSON array are allowed", () => {
    expect(formOf(as(second('RUN   [ "a" ,"b" ]  '), "RUN").command)).toEqual(["exec", "a", "b"]);
  });

  it("JSON escapes are decoded", () => {
    expect(formOf(as(second(String.raw`CMD ["a\"b", "c\\d", "\u00e9", "\t"]`), "CMD").command)).toEqual(["exec", 'a"b', "c\\d", "é", "\t"]);
  });

  it.each([
    ["[", "unterminated bracket"],
    ['["a" "b"]', "missing comma"],
    ["['a']", "single quotes"],
    ['["a",]', "trailing comma"],
    ['["a"] && b', "text after the array"],
    ['["unterminated]', "unterminated string"],
    ['{"a": "b"}', "an object"],
  ])("invalid JSON falls back to shell form: %s (%s)", (text) => {
    expect(formOf(as(second(`RUN ${text}`), "RUN").command)).toEqual(["shell", text]);
  });

  it("a JSON array holding a non-string is an error", () => {
    for (const text of ['["a", 1]', '["a", null]', '["a", true]', '["a", ["b"]]', '["a", {}]']) {
      const error = syntaxError(lines("FROM a", `CMD ${text}`));
      expect(error.message).toBe("when using JSON array syntax, arrays must be comprised of strings only");
      expect(error.range.start.line).toBe(2);
    }
  });

  it("[] is exec form with no arguments", () => {
    const run = as(second("RUN []"), "RUN");
    expect(run.command).toEqual({ form: "exec", args: [] });
    expect(dumpOf("CMD []")).toBe("(cmd)\n");
  });

  it("no text at all is form none", () => {
    expect(as(second("RUN"), "RUN").command).toEqual({ form: "none" });
    expect(dumpOf("ENTRYPOINT")).toBe("(entrypoint)\n");
  });

  it("exec-form words point at their string literals", () => {
    const cmd = as(second('CMD ["a", "bc"]'), "CMD");
    if (cmd.command.form !== "exec") throw new Error("expected exec form");
    expect(cmd.command.args.map((a) => span(a.range))).toEqual([
      [[2, 6], [2, 9]],
      [[2, 11], [2, 15]],
    ]);
  });
});

describe("ADD, COPY, VOLUME: JSON or words", () => {
  it.each(["ADD", "COPY", "VOLUME"] as const)("%s with a JSON array uses its strings", (keyword) => {
    const instruction = second(`${keyword} ["a b", "c"]`);
    if ("json" in instruction) {
      expect(instruction.json).toBe(true);
      expect(instruction.args.map((a) => a.value)).toEqual(["a b", "c"]);
    } else {
      throw new Error(`unexpected ${instruction.kind}`);
    }
  });

  it.each(["ADD", "COPY", "VOLUME"] as const)("%s otherwise splits on blanks, keeping quotes", (keyword) => {
    const instruction = second(`${keyword}  a  "b c"\td`);
    if ("json" in instruction) {
      expect(instruction.json).toBe(false);
      expect(instruction.args.map((a) => a.value)).toEqual(["a", '"b', 'c"', "d"]);
    } else {
      throw new Error(`unexpected ${instruction.kind}`);
    }
  });

  it("a word that only looks like JSON is a word", () => {
    expect(dumpOf("COPY [a] b")).toBe('(copy "[a]" "b")\n');
  });

  it("a JSON array with a non-string is an error for COPY too", () => {
    expect(syntaxError(lines("FROM a", 'COPY ["a", 2]')).message).toMatch(/must be comprised of strings only/);
  });

  it("the JSON form dumps like the word form", () => {
    expect(dumpOf('VOLUME ["/a", "/b"]')).toBe(dumpOf("VOLUME /a /b"));
  });
});

describe("FROM and EXPOSE: words", () => {
  it("FROM image AS name", () => {
    expect(dumpOf("FROM --platform=$BUILDPLATFORM golang:1.22 AS build")).toBe('(from ["--platform=$BUILDPLATFORM"] "golang:1.22" "AS" "build")\n');
  });

  it("EXPOSE several ports", () => {
    const expose = as(second("EXPOSE 80  443/udp\t8080"), "EXPOSE");
    expect(expose.args.map((a) => a.value)).toEqual(["80", "443/udp", "8080"]);
  });
});

describe("ENV and LABEL", () => {
  it("the modern form has name=value pairs", () => {
    const env = as(second("ENV a=b c=d"), "ENV");
    expect(env.legacy).toBe(false);
    expect(env.pairs.map((p) => [p.key.value, p.value.value])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(dumpOf("ENV a=b c=d")).toBe('(env "a" "b" "=" "c" "d" "=")\n');
  });

  it("quotes and escapes stay in the values; a quoted blank does not split", () => {
    const env = as(second(String.raw`ENV a="b c" d=e\ f g='h i' j=`), "ENV");
    expect(env.pairs.map((p) => [p.key.value, p.value.value])).toEqual([
      ["a", '"b c"'],
      ["d", "e\\ f"],
      ["g", "'h i'"],
      ["j", ""],
    ]);
  });

  it("only the first = splits a pair", () => {
    expect(dumpOf("LABEL a=b=c")).toBe('(label "a" "b=c" "=")\n');
  });

  it("a quoted key is kept with its quotes", () => {
    expect(dumpOf('LABEL "com.example.vendor"="ACME Inc" version=1.0')).toBe(
      '(label "\\"com.example.vendor\\"" "\\"ACME Inc\\"" "=" "version" "1.0" "=")\n',
    );
  });

  it("the legacy form is one pair: the name, then the rest of the line", () => {
    const env = as(second("ENV a b  c"), "ENV");
    expect(env.legacy).toBe(true);
    expect(env.pairs.map((p) => [p.key.value, p.value.value])).toEqual([["a", "b  c"]]);
    expect(dumpOf("ENV a b  c")).toBe('(env "a" "b  c" "")\n');
  });

  it("the legacy form keeps = signs in the value", () => {
    expect(dumpOf("ENV PATH /a:/b c=d")).toBe('(env "PATH" "/a:/b c=d" "")\n');
  });

  it("ENV with a name and nothing else is an error", () => {
    const error = syntaxError(lines("FROM a", "ENV PATH"));
    expect(error.message).toBe("ENV must have two arguments");
    expect(error.range.start.line).toBe(2);
  });

  it("LABEL with a name and nothing else is an error", () => {
    expect(syntaxError(lines("FROM a", "LABEL x")).message).toBe("LABEL must have two arguments");
  });

  it("a word without = after a pair is an error", () => {
    const error = syntaxError(lines("FROM a", "ENV a=b c"));
    expect(error.message).toBe(`Syntax error - can't find = in "c". Must be of the form: name=value`);
  });

  it("ENV and LABEL with no text have no pairs", () => {
    expect(as(second("ENV"), "ENV").pairs).toEqual([]);
    expect(dumpOf("LABEL")).toBe("(label)\n");
  });
});

describe("ARG", () => {
  it("names with and without defaults, quotes kept", () => {
    const arg = as(second('ARG a b=c d="e f" g= h=\'i\''), "ARG");
    expect(arg.args.map((d) => [d.name, d.value])).toEqual([
      ["a", null],
      ["b", "c"],
      ["d", '"e f"'],
      ["g", ""],
      ["h", "'i'"],
    ]);
    expect(dumpOf('ARG a b=c d="e f" g=')).toBe('(arg "a" "b=c" "d=\\"e f\\"" "g=")\n');
  });

  it("ARG with nothing is allowed by the parser", () => {
    expect(as(second("ARG"), "ARG").args).toEqual([]);
  });

  it("each declaration has the range of its word", () => {
    const arg = as(second("ARG a  b=c"), "ARG");
    expect(arg.args.map((d) => span(d.range))).toEqual([
      [[2, 5], [2, 6]],
      [[2, 8], [2, 11]],
    ]);
  });
});

describe("HEALTHCHECK", () => {
  it("NONE", () => {
    const check = as(second("HEALTHCHECK NONE"), "HEALTHCHECK");
    expect(check.type?.value).toBe("NONE");
    expect(check.command).toEqual({ form: "none" });
    expect(dumpOf("HEALTHCHECK NONE")).toBe('(healthcheck "NONE")\n');
  });

  it("CMD in shell form", () => {
    const check = as(second("HEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1"), "HEALTHCHECK");
    expect(check.flags.map((f) => [f.name, f.value])).toEqual([["interval", "5s"]]);
    expect(check.type?.value).toBe("CMD");
    expect(formOf(check.command)).toEqual(["shell", "curl -f http://localhost/ || exit 1"]);
  });

  it("CMD in exec form", () => {
    expect(dumpOf('HEALTHCHECK CMD ["curl", "-f", "x"]')).toBe('(healthcheck "CMD" "curl" "-f" "x")\n');
  });

  it("any other type word is kept for the compiler to judge", () => {
    expect(dumpOf("HEALTHCHECK FOO bar")).toBe('(healthcheck "FOO" "bar")\n');
  });

  it("nothing after the keyword", () => {
    const check = as(second("HEALTHCHECK"), "HEALTHCHECK");
    expect(check.type).toBeNull();
    expect(dumpOf("HEALTHCHECK")).toBe("(healthcheck)\n");
  });

  it("a non-string JSON element is an error here too", () => {
    expect(syntaxError(lines("FROM a", 'HEALTHCHECK CMD ["a", 1]')).message).toMatch(/strings only/);
  });
});

describe("whole-text instructions", () => {
  it.each([
    ["MAINTAINER", "Jane Doe <jane@example.com>"],
    ["USER", "app:app"],
    ["USER", "a b"],
    ["WORKDIR", "/path with spaces/x"],
    ["STOPSIGNAL", "SIGTERM"],
  ] as const)("%s %s is one value", (keyword, text) => {
    const instruction = second(`${keyword}   ${text}  `);
    if (!("text" in instruction)) throw new Error(`unexpected ${instruction.kind}`);
    expect(instruction.text?.value).toBe(text);
    expect(dumpOf(`${keyword} ${text}`)).toBe(`(${keyword.toLowerCase()} ${JSON.stringify(text)})\n`);
  });

  it("with no text the value is null", () => {
    expect(as(second("WORKDIR"), "WORKDIR").text).toBeNull();
    expect(dumpOf("USER")).toBe("(user)\n");
  });
});

describe("ONBUILD", () => {
  it("parses its trigger as an instruction", () => {
    const onbuild = as(second("ONBUILD RUN echo hi"), "ONBUILD");
    const run = as(onbuild.trigger, "RUN");
    expect(formOf(run.command)).toEqual(["shell", "echo hi"]);
    expect(dumpOf("ONBUILD ADD . /app/src")).toBe('(onbuild (add "." "/app/src"))\n');
  });

  it("a trigger's errors are errors of the ONBUILD line", () => {
    expect(syntaxError(lines("FROM a", "ONBUILD ENV x")).message).toBe("ENV must have two arguments");
  });

  it("with no trigger", () => {
    expect(as(second("ONBUILD"), "ONBUILD").trigger).toBeNull();
    expect(dumpOf("ONBUILD")).toBe("(onbuild)\n");
  });

  it("the trigger's keyword keeps its own case", () => {
    const onbuild = as(second("onbuild run x"), "ONBUILD");
    expect(onbuild.keyword.value).toBe("onbuild");
    expect(as(onbuild.trigger, "RUN").keyword.value).toBe("run");
  });
});

describe("keywords", () => {
  it("are matched case-insensitively and kept as written", () => {
    const list = instructions(lines("from a", "Run x", "rUN y", "CMD z"));
    expect(list.map((i) => [i.kind, i.keyword.value])).toEqual([
      ["FROM", "from"],
      ["RUN", "Run"],
      ["RUN", "rUN"],
      ["CMD", "CMD"],
    ]);
    expect(dump(lines("from a", "Run x"))).toBe('(from "a")\n(run "x")\n');
  });

  it("an unknown keyword parses and dumps with one empty argument", () => {
    const unknown = second("FOO bar baz");
    expect(unknown.kind).toBe("UNKNOWN");
    expect(as(unknown, "UNKNOWN").text?.value).toBe("bar baz");
    expect(dumpOf("FOO bar baz")).toBe('(foo "")\n');
  });

  it("an unknown keyword keeps its flags", () => {
    expect(dumpOf("FOO --x=1 bar")).toBe('(foo ["--x=1"] "")\n');
  });

  it("the keyword ends at a tab too", () => {
    expect(dumpOf("RUN\techo")).toBe('(run "echo")\n');
  });

  it("leading blanks before the keyword are ignored", () => {
    const run = second("   \tRUN x");
    expect(run.kind).toBe("RUN");
    expect(span(run.keyword.range)).toEqual([[2, 5], [2, 8]]);
  });
});

describe("the escape character inside words", () => {
  it("ENV and ARG words use the file's escape character", () => {
    const source = lines("# escape=`", "FROM a", "ENV a=b` c d=e", "ARG x=y` z");
    expect(dump(source)).toBe('(from "a")\n(env "a" "b` c" "=" "d" "e" "=")\n(arg "x=y` z")\n');
  });

  it("with the backtick escape, a backslash does not protect a blank", () => {
    const error = syntaxError(lines("# escape=`", "FROM a", "ENV a=b\\ c"));
    expect(error.message).toBe(`Syntax error - can't find = in "c". Must be of the form: name=value`);
  });

  it("an escaped quote does not open a quote", () => {
    const env = as(nth(instructions(lines("FROM a", 'ENV a=\\"b c=d')), 1), "ENV");
    expect(env.pairs.map((p) => [p.key.value, p.value.value])).toEqual([
      ["a", '\\"b'],
      ["c", "d"],
    ]);
  });

  it("a lone escape at the very end of the words is dropped", () => {
    // `b\\\` does not continue the line (the last escape follows another), so
    // the words end with `\\` (an escaped escape) and then a lone escape.
    expect(dump(lines("FROM a", "ARG a b\\\\\\"))).toBe('(from "a")\n(arg "a" "b\\\\\\\\")\n');
  });
});

describe("BuildKit's dump trims each instruction", () => {
  it("an instruction with an empty keyword dumps as (\"\")", () => {
    expect(dump("FROM a\n\\\n")).toBe('(from "a")\n("")\n');
  });
});

describe("ONBUILD trigger text", () => {
  it("the trigger's original text is what follows ONBUILD and its flags", () => {
    const onbuild = as(nth(instructions(lines("FROM a", "ONBUILD --x RUN  echo \\", " hi")), 1), "ONBUILD");
    expect(onbuild.original).toBe("ONBUILD --x RUN  echo  hi");
    expect(onbuild.trigger?.original).toBe("RUN  echo  hi");
  });
});
