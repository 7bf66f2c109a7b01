import type { Env } from "./types.js";

/** Resolves a variable name to its value, or `undefined` when it is not set. */
export type EnvLookup = (name: string) => string | undefined;

function isMapLike(env: Env): env is ReadonlyMap<string, string> {
  // A record's values are strings, so a callable `get` means a Map-like object.
  return typeof (env as { get?: unknown }).get === "function";
}

const hasOwn = Object.prototype.hasOwnProperty;

function exactLookup(env: Env): EnvLookup {
  if (isMapLike(env)) {
    return (name) => env.get(name);
  }
  const record = env as Readonly<Record<string, string>>;
  // Own keys only: "constructor" or "__proto__" must not resolve through the prototype.
  return (name) => (hasOwn.call(record, name) ? record[name] : undefined);
}

/**
 * Upper-cases per code point with Go's simple mapping (unicode.ToUpper): a
 * character whose full upper-case form is several characters, like `ß`, stays
 * as it is instead of becoming `SS`.
 */
function goToUpper(text: string): string {
  const upper = text.toUpperCase();
  // Upper-casing never shortens text, so equal length means no character expanded.
  if (upper.length === text.length) return upper;
  let out = "";
  for (const ch of text) {
    const mapped = ch.toUpperCase();
    out += mapped.length === ch.length ? mapped : ch;
  }
  return out;
}

/**
 * Case-insensitive lookup used for Windows targets. Newer BuildKit normalises
 * keys with strings.ToUpper for this; when several keys collide any of them
 * may win (Go iterates a map), so the first one in insertion order is used.
 */
function caseInsensitiveLookup(env: Env): EnvLookup {
  const exact = exactLookup(env);
  let byUpperKey: Map<string, string> | undefined;
  return (name) => {
    const direct = exact(name);
    if (direct !== undefined) return direct;
    if (byUpperKey === undefined) {
      byUpperKey = new Map();
      const entries: Iterable<readonly [string, string]> = isMapLike(env)
        ? env.entries()
        : Object.entries(env as Readonly<Record<string, string>>);
      for (const [key, value] of entries) {
        const upper = goToUpper(key);
        if (!byUpperKey.has(upper)) byUpperKey.set(upper, value);
      }
    }
    return byUpperKey.get(goToUpper(name));
  };
}

export function createEnvLookup(env: Env, windows: boolean): EnvLookup {
  return windows ? caseInsensitiveLookup(env) : exactLookup(env);
}
