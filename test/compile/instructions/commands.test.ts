/** Each instruction's command: the fields it yields and every error BuildKit reports for it. */
import { describe, expect, it } from "vitest";
import { InstructionError, toCommand } from "../../../src/compile/instructions/index.js";
import { instructionsOf, parseDockerfile, SourceError } from "../../../src/syntax/index.js";
import { convert, convertAs, errorOf, lastInstruction, textAt } from "./helpers.js";

const values = (words: readonly { value: string }[]): string[] => words.map((word) => word.value);

describe("InstructionError", () => {
  it("is a SourceError named InstructionError", () => {
    const error = errorOf("FOO bar\n");
    expect(error).toBeInstanceOf(SourceError);
    expect(error.name).toBe("InstructionError");
  });
});

describe("FROM", () => {
  it("reads the image, the lower-cased stage name and the raw platform", () => {
    const from = convertAs("FROM", "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} As Build-1.x_y\n");
    expect(from.image.value).toBe("golang:${GO_VERSION}");
    expect(from.stageName?.value).toBe("build-1.x_y");
    expect(from.platform?.value).toBe("$BUILDPLATFORM");
  });

  it("has no stage name or platform unless written", () => {
    expect(convertAs("FROM", "FROM scratch\n")).toMatchObject({ stageName: null, platform: null });
  });

  it.each(["as", "AS", "aS", "a\u017f"])("accepts %j as the AS keyword (Go's EqualFold)", (as) => {
    expect(convertAs("FROM", `FROM a ${as} b\n`).stageName?.value).toBe("b");
  });

  it.each([
    ["FROM", "FROM requires either one or three arguments"],
    ["FROM a b", "FROM requires either one or three arguments"],
    ["FROM a AS", "FROM requires either one or three arguments"],
    ["FROM a IS b", "FROM requires either one or three arguments"],
    ["FROM a AS b c", "FROM requires either one or three arguments"],
    ["FROM a AS 1st", 'invalid name for build stage: "1st", name can\'t start with a number or contain symbols'],
    ["FROM a AS my/stage", 'invalid name for build stage: "my/stage", name can\'t start with a number or contain symbols'],
    ["FROM a AS $NAME", 'invalid name for build stage: "$NAME", name can\'t start with a number or contain symbols'],
    // BuildKit checks the arguments before the flags.
    ["FROM --bad a b", "FROM requires either one or three arguments"],
    ["FROM --bad a", "unknown flag: --bad"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });

  it("points a bad stage name at the name", () => {
    const source = "FROM alpine AS Bad!\n";
    expect(textAt(source, errorOf(source).range)).toBe("Bad!");
  });
});

describe("RUN", () => {
  it("keeps the command form and heredocs as parsed", () => {
    const run = convertAs("RUN", "RUN <<EOF\necho $HOME\nEOF\n");
    expect(run.command).toMatchObject({ form: "shell", script: { value: "<<EOF" } });
    expect(run.heredocs).toMatchObject([{ name: "EOF", content: "echo $HOME\n" }]);
    expect(convertAs("RUN", 'RUN ["echo", "hi"]\n').command).toMatchObject({ form: "exec", args: [{ value: "echo" }, { value: "hi" }] });
  });

  it("accepts a bare RUN, as BuildKit's instruction layer does", () => {
    expect(convertAs("RUN", "RUN\n").command).toEqual({ form: "none" });
  });
});

describe("CMD, ENTRYPOINT and SHELL", () => {
  it("keep the form as written", () => {
    expect(convertAs("CMD", "CMD echo hi\n").command).toMatchObject({ form: "shell" });
    expect(convertAs("CMD", 'CMD ["a"]\n').command).toMatchObject({ form: "exec" });
    expect(convertAs("CMD", "CMD\n").command).toEqual({ form: "none" });
    expect(convertAs("ENTRYPOINT", "ENTRYPOINT []\n").command).toMatchObject({ form: "exec", args: [] });
  });

  it("SHELL takes a JSON array", () => {
    expect(values(convertAs("SHELL", 'SHELL ["powershell", "-command"]\n').shell)).toEqual(["powershell", "-command"]);
  });

  it.each([
    ["SHELL", "SHELL requires at least one argument"],
    ["SHELL []", "SHELL requires at least one argument"],
    ["SHELL /bin/bash -c", "SHELL requires the arguments to be in JSON form"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });
});

describe("COPY and ADD", () => {
  it("splits sources and destination, raw", () => {
    const copy = convertAs("COPY", 'COPY --from=build --chown=$USER:$GROUP "a b" $SRC /dest/\n');
    expect(values(copy.sources)).toEqual(['"a', 'b"', "$SRC"]);
    expect(copy.dest.value).toBe("/dest/");
    expect(copy).toMatchObject({ from: { value: "build" }, chown: { value: "$USER:$GROUP" }, chmod: null, link: false, parents: false, exclude: [] });
  });

  it("accepts the JSON form", () => {
    const copy = convertAs("COPY", 'COPY ["a b", "c", "/d e/"]\n');
    expect(values(copy.sources)).toEqual(["a b", "c"]);
    expect(copy.dest.value).toBe("/d e/");
  });

  it("reads every COPY flag", () => {
    const copy = convertAs("COPY", "COPY --parents --link=false --chmod=0755 --exclude=*.md --exclude=.git ./a /b\n");
    expect(copy).toMatchObject({ parents: true, link: false, chmod: { value: "0755" } });
    expect(values(copy.exclude)).toEqual(["*.md", ".git"]);
  });

  it("reads every ADD flag", () => {
    const add = convertAs("ADD", "ADD --keep-git-dir --checksum=sha256:24454f83 --link --unpack=true --chmod=644 --exclude=x https://example.com/a.tar.gz /a\n");
    expect(add).toMatchObject({ keepGitDir: true, checksum: { value: "sha256:24454f83" }, link: true, unpack: true, chmod: { value: "644" } });
    expect(convertAs("ADD", "ADD a /b\n")).toMatchObject({ keepGitDir: false, checksum: null, unpack: null });
  });

  it("turns heredoc markers into inline sources, stripping tabs for <<-", () => {
    const copy = convertAs("COPY", "COPY <<EOF <<-'RAW' file /dest/\nhello $NAME\nEOF\n\tx\n\t\ty\n\tRAW\n");
    expect(values(copy.sources)).toEqual(["file"]);
    expect(copy.heredocSources.map(({ marker: _marker, ...rest }) => rest)).toEqual([
      { name: "EOF", content: "hello $NAME\n", expand: true },
      { name: "RAW", content: "x\ny\n", expand: false },
    ]);
  });

  it("gives a heredoc marker in JSON form an empty body, as BuildKit does", () => {
    expect(convertAs("COPY", 'COPY ["<<EOF", "/x"]\n').heredocSources).toMatchObject([{ name: "EOF", content: "" }]);
  });

  it("checks a literal --chmod now and leaves one with variables for later", () => {
    expect(convertAs("COPY", "COPY --chmod=$MODE a /b\n").chmod?.value).toBe("$MODE");
    expect(convertAs("COPY", "COPY --chmod=7777 a /b\n").chmod?.value).toBe("7777");
    expect(convertAs("COPY", "COPY --chmod= a /b\n").chmod?.value).toBe("");
  });

  it.each([
    ["COPY", "COPY requires at least two arguments, but only one was provided. Destination could not be determined"],
    ["COPY a", "COPY requires at least two arguments, but only one was provided. Destination could not be determined"],
    ["ADD a", "ADD requires at least two arguments, but only one was provided. Destination could not be determined"],
    ["COPY <<EOF\nx\nEOF", "COPY requires at least two arguments, but only one was provided. Destination could not be determined"],
    ['COPY ["a"]', "COPY requires at least two arguments, but only one was provided. Destination could not be determined"],
    ["COPY a <<EOF\nx\nEOF", "COPY cannot accept a heredoc as a destination"],
    ["ADD a <<EOF\nx\nEOF", "ADD cannot accept a heredoc as a destination"],
    ["COPY --chmod=64a a /b", "invalid chmod parameter: '64a'. it should be octal string and between 0 and 07777"],
    ["COPY --chmod=10000 a /b", "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777"],
    ["ADD --chmod=u+x a /b", "invalid chmod parameter: 'u+x'. it should be octal string and between 0 and 07777"],
    ["COPY --chmod='0800' a /b", "invalid chmod parameter: '0800'. it should be octal string and between 0 and 07777"],
    // The argument count comes before the flags.
    ["COPY --bogus a", "COPY requires at least two arguments, but only one was provided. Destination could not be determined"],
  ])("%s → %s", (text, message) => {
    expect(errorOf(`${text}\n`).message).toBe(message);
  });
});

describe("HEALTHCHECK", () => {
  it("NONE disables the check", () => {
    expect(convertAs("HEALTHCHECK", "HEALTHCHECK none\n")).toMatchObject({ type: "NONE" });
    expect(convertAs("HEALTHCHECK", "HEALTHCHECK NONE []\n")).toMatchObject({ type: "NONE" });
  });

  it("CMD reads the command and every timing", () => {
    const check = convertAs("HEALTHCHECK", "HEALTHCHECK --interval=1m30s --timeout=10s --start-period=0 --start-interval=500ms --retries=3 cmd curl -f http://localhost/\n");
    expect(check).toMatchObject({
      type: "CMD",
      command: { form: "shell", script: { value: "curl -f http://localhost/" } },
      interval: 90e9,
      timeout: 10e9,
      startPeriod: 0,
      startInterval: 5e8,
      retries: 3,
    });
    expect(convertAs("HEALTHCHECK", 'HEALTHCHECK CMD ["/check", "-q"]\n')).toMatchObject({
      command: { form: "exec" },
      interval: 0,
      timeout: 0,
      startPeriod: 0,
      startInterval: 0,
      retries: 0,
    });
  });

  it("treats empty and zero timings as unset", () => {
    expect(convertAs("HEALTHCHECK", "HEALTHCHECK --interval= --timeout=0s --retries=0 CMD true\n")).toMatchObject({ interval: 0, timeout: 0, retries: 0 });
  });

  it.each([
    ["HEALTHCHECK", "HEALTHCHECK requires at least one argument"],
    ["HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"],
    ['HEALTHCHECK NONE ["x"]', "HEALTHCHECK NONE takes no arguments"],
    ["HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"],
    ["HEALTHCHECK CMD []", "Missing command after HEALTHCHECK CMD"],
    ["HEALTHCHECK CONNECT TCP 7000", 'Unknown type "CONNECT" in HEALTHCHECK (try CMD)'],
    ["HEALTHCHECK --bogus=1 CONNECT x", "unknown flag: --bogus"],
    ["HEALTHCHECK --interval=5 CMD true", 'time: missing unit in duration "5"'],
    ["HEALTHCHECK --interval=fast CMD true", 'time: invalid duration "fast"'],
    ["HEALTHCHECK --timeout=5sec CMD true", 'time: unknown unit "sec" in duration "5sec"'],
    ["HEALTHCHECK --interval=500us CMD true", 'Interval "interval" cannot be less than 1ms'],
    ["HEALTHCHECK --start-period=-1s CMD true", 'Interval "start-period" cannot be less than 1ms'],
    ["HEALTHCHECK --start-interval=1ns CMD true", 'Interval "start-interval" cannot be less than 1ms'],
    ["HEALTHCHECK --retries=-1 CMD true", "--retries cannot be negative (-1)"],
    ["HEALTHCHECK --retries=three CMD true", 'strconv.ParseInt: parsing "three": invalid syntax'],
    ["HEALTHCHECK --retries=2147483648 CMD true", 'strconv.ParseInt: parsing "2147483648": value out of range'],
    // BuildKit checks the type before the timings.
    ["HEALTHCHECK --interval=bad CMD", "Missing command after HEALTHCHECK CMD"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });

  it("points a timing error at its flag", () => {
    const source = "HEALTHCHECK --timeout=1s --interval=1x CMD true\n";
    expect(textAt(source, errorOf(source).range)).toBe("--interval=1x");
  });
});

describe("ENV and LABEL", () => {
  it("keep the pairs raw", () => {
    const env = convertAs("ENV", 'ENV A=1 B="two words" C=$A\n');
    expect(env.pairs.map((pair) => [pair.key.value, pair.value.value])).toEqual([
      ["A", "1"],
      ["B", '"two words"'],
      ["C", "$A"],
    ]);
    expect(convertAs("ENV", "ENV PATH /usr/local/bin:$PATH\n").pairs[0]?.value.value).toBe("/usr/local/bin:$PATH");
    expect(convertAs("LABEL", 'LABEL org.opencontainers.image.title="dfc"\n').pairs).toHaveLength(1);
  });

  it.each([
    ["ENV", "ENV requires at least one argument"],
    ["LABEL", "LABEL requires at least one argument"],
    ["ENV =x", "ENV names can not be blank"],
    ["LABEL a=b =c", "LABEL names can not be blank"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });
});

describe("ARG", () => {
  it("keeps declarations with raw defaults", () => {
    const arg = convertAs("ARG", 'ARG A B=2 C="x y"\n');
    expect(arg.args.map((declaration) => [declaration.name, declaration.value])).toEqual([
      ["A", null],
      ["B", "2"],
      ["C", '"x y"'],
    ]);
  });

  it.each([
    ["ARG", "ARG requires at least one argument"],
    ["ARG =1", "ARG names can not be blank"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });
});

describe("single-value instructions", () => {
  it("keep the whole text, raw", () => {
    expect(convertAs("WORKDIR", "WORKDIR /app/$NAME\n").path.value).toBe("/app/$NAME");
    expect(convertAs("USER", "USER app:app\n").user.value).toBe("app:app");
    expect(convertAs("STOPSIGNAL", "STOPSIGNAL SIGQUIT\n").signal.value).toBe("SIGQUIT");
    expect(convertAs("MAINTAINER", "MAINTAINER Jane Doe <jane@example.com>\n").maintainer.value).toBe("Jane Doe <jane@example.com>");
  });

  it.each(["WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"])("%s with nothing → requires exactly one argument", (keyword) => {
    expect(errorOf(`${keyword}\n`).message).toBe(`${keyword} requires exactly one argument`);
  });

  it("checks the argument before the flags", () => {
    expect(errorOf("USER --x\n").message).toBe("USER requires exactly one argument");
  });
});

describe("VOLUME", () => {
  it("trims each path", () => {
    expect(values(convertAs("VOLUME", "VOLUME /data /logs\n").volumes)).toEqual(["/data", "/logs"]);
    expect(values(convertAs("VOLUME", 'VOLUME [" /data\\t", "/x"]\n').volumes)).toEqual(["/data", "/x"]);
  });

  it.each([
    ["VOLUME", "VOLUME requires at least one argument"],
    ["VOLUME []", "VOLUME requires at least one argument"],
    ['VOLUME ["/a", " "]', "VOLUME specified can not be an empty string"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });
});

describe("EXPOSE", () => {
  it("sorts the raw ports as BuildKit does (by bytes)", () => {
    expect(values(convertAs("EXPOSE", "EXPOSE 8080 443/tcp 80 $PORT 53/udp\n").ports)).toEqual(["$PORT", "443/tcp", "53/udp", "80", "8080"]);
  });

  it("needs a port", () => {
    expect(errorOf("EXPOSE\n").message).toBe("EXPOSE requires at least one argument");
  });
});

describe("ONBUILD", () => {
  it("records BuildKit's expression for the trigger", () => {
    const onbuild = convertAs("ONBUILD", "onbuild  RUN --mount=type=cache,target=/c make\n");
    expect(onbuild.expression).toBe("RUN --mount=type=cache,target=/c make");
  });

  it("appends heredoc bodies to the expression", () => {
    const onbuild = convertAs("ONBUILD", "ONBUILD COPY <<EOF /a\nhi\nEOF\n");
    expect(onbuild.expression).toBe("COPY <<EOF /a\nhi\nEOF");
  });

  it("checks only the trigger's keyword, as BuildKit does (the trigger is parsed in the child build)", () => {
    expect(convertAs("ONBUILD", "ONBUILD COPY a\n").expression).toBe("COPY a");
    expect(convertAs("ONBUILD", "ONBUILD RUNN x\n").expression).toBe("RUNN x");
  });

  it.each([
    ["ONBUILD", "ONBUILD requires at least one argument"],
    ["ONBUILD ONBUILD RUN touch foobar", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
    ["ONBUILD onbuild", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
    ["ONBUILD FROM scratch", "FROM isn't allowed as an ONBUILD trigger"],
    ["ONBUILD from a b c d", "FROM isn't allowed as an ONBUILD trigger"],
    ["ONBUILD maintainer me", "MAINTAINER isn't allowed as an ONBUILD trigger"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });

  it("points a forbidden trigger at its keyword", () => {
    const source = "ONBUILD   FROM x\n";
    expect(textAt(source, errorOf(source).range)).toBe("FROM");
  });
});

describe("unknown instructions", () => {
  it.each([
    ["FOO bar", "unknown instruction: FOO (did you mean FROM?)"],
    ["foo bar", "unknown instruction: foo (did you mean from?)"],
    ["BANANA bar", "unknown instruction: BANANA"],
    ["RUNN x", "unknown instruction: RUNN (did you mean RUN?)"],
    ["copyy a b", "unknown instruction: copyy (did you mean copy?)"],
    // Mixed case gets the lower-case spelling, as in BuildKit's matchCase.
    ["Entrypont x", "unknown instruction: Entrypont (did you mean entrypoint?)"],
    ["WORKDIRECTORY /x", "unknown instruction: WORKDIRECTORY"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });

  it("points at the keyword", () => {
    const source = "FROM a\n  FOOO bar\n";
    const error = errorOf(source);
    expect(textAt(source, error.range)).toBe("FOOO");
    expect(error.range.start).toMatchObject({ line: 2, column: 3 });
  });
});

describe("block instructions", () => {
  it("throws a plain Error for IFARCH, TAGARCH and ENDIFARCH", () => {
    const blocks = instructionsOf(parseDockerfile("IFARCH amd64\nTAGARCH amd64\nENDIFARCH\n").body);
    expect(blocks.map((instruction) => instruction.kind)).toEqual(["IFARCH", "TAGARCH", "ENDIFARCH"]);
    for (const instruction of blocks) {
      expect(() => toCommand(instruction)).toThrow(/block structure/);
      expect(() => toCommand(instruction)).not.toThrow(InstructionError);
    }
  });
});

describe("source", () => {
  it("is the instruction itself", () => {
    const instruction = lastInstruction("COPY a b\n");
    expect(toCommand(instruction).source).toBe(instruction);
    expect(convert("WORKDIR /x\n").source.kind).toBe("WORKDIR");
  });
});
