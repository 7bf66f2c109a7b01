#!/usr/bin/env node
/**
 * The dfc command line. Each command lives in its own module and is loaded
 * only when called, so `dfc parse` does not pay for the planner or zod. The
 * build bundles it (esbuild, code-split per command) into dist/cli: loading
 * chevrotain's hundreds of ES modules one by one costs ~180 ms, the bundle ~10.
 */
import { EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { ignoreClosedPipes, writeErr, writeOut } from "./io.js";
import { dfcVersion } from "./version.js";

interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): number | Promise<number> }>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  plan: { summary: "show the multi-platform build graph: shared, native, cross, emulated", load: () => import("./commands/plan.js") },
  build: { summary: "simulate the build: timeline, wall time with and without dedup (--dry-run)", load: () => import("./commands/build.js") },
  compile: { summary: "write the compiled build graph as versioned JSON or BuildKit LLB", load: () => import("./commands/compile.js") },
  lint: { summary: "find multi-platform pitfalls for every target, plus BuildKit's build checks", load: () => import("./commands/lint.js") },
  outline: { summary: "the build args, secrets and SSH a target needs (BuildKit's --call=outline)", load: () => import("./commands/outline.js") },
  targets: {
    summary: "the stages a Dockerfile offers as targets (BuildKit's --call=targets)",
    load: async () => ({ run: (await import("./commands/outline.js")).runTargets }),
  },
  parse: { summary: "parse a Dockerfile and print its syntax tree", load: () => import("./commands/parse.js") },
  schema: { summary: "print the JSON Schema of an output format", load: () => import("./commands/schema.js") },
};

const help = `Usage: dfc COMMAND [options]

dfc compiles Dockerfiles into multi-platform build graphs before you build.

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join("\n")}

Run "dfc COMMAND --help" for a command's options.
Exit status: 0 success, 1 the input has errors, 2 usage error.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    writeOut(help);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === "--version" || name === "-V") {
    writeOut(`dfc ${dfcVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
  return (await command.load()).run(rest);
}

ignoreClosedPipes();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      writeErr(`dfc: ${error.message}\nRun "dfc --help" for usage.`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    // Anything else is a bug in dfc, not a mistake of the user: say so, with the details.
    writeErr(`dfc: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 70;
  },
);
