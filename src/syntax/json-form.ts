/**
 * The JSON ("exec") form of RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ADD,
 * COPY and VOLUME, decided exactly as BuildKit's `parseJSON` decides it: the
 * text must start with `[` and be one valid JSON value; anything that is not
 * valid JSON falls back to the shell form, but a valid JSON array holding
 * something other than strings is an error.
 */
import { isGoSpace } from "./words.js";

export type JsonForm =
  | { readonly kind: "array"; readonly elements: readonly string[] }
  | { readonly kind: "not-json" }
  | { readonly kind: "not-strings" };

const NOT_JSON: JsonForm = { kind: "not-json" };

export function parseJsonForm(text: string): JsonForm {
  let start = 0;
  while (start < text.length && isGoSpace(text.charCodeAt(start))) start++;
  if (text.charCodeAt(start) !== 0x5b) return NOT_JSON;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start));
  } catch {
    return NOT_JSON;
  }
  if (!Array.isArray(value)) return NOT_JSON;
  const elements: string[] = [];
  let notStrings = false;
  for (const element of value) {
    if (typeof element === "string") elements.push(element.toWellFormed());
    else notStrings = true;
  }
  if (!notStrings) return { kind: "array", elements };
  // Go fails to decode a number too large for a float64 before it looks at
  // types, so such an array is "not JSON" rather than "not strings".
  return hasOverflowingNumber(value) ? NOT_JSON : { kind: "not-strings" };
}

function hasOverflowingNumber(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasOverflowingNumber);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasOverflowingNumber);
  return false;
}
