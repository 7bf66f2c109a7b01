/**
 * SecretsUsedInArgOrEnv (BuildKit): a stage ARG or an ENV whose name says it
 * holds a secret (`..._PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, …).
 *
 * Why: ARG and ENV values are recorded in the image (ENV in its config, both
 * in its history), so anyone who can pull the image can read them. Secrets
 * belong in secret mounts (`RUN --mount=type=secret`), which leave nothing
 * behind. BuildKit's test is on the name: one of its secret words as the
 * whole name or as a `_`-separated part, and none of `public`, `file`,
 * `version` (so `PUBLIC_KEY` and `TOKEN_FILE` pass). Global ARGs (before the
 * first FROM) are not checked, as in BuildKit: they reach the image only
 * when a stage declares them again.
 */
import { expandWord, ShellExpansionError } from "../../shell/index.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Range } from "../../syntax/position.js";
import type { Rule } from "../rule.js";
import { fromScopes, nameRange } from "./support-semantics.js";

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOWED = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export const SecretsUsedInArgOrEnv: Rule = {
  name: "SecretsUsedInArgOrEnv",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Sensitive data should not be used in the ARG or ENV commands",
  check(context) {
    const escape = context.dockerfile.escape;
    for (const scope of fromScopes(context)) {
      const check = (instruction: "ARG" | "ENV", key: string, range: Range): void => {
        if (!SECRET.test(key) || ALLOWED.test(key)) return;
        context.report({
          range,
          message: `Do not use ARG or ENV instructions for sensitive data (${instruction} ${goQuote(key)}); pass the secret with a secret mount (RUN --mount=type=secret,id=…) so it stays out of the image`,
          platforms: [scope.target.platform],
        });
      };
      for (const stage of scope.stages) {
        for (const command of stage.commands) {
          if (command.kind === "ARG") {
            for (const arg of command.args) check("ARG", arg.name, nameRange(context, arg.range, arg.name));
          } else if (command.kind === "ENV") {
            // ENV names are expanded; use the stage's environment where the target compiled it.
            const step = scope.target.steps.find((candidate) => candidate.command.source === command.source);
            for (const pair of command.pairs) {
              let key = pair.key.value;
              try {
                key = expandWord(key, step?.env ?? new Map<string, string>(), { escape });
              } catch (error) {
                if (!(error instanceof ShellExpansionError)) throw error;
              }
              check("ENV", key, pair.key.range);
            }
          }
        }
      }
    }
  },
};
