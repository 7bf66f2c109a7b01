/**
 * `.dfc.json` (or `dfc lint --config FILE`), validated with zod:
 *
 *   { "platforms": ["linux/amd64", "linux/arm64"],
 *     "rules": { "HardcodedArchitecture": "off", "UndefinedVar": "error" },
 *     "experimental": ["InvalidDefinitionDescription"] }
 */
import { z } from "zod";
import type { LintConfig } from "./options.js";

export const lintConfigSchema = z
  .object({
    platforms: z.array(z.string()).optional().describe("default --platform list"),
    rules: z.record(z.string(), z.enum(["off", "info", "warning", "error"])).optional().describe("per rule: off or a severity"),
    experimental: z.array(z.string()).optional().describe("experimental rules to enable"),
  })
  .strict();

/** Validates parsed JSON; unknown rule names are reported too, so a typo does not silently disable nothing. */
export function parseLintConfig(json: unknown, knownRules: readonly string[]): LintConfig {
  const config = lintConfigSchema.parse(json);
  const unknown = [...Object.keys(config.rules ?? {}), ...(config.experimental ?? [])].filter((name) => !knownRules.includes(name));
  if (unknown.length > 0) throw new Error(`unknown rule${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}`);
  return config;
}
