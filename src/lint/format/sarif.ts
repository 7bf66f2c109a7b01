/**
 * SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rules that
 * fired (with help links) in the tool's driver, one result per finding with
 * its region. Paths are relative URIs (the upload step resolves them).
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding } from "../finding.js";
import type { RuleMeta } from "../rule.js";
import { ruleUrl } from "../rule.js";

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

export function formatSarif(findings: readonly Finding[], rules: readonly RuleMeta[], version: string): string {
  const fired = [...new Set(findings.map((finding) => finding.rule))].sort();
  const descriptors: ReportingDescriptor[] = fired.map((id) => {
    const rule = rules.find((candidate) => candidate.name === id);
    return {
      id,
      name: id,
      shortDescription: { text: rule?.description ?? id },
      helpUri: rule === undefined ? ruleUrl({ name: id, origin: "dfc" }) : ruleUrl(rule),
      defaultConfiguration: { level: LEVEL[rule?.severity ?? "error"] },
    };
  });
  const results: Result[] = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: fired.indexOf(finding.rule),
    level: LEVEL[finding.severity],
    message: { text: finding.platforms.length > 0 ? `${finding.message} (platforms: ${finding.platforms.join(", ")})` : finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.file.split("\\").join("/") },
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
        },
      },
    ],
  }));
  const log: Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [{ tool: { driver: { name: "dfc", version, informationUri: "https://github.com/dfc-build/dfc", rules: descriptors } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
