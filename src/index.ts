/**
 * dfc's library API. The pipeline, in order: syntax (parse) → shell (word
 * expansion) → platform. Later stages (compile, plan, lint, exec, emit) are
 * added here as they land.
 */
export * from "./syntax/index.js";
export { formatDiagnostic, type DiagnosticText, type Severity } from "./syntax/diagnostic.js";
export { printDockerfile, instructionLine } from "./syntax/printer.js";
export { dockerfileSchema, parseOutputSchema, AST_SCHEMA_VERSION } from "./syntax/schema.js";
export * from "./shell/index.js";
export * from "./platform/index.js";
