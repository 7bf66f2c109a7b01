/**
 * Content digests. A vertex's digest is sha256 over a canonical encoding of
 * its content and its inputs' digests: JSON with object keys sorted, arrays
 * in order, no white space, prefixed with the IR version so that a change of
 * encoding can never make old and new digests collide.
 */
import { createHash } from "node:crypto";
import type { Digest, VertexContent } from "./ir.js";

export const IR_VERSION = 1;
const PREFIX = `dfc-ir/${IR_VERSION}\n`;

/** JSON with sorted object keys: one spelling for one value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
}

export function sha256(text: string): Digest {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

export function vertexDigest(content: VertexContent, inputs: readonly Digest[]): Digest {
  return sha256(PREFIX + canonicalJson({ content, inputs }));
}
