import { parseCommandLine } from "../args.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { writeOut } from "../io.js";

export const help = `Usage: dfc schema NAME

Prints the JSON Schema of one of dfc's JSON outputs.

Names:
  ast       the output of dfc parse --format json
  plan      the output of dfc plan --format json
  ir        the output of dfc compile --format json (dfc's build graph)
  progress  one line of dfc build --progress json
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { help: { type: "boolean", short: "h" } });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const [name, ...extra] = positionals;
  const schemas = {
    ast: async () => (await import("../../syntax/schema.js")).parseOutputSchema,
    plan: async () => (await import("../../plan/schema.js")).planJsonSchema,
    ir: async () => (await import("../../emit/ir-json-schema.js")).graphDocumentSchema,
    progress: async () => (await import("../../exec/progress-schema.js")).progressEventSchema,
  };
  if (extra.length > 0 || name === undefined || !Object.hasOwn(schemas, name)) {
    throw new UsageError(`dfc schema takes one name: ${Object.keys(schemas).join(" or ")}${name === undefined ? "" : ` (got "${positionals.join(" ")}")`}`);
  }
  const [{ z }, schema] = await Promise.all([import("zod"), schemas[name as keyof typeof schemas]()]);
  writeOut(`${JSON.stringify(z.toJSONSchema(schema, { target: "draft-2020-12" }), null, 2)}\n`);
  return EXIT_OK;
}
