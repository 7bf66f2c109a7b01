/**
 * Robustness: for any instruction parsed from arbitrary Dockerfile-like text,
 * `toCommand` returns a command of the instruction's kind or throws an
 * InstructionError that points inside the instruction, never anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InstructionError, toCommand } from "../../../src/compile/instructions/index.js";
import { DockerfileSyntaxError, instructionsOf, parseDockerfile } from "../../../src/syntax/index.js";

const KEYWORDS = [
  "FROM", "RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK", "ADD", "COPY", "VOLUME", "EXPOSE", "ARG", "ENV",
  "LABEL", "MAINTAINER", "USER", "WORKDIR", "STOPSIGNAL", "ONBUILD", "FOO", "run", "Copy",
];
const FRAGMENTS = [
  " ", " ", " ", "\t", "\\\n", "\n", "a", "/x", "1", "=", ",", "$", "${A}", "${", "'", '"', "\\", "`", "<<EOF", "<<-EOF", "EOF\n",
  "[", "]", '["a", "b"]', "[]", "--", "--mount=", "type=", "cache", "bind", "tmpfs", "secret", "ssh", "target=/t", "id=x",
  "source=s", "from=$S", "ro", "rw", "required", "sharing=locked", "mode=0755", "uid=1", "size=1g", "env=E", "--network=none",
  "--security=insecure", "--chmod=644", "--chown=a", "--from=b", "--link", "--link=false", "--parents", "--exclude=x",
  "--checksum=sha256:0", "--keep-git-dir", "--unpack", "--platform=linux/arm64", "--interval=5s", "--timeout=1x",
  "--retries=-1", "--start-period=0", "--bogus", "AS", "as", "NONE", "CMD", "é", "\u00a0",
];
const fragmentSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }).map((parts) => parts.join(""));
const line = fc.tuple(fc.constantFrom(...KEYWORDS), fragmentSoup).map(([keyword, rest]) => `${keyword} ${rest}`);
const dockerfileText = fc
  .tuple(fc.constantFrom("", "# escape=`\n"), fc.array(line, { minLength: 1, maxLength: 6 }))
  .map(([directive, lines]) => directive + lines.join("\n") + "\n");

function convertsOrFailsCleanly(text: string): void {
  let dockerfile;
  try {
    dockerfile = parseDockerfile(text);
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) return;
    throw error;
  }
  for (const instruction of instructionsOf(dockerfile.body)) {
    if (instruction.kind === "IFARCH" || instruction.kind === "ENDIFARCH" || instruction.kind === "TAGARCH") continue;
    try {
      const command = toCommand(instruction, { escape: dockerfile.escape });
      expect(command.kind).toBe(instruction.kind);
    } catch (error) {
      if (!(error instanceof InstructionError)) throw error;
      // The error points inside the instruction.
      expect(error.range.start.offset).toBeGreaterThanOrEqual(instruction.range.start.offset);
      expect(error.range.end.offset).toBeLessThanOrEqual(instruction.range.end.offset);
    }
  }
}

describe("toCommand robustness", () => {
  it("returns a command or throws InstructionError on Dockerfile-like text", () => {
    fc.assert(fc.property(dockerfileText, convertsOrFailsCleanly), { numRuns: 3000 });
  });

  it("returns a command or throws InstructionError on arbitrary strings after a keyword", () => {
    const text = fc.tuple(fc.constantFrom(...KEYWORDS), fc.string({ unit: "binary", maxLength: 80 })).map(([keyword, rest]) => `${keyword} ${rest}\n`);
    fc.assert(fc.property(text, convertsOrFailsCleanly), { numRuns: 2000 });
  });
});
