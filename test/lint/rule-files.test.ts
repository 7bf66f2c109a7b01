/** Every lint rule, and the two findings that are not rules, has its documentation page, and every rule its tests. */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/lint/rules/index.js";

const exists = (path: string): boolean => existsSync(new URL(`../../${path}`, import.meta.url));

describe("rule files", () => {
  it("has docs/rules/<Name>.md for every rule, SyntaxError and CompileError", () => {
    const names = [...RULES.map((rule) => rule.name), "SyntaxError", "CompileError"];
    expect(names.length).toBe(36);
    expect(names.filter((name) => !exists(`docs/rules/${name}.md`))).toEqual([]);
  });

  it("has test/lint/rules/<Name>.test.ts for every rule", () => {
    expect(RULES.filter((rule) => !exists(`test/lint/rules/${rule.name}.test.ts`)).map((rule) => rule.name)).toEqual([]);
  });
});
