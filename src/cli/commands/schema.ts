import { parseCommandLine } from "../args.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { writeOut } from "../io.js";

export const help = `Usage: dfc schema NAME

Prints the JSON Schema of one of dfc's JSON outputs.

Names:
  ast    the output of dfc parse --format json
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { help: { type: "boolean", short: "h" } });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const [name, ...extra] = positionals;
  if (name !== "ast" || extra.length > 0) throw new UsageError(`dfc schema takes one name: ast${name === undefined ? "" : ` (got "${positionals.join(" ")}")`}`);
  const [{ z }, { parseOutputSchema }] = await Promise.all([import("zod"), import("../../syntax/schema.js")]);
  writeOut(`${JSON.stringify(z.toJSONSchema(parseOutputSchema, { target: "draft-2020-12" }), null, 2)}\n`);
  return EXIT_OK;
}
