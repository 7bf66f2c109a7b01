/**
 * Content digests. A vertex's digest is sha256 over a canonical encoding of
 * its content and its inputs' digests: JSON with object keys sorted, arrays
 * in order, no white space, prefixed with the IR version so that a change of
 * encoding can never make old and new digests collide.
 */
import { hash } from "node:crypto";
import type { Digest, VertexContent } from "./ir.js";

export const IR_VERSION = 1;
const PREFIX = `dfc-ir/${IR_VERSION}\n`;

/** IR objects use a few dozen keys; quoting each once saves work on every vertex. */
const quotedKeys = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < 1024) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** JSON with sorted object keys: one spelling for one value. Undefined properties are left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    // Arrays of strings (args, env) are the bulk of the work: let V8 encode them in one go.
    if (value.every((item) => typeof item === "string")) return JSON.stringify(value);
    let out = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ",";
      out += canonicalJson(value[index]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Digests run for every vertex of every target: plain loops, no intermediate arrays.
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const inner = record[key];
    if (inner === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += quotedKey(key) + canonicalJson(inner);
  }
  return `${out}}`;
}

export function sha256(data: string | Uint8Array): Digest {
  // The one-shot hash (Node 20.12+) costs half of createHash().update().digest() for small inputs.
  return `sha256:${hash("sha256", data, "hex")}`;
}

/**
 * Whether JSON.stringify already writes `value` canonically: every object's
 * keys in sorted order and no undefined property. The compiler builds IR
 * objects with their keys in that order, so V8's native serializer can do
 * the work; anything else takes the general path.
 */
function isCanonical(value: unknown): boolean {
  if (value === null || typeof value !== "object") return value !== undefined;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null && !isCanonical(item)) return false;
    return true;
  }
  let previous = "";
  for (const key in value) {
    if (key <= previous && previous !== "") return false;
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || (typeof inner === "object" && inner !== null && !isCanonical(inner))) return false;
    previous = key;
  }
  return true;
}

export function vertexDigest(content: VertexContent, inputs: readonly Digest[]): Digest {
  const value = { content, inputs };
  return sha256(PREFIX + (isCanonical(content) ? JSON.stringify(value) : canonicalJson(value)));
}
