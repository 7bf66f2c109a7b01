/** dfc lint --format sarif validates against the SARIF 2.1.0 JSON schema (the one GitHub code scanning uses). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv as AjvClass } from "ajv";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const require = createRequire(import.meta.url);
// A CommonJS module whose default export is the class.
const Ajv = (require("ajv-draft-04") as { default: new (options: object) => AjvClass }).default;
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as object;

describe("SARIF output", () => {
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

  it("is a valid SARIF 2.1.0 log, with rules and help URIs, for findings of several rules", () => {
    // No IFARCH typo here: an unknown architecture stops the compile, and with it the step-based rules.
    const dockerfile = ["FROM alpine AS Builder", "RUN echo $TARGETARCH", "CMD echo hi", ""].join("\n");
    const result = runCli(["lint", "--format", "sarif", "--platform", "linux/amd64,linux/arm64", "-"], { input: dockerfile });
    expect(result.stderr).toBe("");
    const log = JSON.parse(result.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: unknown[] }[] };
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = log.runs[0];
    expect(run?.results).toHaveLength(3);
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id).sort()).toEqual(["JSONArgsRecommended", "StageNameCasing", "TargetArgNotDeclared"]);
    for (const rule of rules) expect(rule.helpUri).toMatch(/^https:\/\//);
  });

  it("is valid with no findings too", () => {
    const result = runCli(["lint", "--format", "sarif", "-"], { input: "FROM alpine\nCMD [\"true\"]\n" });
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const log = JSON.parse(result.stdout) as { runs: { results: unknown[] }[] };
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toEqual([]);
  });
});
