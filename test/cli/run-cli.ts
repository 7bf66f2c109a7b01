import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `dfc` (npm test builds it first) the way a user would. */
export function runCli(args: readonly string[], options: { input?: string; cwd?: string } = {}): CliResult {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" (npm test does) before the CLI tests`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: options.input ?? "",
    cwd: options.cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
