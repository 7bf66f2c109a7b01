/** Version of the JSON syntax-tree format; kept apart from the zod schema so printing JSON does not load zod. */
export const AST_SCHEMA_VERSION = 1;
