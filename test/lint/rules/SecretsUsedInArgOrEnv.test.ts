import { describe, expect, it } from "vitest";
import { SecretsUsedInArgOrEnv } from "../../../src/lint/rules/SecretsUsedInArgOrEnv.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(SecretsUsedInArgOrEnv, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

const keys = (source: string, options?: LintWith) => lint(source, options).map((finding) => /\((ARG|ENV) "([^"]*)"\)/.exec(finding.message)?.slice(1).join(" "));

describe("SecretsUsedInArgOrEnv", () => {
  it("reports a stage ARG named like a secret, at its name", () => {
    expect(lint("FROM scratch\nARG SECRET_PASSPHRASE\n")).toEqual([
      {
        rule: "SecretsUsedInArgOrEnv",
        severity: "warning",
        at: "2:5-2:22",
        message: `Do not use ARG or ENV instructions for sensitive data (ARG "SECRET_PASSPHRASE"); pass the secret with a secret mount (RUN --mount=type=secret,id=…) so it stays out of the image`,
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
  });

  it("matches BuildKit's test case name by name", () => {
    const source = [
      "FROM scratch",
      "ARG SECRET_PASSPHRASE",
      "ENV SUPER_Secret=foo",
      "ENV password=bar secret=baz",
      "ARG super_duper_secret_token=foo auth=bar",
      "ENV apikey=bar sunflower=foo",
      "ENV git_key=",
      "ENV PUBLIC_KEY=",
      "ARG public_token",
      "",
    ].join("\n");
    expect(keys(source)).toEqual([
      "ARG SECRET_PASSPHRASE",
      "ENV SUPER_Secret",
      "ENV password",
      "ENV secret",
      "ARG super_duper_secret_token",
      "ARG auth",
      "ENV apikey",
      "ENV git_key",
    ]);
  });

  it("points at each key, also in the legacy form and on continuation lines", () => {
    expect(lint("FROM scratch\nENV A=1 \\\n    DB_PASSWORD=x\n").map((finding) => finding.at)).toEqual(["3:5-3:16"]);
    expect(lint("FROM scratch\nENV API_TOKEN abc def\n").map((finding) => finding.at)).toEqual(["2:5-2:14"]);
  });

  it("needs a whole word: parts inside a word, and the allowed words, pass", () => {
    expect(keys("FROM scratch\nARG KEYBOARD\nARG MONKEY\nARG TOKENIZER_VERSION\nARG SSH_KEY_FILE\nARG TOKEN_VERSION\nENV PASSWORD_FILE=/run/secrets/pw\n")).toEqual([]);
  });

  it("does not check global ARGs, as BuildKit does not", () => {
    expect(keys("ARG NPM_TOKEN\nFROM scratch\n")).toEqual([]);
    expect(keys("ARG NPM_TOKEN\nFROM scratch\nARG NPM_TOKEN\n")).toEqual(["ARG NPM_TOKEN"]);
  });

  it("checks ENV names after expansion", () => {
    expect(keys("FROM scratch\nARG KIND=TOKEN\nENV GITHUB_${KIND}=x\n")).toEqual(["ENV GITHUB_TOKEN"]);
  });

  it("checks every stage, also those the target does not need", () => {
    expect(keys("FROM scratch AS tools\nENV REGISTRY_AUTH=x\nFROM scratch\n")).toEqual(["ENV REGISTRY_AUTH"]);
  });

  it("reports a secret inside an IFARCH block for those targets only", () => {
    expect(lint("FROM scratch\nIFARCH amd64\nARG AWS_SECRET_ACCESS_KEY\nENDIFARCH\n").map((finding) => finding.platforms)).toEqual([["linux/amd64"]]);
  });
});
