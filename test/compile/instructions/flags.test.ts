/** BuildKit's BFlags rules, through the instructions that declare flags, with error ranges. */
import { describe, expect, it } from "vitest";
import { FlagDeclarations } from "../../../src/compile/instructions/flags.js";
import type { Flag } from "../../../src/syntax/index.js";
import { convertAs, errorOf, textAt } from "./helpers.js";

const HERE = { line: 1, column: 1, offset: 0 };
const flag = (name: string, value: string | null): Flag => ({ name, value, range: { start: HERE, end: HERE } });
const declarations = new FlagDeclarations({ str: "string", bool: "bool", list: "strings" });

describe("flag declarations", () => {
  it("gives null, false-y or empty results for flags that were not written", () => {
    expect(declarations.parse([])).toEqual({ str: null, bool: null, list: [] });
  });

  it.each([
    [null, true],
    ["true", true],
    ["TRUE", true],
    ["True", true],
    ["false", false],
    ["FaLsE", false],
  ])("reads --bool%s as %s", (value, expected) => {
    expect(declarations.parse([flag("bool", value)]).bool?.value).toBe(expected);
  });

  it("keeps string values as written, empty ones included", () => {
    expect(declarations.parse([flag("str", "")]).str?.value).toBe("");
    expect(declarations.parse([flag("str", "a=b c")]).str?.value).toBe("a=b c");
  });

  it("collects a repeatable flag in order", () => {
    const parsed = declarations.parse([flag("list", "a"), flag("bool", null), flag("list", "b")]);
    expect(parsed.list.map((value) => value.value)).toEqual(["a", "b"]);
  });

  it.each([
    [[flag("nope", "x")], "unknown flag: --nope"],
    [[flag("", "x")], "unknown flag: --"],
    [[flag("constructor", "x")], "unknown flag: --constructor"],
    [[flag("strr", "x")], "unknown flag: --strr (did you mean str?)"],
    [[flag("str", null)], "missing a value on flag: --str"],
    [[flag("list", null)], "missing a value on flag: --list"],
    [[flag("bool", "")], "missing a value on flag: --bool"],
    [[flag("bool", "yes")], "expecting boolean value for flag --bool, not: yes"],
    [[flag("bool", "1")], "expecting boolean value for flag --bool, not: 1"],
    [[flag("str", "a"), flag("str", "b")], "duplicate flag specified: --str"],
    [[flag("bool", null), flag("bool", "false")], "duplicate flag specified: --bool"],
    // A repeated flag is a duplicate before its value is looked at.
    [[flag("bool", null), flag("bool", "maybe")], "duplicate flag specified: --bool"],
  ])("rejects %j: %s", (flags, message) => {
    expect(() => declarations.parse(flags)).toThrow(message);
  });
});

describe("flags on instructions", () => {
  it.each([
    ["COPY --chown=1 --from=b --chmod=644 --link --parents --exclude=a --exclude=b x /y", "COPY"],
    ["ADD --chown=1 --chmod=644 --link --keep-git-dir --checksum=sha256:0 --unpack --exclude=a x /y", "ADD"],
    ["RUN --mount=type=cache,target=/c --network=none --security=insecure true", "RUN"],
    ["FROM --platform=linux/arm64 alpine", "FROM"],
    ["HEALTHCHECK --interval=1s --timeout=1s --start-period=1s --start-interval=1s --retries=1 CMD true", "HEALTHCHECK"],
  ] as const)("accepts BuildKit's flags: %s", (line, kind) => {
    expect(convertAs(kind, `${line}\n`).kind).toBe(kind);
  });

  it.each([
    ["ENV --x=1 a=b", "unknown flag: --x"],
    ["LABEL --x a=b", "unknown flag: --x"],
    ["MAINTAINER --boo joe@example.com", "unknown flag: --boo"],
    ["USER --x root", "unknown flag: --x"],
    ["WORKDIR --x /w", "unknown flag: --x"],
    ["VOLUME --x /v", "unknown flag: --x"],
    ["EXPOSE --x 80", "unknown flag: --x"],
    ["CMD --doit [\"a\"]", "unknown flag: --doit"],
    ["ENTRYPOINT --x a", "unknown flag: --x"],
    ["SHELL --x [\"sh\"]", "unknown flag: --x"],
    ["ONBUILD --x RUN a", "unknown flag: --x"],
    ["FROM --platfrom=linux/amd64 alpine", "unknown flag: --platfrom (did you mean platform?)"],
    ["COPY --from x /y", "missing a value on flag: --from"],
    ["COPY --link=maybe x /y", "expecting boolean value for flag --link, not: maybe"],
    ["COPY --link= x /y", "missing a value on flag: --link"],
    ["COPY --chown=a --chown=b x /y", "duplicate flag specified: --chown"],
    ["COPY --parent x /y", "unknown flag: --parent (did you mean parents?)"],
    ["COPY --checksum=sha256:0 x /y", "unknown flag: --checksum"],
    ["ADD --from=x x /y", "unknown flag: --from"],
    ["RUN --mout=type=bind true", "unknown flag: --mout (did you mean mount?)"],
    ["RUN --network=host --network=none true", "duplicate flag specified: --network"],
    ["HEALTHCHECK --retries CMD true", "missing a value on flag: --retries"],
  ])("%s → %s", (line, message) => {
    expect(errorOf(`${line}\n`).message).toBe(message);
  });

  it("points the error at the offending flag, even on a continuation line", () => {
    const source = "COPY --link \\\n  --chown=a --chown=b x /y\n";
    const error = errorOf(source);
    expect(textAt(source, error.range)).toBe("--chown=b");
    expect(error.range.start.line).toBe(2);
  });

  it("ignores flags where BuildKit never parses them: ARG, STOPSIGNAL, HEALTHCHECK NONE", () => {
    expect(convertAs("ARG", "ARG --anything a=1\n").args).toHaveLength(1);
    expect(convertAs("STOPSIGNAL", "STOPSIGNAL --x SIGTERM\n").signal.value).toBe("SIGTERM");
    expect(convertAs("HEALTHCHECK", "HEALTHCHECK --bogus NONE\n").type).toBe("NONE");
  });

  it("stops reading flags at a bare --", () => {
    expect(convertAs("COPY", "COPY -- --x /y\n").sources.map((word) => word.value)).toEqual(["--x"]);
  });
});
