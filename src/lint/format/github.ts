/** GitHub Actions workflow commands: `::warning file=…,line=…::message`, one per finding. */
import type { Finding } from "../finding.js";

const LEVEL = { error: "error", warning: "warning", info: "notice" } as const;

// The runner's escaping: data loses %, CR, LF; properties also : and ,.
const data = (text: string): string => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const property = (text: string): string => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map(
      (finding) =>
        `::${LEVEL[finding.severity]} file=${property(finding.file)},line=${finding.line},col=${finding.column},endLine=${finding.endLine},endColumn=${finding.endColumn},title=${property(finding.rule)}::${data(finding.message)}\n`,
    )
    .join("");
}
