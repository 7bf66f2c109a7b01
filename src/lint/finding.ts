import type { LintSeverity } from "./rule.js";

/** One finding, in the shape of `dfc lint --format json`. */
export interface Finding {
  readonly rule: string;
  readonly severity: LintSeverity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Requested platforms the finding applies to. */
  readonly platforms: readonly string[];
  readonly url: string;
}

const SEVERITY_ORDER: Readonly<Record<LintSeverity, number>> = { info: 0, warning: 1, error: 2 };

export function atLeast(severity: LintSeverity, threshold: LintSeverity): boolean {
  return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[threshold];
}
