import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "./errors.js";

export interface InputFile {
  /** The name used in messages: the path as given, or `<stdin>`. */
  readonly name: string;
  readonly text: string;
}

/** FILE, -f FILE or ./Dockerfile. */
export function dockerfilePath(command: string, file: string | undefined, positionals: readonly string[]): string {
  if (positionals.length > 1 || (positionals.length === 1 && file !== undefined)) {
    throw new UsageError(`dfc ${command} reads one Dockerfile; give either FILE or -f FILE`);
  }
  return file ?? positionals[0] ?? "Dockerfile";
}

/** Reads a Dockerfile from a path, or from standard input for `-`. */
export function readInput(path: string): InputFile {
  try {
    if (path === "-") return { name: "<stdin>", text: readFileSync(0, "utf8") };
    return { name: path, text: readFileSync(path, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code ?? String(error);
    throw new UsageError(`cannot read ${path === "-" ? "standard input" : path}: ${reason}`);
  }
}

/**
 * Writes a command's whole output at once, after it has succeeded, so a
 * failure never leaves half an output behind. A closed pipe (`| head`) is
 * not an error.
 */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** A reader that stops early (`dfc parse | head`) is not an error of dfc. */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
}

export function writeErr(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Colour only when the stream is a terminal and NO_COLOR is not set. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env["NO_COLOR"] === undefined;
}

/**
 * Writes a file so that readers see the old content or the whole new one,
 * never half of it: a temporary file beside it, then a rename.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${path}: ${code === "ENOENT" ? "no such directory" : code === "EISDIR" ? "is a directory" : (code ?? String(error))}`);
  }
}
