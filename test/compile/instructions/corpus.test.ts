/**
 * Every instruction of every real-world Dockerfile in corpus/real converts
 * to a command; the few BuildKit itself would reject are listed with why.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InstructionError, toCommand } from "../../../src/compile/instructions/index.js";
import { instructionsOf, parseDockerfile } from "../../../src/syntax/index.js";

const root = new URL("../../../corpus/real/", import.meta.url);
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => relative(fileURLToPath(root), join(entry.parentPath, entry.name)))
  .sort();

const FLAGS = "moby__buildkit/frontend__dockerfile__parser__testfiles__flags__Dockerfile";
const HEALTH = "moby__buildkit/frontend__dockerfile__parser__testfiles__health__Dockerfile";

/**
 * Corpus instructions BuildKit itself rejects, keyed `file:line`, with the
 * message. Both files are BuildKit's parser fixtures: they exercise the
 * syntax layer with flags and HEALTHCHECK forms no instruction accepts.
 */
const KNOWN_INVALID: Readonly<Record<string, string>> = {
  // COPY and CMD declare no --user or --doit flag.
  [`${FLAGS}:3`]: "unknown flag: --user",
  [`${FLAGS}:4`]: "unknown flag: --doit",
  [`${FLAGS}:5`]: "unknown flag: --user",
  [`${FLAGS}:6`]: "unknown flag: --doit",
  [`${FLAGS}:8`]: "unknown flag: --doit",
  [`${FLAGS}:9`]: "unknown flag: --doit",
  [`${FLAGS}:10`]: "unknown flag: --doit",
  // A bare HEALTHCHECK, CMD without a command, and a type other than CMD/NONE.
  [`${HEALTH}:4`]: "HEALTHCHECK requires at least one argument",
  [`${HEALTH}:7`]: "Missing command after HEALTHCHECK CMD",
  [`${HEALTH}:10`]: 'Unknown type "CONNECT" in HEALTHCHECK (try CMD)',
};

describe("corpus", () => {
  it.each(files)("%s converts", (file) => {
    const dockerfile = parseDockerfile(readFileSync(new URL(file, root), "utf8"));
    const failures: Record<string, string> = {};
    for (const instruction of instructionsOf(dockerfile.body)) {
      if (instruction.kind === "IFARCH" || instruction.kind === "ENDIFARCH" || instruction.kind === "TAGARCH") continue;
      try {
        const command = toCommand(instruction, { escape: dockerfile.escape });
        expect(command.source).toBe(instruction);
      } catch (error) {
        if (!(error instanceof InstructionError)) throw error;
        failures[`${file}:${error.range.start.line}`] = error.message;
      }
    }
    const expected = Object.fromEntries(Object.entries(KNOWN_INVALID).filter(([key]) => key.startsWith(`${file}:`)));
    expect(failures).toEqual(expected);
  });
});
