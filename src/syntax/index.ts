export * from "./ast.js";
export type { Directive, DirectiveName } from "./directives.js";
export { DockerfileSyntaxError, SourceError, type RelatedLocation } from "./errors.js";
export { dumpBuildkit, flagText } from "./dump.js";
export { parseDockerfile } from "./parse.js";
export type { Position } from "./position.js";
