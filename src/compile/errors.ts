import { SourceError } from "../syntax/errors.js";

/** A Dockerfile that parses but cannot be compiled (unknown stage, bad platform, missing build-arg value, …). */
export class CompileError extends SourceError {
  override readonly name = "CompileError";
}
