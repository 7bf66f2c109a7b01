/**
 * The lint corpus table: `node dist/bench/lint-corpus.js` lints every corpus
 * file for linux/amd64 and linux/arm64 (default rule settings) and prints a
 * Markdown table of findings per rule, followed by every finding of dfc's
 * multi-platform rules (the list the hand review in bench/lint-corpus.md
 * works from). Counts only, no timings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { lintSource } from "../src/lint/lint.js";
import { RULES } from "../src/lint/rules/index.js";
import { parsePlatform } from "../src/platform/index.js";
import { repoRoot } from "./harness.js";

const root = join(repoRoot(), "corpus", "real");
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => relative(root, join(entry.parentPath, entry.name)))
  .sort();
const counts = new Map<string, { findings: number; files: Set<string> }>();
const platformFindings: string[] = [];
for (const file of files) {
  const findings = lintSource(file, readFileSync(join(root, file), "utf8"), {
    platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
    buildPlatform: parsePlatform("linux/amd64"),
  });
  for (const finding of findings) {
    const entry = counts.get(finding.rule) ?? { findings: 0, files: new Set<string>() };
    entry.findings++;
    entry.files.add(file);
    counts.set(finding.rule, entry);
    const rule = RULES.find((candidate) => candidate.name === finding.rule);
    if (rule?.origin === "dfc") platformFindings.push(`| ${file}:${finding.line} | ${finding.rule} | ${finding.platforms.join(", ")} | ${finding.message.replace(/\|/g, "\\|")} |`);
  }
}
const lines = [`${files.length} files, linux/amd64 + linux/arm64, default settings (experimental rules off).`, "", "| rule | origin | findings | files |", "| --- | --- | ---: | ---: |"];
for (const rule of [...RULES.map((candidate) => candidate.name), "CompileError", "SyntaxError"]) {
  const entry = counts.get(rule);
  const origin = RULES.find((candidate) => candidate.name === rule)?.origin ?? "dfc";
  lines.push(`| ${rule} | ${origin} | ${entry?.findings ?? 0} | ${entry?.files.size ?? 0} |`);
}
lines.push("", "Findings of the multi-platform rules:", "", "| file:line | rule | platforms | message |", "| --- | --- | --- | --- |", ...platformFindings);
process.stdout.write(`${lines.join("\n")}\n`);
