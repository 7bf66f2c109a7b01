/**
 * `dfc build`'s own options, checked before anything is planned: usage
 * errors (exit 2) for what the user wrote wrong.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { csvFields } from "../compile/instructions/csv.js";
import type { OutputSpec } from "../exec/local/export.js";
import { UsageError } from "./errors.js";

export function jobsOption(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1) throw new UsageError(`--jobs must be a positive whole number (got "${value}")`);
  return jobs;
}

/** `key=value,…` read as CSV, as buildx reads --secret and --output. */
function keyValues(option: string, text: string): Map<string, string> {
  const fields = csvFields(text);
  if (!Array.isArray(fields)) throw new UsageError(`--${option} "${text}": ${fields.error}`);
  const values = new Map<string, string>();
  for (const field of fields) {
    const equals = field.indexOf("=");
    if (equals <= 0) throw new UsageError(`--${option}: "${field}" is not key=value`);
    values.set(field.slice(0, equals).trim().toLowerCase(), field.slice(equals + 1));
  }
  return values;
}

/** `id=ID,src=FILE` (BuildKit also spells src as source), repeatable: id → file. */
export function secretsOption(values: readonly string[] | undefined): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const value of values ?? []) {
    const fields = keyValues("secret", value);
    const id = fields.get("id");
    const src = fields.get("src") ?? fields.get("source");
    if (id === undefined || id === "" || src === undefined || src === "") throw new UsageError(`--secret must be id=ID,src=FILE (got "${value}")`);
    if (!existsSync(src)) throw new UsageError(`--secret ${id}: no such file ${src}`);
    secrets.set(id, src);
  }
  return secrets;
}

/** `type=oci,dest=out.tar` or `type=local,dest=DIR` (BuildKit's --output). */
export function outputOption(value: string | undefined): OutputSpec | null {
  if (value === undefined) return null;
  const fields = keyValues("output", value);
  const type = fields.get("type");
  const dest = fields.get("dest");
  if (type !== "oci" && type !== "local") throw new UsageError(`--output: type must be oci or local (got ${type === undefined ? "none" : `"${type}"`})`);
  if (dest === undefined || dest === "") throw new UsageError("--output: dest=PATH is required");
  const unknown = [...fields.keys()].filter((key) => key !== "type" && key !== "dest");
  if (unknown.length > 0) throw new UsageError(`--output: unknown key ${unknown.join(", ")}`);
  return { type, dest };
}
