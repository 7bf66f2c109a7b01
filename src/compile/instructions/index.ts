/**
 * The instruction layer of the compiler: parsed instructions become typed,
 * validated commands, as in BuildKit's frontend/dockerfile/instructions.
 * Values stay raw; they are expanded later, at dispatch.
 */
export type * from "./commands.js";
export { toCommand } from "./convert.js";
export { InstructionError } from "./errors.js";
