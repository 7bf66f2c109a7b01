/**
 * ExposeProtoCasing (BuildKit): a protocol in EXPOSE that is not written in
 * lower case (`EXPOSE 80/TCP`).
 *
 * Why: BuildKit accepts any case but records the protocol in lower case, so
 * `80/TCP` in the Dockerfile becomes `80/tcp` in the image; writing it that
 * way keeps the two alike and matches what `docker run -p` and compose use.
 *
 * Like BuildKit, ports are checked after variable expansion (`EXPOSE
 * $PORT/TCP` with the stage's ARG and ENV values, per platform); a port in a
 * stage the target does not build is checked only when it has no variables.
 */
import type { Rule } from "../rule.js";
import { forEachPort } from "./support-expose.js";

export const rule: Rule = {
  name: "ExposeProtoCasing",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "The protocol in an EXPOSE instruction should be lowercase.",
  check(context) {
    forEachPort(context, (port, word, target) => {
      if (port.protocol === port.protocol.toLowerCase()) return;
      const fixed = port.spec.slice(0, port.spec.length - port.protocol.length) + port.protocol.toLowerCase();
      context.report({
        range: word.range,
        message: `Defined protocol '${port.spec}' in EXPOSE instruction should be lowercase: write '${fixed}'`,
        platforms: [target.platform],
      });
    });
  },
};
