import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * dfc's version, from its package.json: the nearest one above this module
 * (the bundle splits code into chunks at different depths, so no fixed
 * relative path would do).
 */
export function dfcVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "dfc" && pkg.version !== undefined) return pkg.version;
    }
    if (dirname(dir) === dir) return "unknown";
  }
}
