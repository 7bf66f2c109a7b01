/**
 * CopyIgnoredFile (BuildKit, experimental): COPY or ADD names a file of the
 * build context that `.dockerignore` excludes.
 *
 * Why: excluded files are not sent to the builder, so the instruction fails
 * ("not found") or, with a wildcard, silently copies less than intended.
 * Only sources from the build context are checked (not COPY --from, URLs,
 * git sources or heredocs), after variable expansion; a path that an
 * exception (`!pattern`) may re-include is left alone, as in BuildKit. The
 * patterns come from `context.dockerignore` (the CLI reads
 * `<Dockerfile>.dockerignore` or `.dockerignore`).
 */
import { cleanPath, DockerIgnore } from "../../compile/dockerignore.js";
import { expandWord, ShellExpansionError } from "../../shell/index.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";

const isRemote = (source: string): boolean => /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/)/.test(source);

export const CopyIgnoredFile: Rule = {
  name: "CopyIgnoredFile",
  origin: "buildkit",
  severity: "warning",
  experimental: true,
  description: "Attempting to Copy file that is excluded by .dockerignore",
  check(context) {
    if (context.dockerignore === null || context.dockerignore.length === 0) return;
    const ignore = DockerIgnore.parse(context.dockerignore);
    if (ignore === null || ignore.patterns.length === 0) return;
    const written = context.written;
    for (const target of context.targets) {
      for (const step of target.steps) {
        const command = step.command;
        if (command.kind !== "COPY" && command.kind !== "ADD") continue;
        if ((command.kind === "COPY" && command.from !== null) || !written.has(command.source)) continue;
        const verb = command.kind === "ADD" ? "Add" : "Copy";
        for (const word of command.sources) {
          let source: string;
          try {
            source = expandWord(word.value, step.env, { escape: context.dockerfile.escape });
          } catch (error) {
            if (error instanceof ShellExpansionError) continue;
            throw error;
          }
          if (command.kind === "ADD" && isRemote(source)) continue;
          const path = cleanPath(source);
          // The context root is only "excluded" when a pattern excludes everything in it.
          if ((path === "." || path === "/") && !ignore.excludesRoot()) continue;
          if (ignore.exceptionAtOrBelow(path) || !ignore.matchesOrParentMatches(path)) continue;
          context.report({
            range: word.range,
            message: `Attempting to ${verb} file ${goQuote(path)} that is excluded by .dockerignore; remove the matching pattern (or add an exception such as "!${path}") to .dockerignore, or stop copying it`,
            platforms: [target.platform],
          });
        }
      }
    }
  },
};
