/** What the text renderers share: ANSI colour on request, clipping to a column, short platform names. */
export { paint } from "../syntax/diagnostic.js";

export const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

/** `linux/arm64` → `arm64`: most builds are Linux, and the column is narrow. */
function shortPlatform(platform: string): string {
  return platform.startsWith("linux/") ? platform.slice("linux/".length) : platform;
}

/** RUN's flags (mounts, network) would crowd the command itself out of a narrow column. */
export const withoutRunFlags = (name: string): string => name.replace(/^((?:\[[^\]]*\]\s*)?RUN)\s+(?:--\S+\s+)+/i, "$1 ");

/** Which targets a step serves: one platform by name, else how many share it. */
export function targetsLabel(targets: readonly string[], all: number): string {
  if (targets.length === 1) return shortPlatform(targets[0] ?? "");
  return targets.length === all ? "shared" : `shared ×${targets.length}`;
}
