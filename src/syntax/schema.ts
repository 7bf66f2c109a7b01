/**
 * The JSON form of the syntax tree (`dfc parse --format json`), as a zod
 * schema: the contract for tools that read dfc's output. `dfc schema ast`
 * prints it as JSON Schema. The tests validate the parser's real output for
 * every corpus file against it, so it cannot drift from `ast.ts`.
 */
import { z } from "zod";
import { AST_SCHEMA_VERSION } from "./schema-version.js";

export { AST_SCHEMA_VERSION };

const position = z.object({
  line: z.number().int().min(1).describe("1-based line"),
  column: z.number().int().min(1).describe("1-based column, in UTF-16 code units"),
  offset: z.number().int().min(0).describe("0-based offset, in UTF-16 code units, after a byte-order mark"),
});

const range = z.object({ start: position, end: position.describe("exclusive") }).meta({ id: "Range" });

const word = z.object({ value: z.string().describe("raw text: quotes and escapes kept, nothing expanded"), range }).meta({ id: "Word" });

const flag = z.object({
  name: z.string().describe("without the leading --"),
  value: z.string().nullable().describe("text after the first '=', null when there is none"),
  range,
});

const heredoc = z.object({
  name: z.string(),
  fd: z.number().int().min(0),
  chomp: z.boolean().describe("<<- : leading tabs are stripped"),
  expand: z.boolean().describe("false when the name was quoted"),
  content: z.string().describe("body lines with their line endings"),
  range,
});

const command = z.discriminatedUnion("form", [
  z.object({ form: z.literal("exec"), args: z.array(word) }),
  z.object({ form: z.literal("shell"), script: word }),
  z.object({ form: z.literal("none") }),
]);

const archName = z.object({ name: z.string(), negated: z.boolean(), range });

const base = {
  keyword: word.describe("the keyword as written"),
  flags: z.array(flag),
  range,
  comments: z.array(z.string()).describe("comment lines directly above"),
  original: z.string().describe("the instruction text with continuations joined"),
};

const instruction: z.ZodType<unknown> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ ...base, kind: z.literal("RUN"), command, heredocs: z.array(heredoc) }),
    z.object({ ...base, kind: z.enum(["CMD", "ENTRYPOINT", "SHELL"]), command }),
    z.object({ ...base, kind: z.literal("HEALTHCHECK"), type: word.nullable(), command }),
    z.object({ ...base, kind: z.enum(["ADD", "COPY"]), json: z.boolean(), args: z.array(word), heredocs: z.array(heredoc) }),
    z.object({ ...base, kind: z.literal("VOLUME"), json: z.boolean(), args: z.array(word) }),
    z.object({ ...base, kind: z.enum(["FROM", "EXPOSE"]), args: z.array(word) }),
    z.object({
      ...base,
      kind: z.literal("ARG"),
      args: z.array(z.object({ name: z.string(), value: z.string().nullable(), range })),
    }),
    z.object({ ...base, kind: z.enum(["ENV", "LABEL"]), legacy: z.boolean(), pairs: z.array(z.object({ key: word, value: word })) }),
    z.object({ ...base, kind: z.enum(["MAINTAINER", "USER", "WORKDIR", "STOPSIGNAL"]), text: word.nullable() }),
    z.object({ ...base, kind: z.literal("ONBUILD"), trigger: instruction.nullable() }),
    z.object({ ...base, kind: z.enum(["IFARCH", "TAGARCH"]), archs: z.array(archName) }),
    z.object({ ...base, kind: z.literal("ENDIFARCH") }),
    z.object({ ...base, kind: z.literal("UNKNOWN"), text: word.nullable() }),
  ]).meta({ id: "Instruction" }),
);

const statement: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    instruction,
    z.object({ kind: z.literal("ARCH_BLOCK"), open: instruction, body: z.array(statement), close: instruction, range }),
  ]).meta({ id: "Statement" }),
);

export const dockerfileSchema = z.object({
  directives: z.array(z.object({ name: z.enum(["syntax", "escape", "check"]), value: z.string(), range })),
  escape: z.enum(["\\", "`"]),
  body: z.array(statement),
  warnings: z.array(z.object({ rule: z.literal("NoEmptyContinuation"), message: z.string(), range })),
});

/** What `dfc parse --format json` prints. */
export const parseOutputSchema = z.object({
  schemaVersion: z.literal(AST_SCHEMA_VERSION),
  file: z.string().describe("the path given, or <stdin>"),
  dockerfile: dockerfileSchema,
});
