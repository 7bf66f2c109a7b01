/**
 * ExposeInvalidFormat (BuildKit): an EXPOSE port with an IP address or a
 * host port (`EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`).
 *
 * Why: EXPOSE only documents which container ports the image listens on.
 * Where a port is published on the host, and on which address, is decided
 * when the container runs (`docker run -p`); BuildKit accepts the extra parts
 * for backward compatibility, drops them, and plans to reject them.
 *
 * Like BuildKit, ports are checked after variable expansion (with the stage's
 * ARG and ENV values, per platform); a port in a stage the target does not
 * build is checked only when it has no variables.
 */
import type { Rule } from "../rule.js";
import { forEachPort } from "./support-expose.js";

export const rule: Rule = {
  name: "ExposeInvalidFormat",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "EXPOSE should not define an IP address or a host-port mapping.",
  check(context) {
    forEachPort(context, (port, word, target) => {
      if (port.address === "" && port.hostPort === "") return;
      context.report({
        range: word.range,
        message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${port.spec}': expose only the container port (EXPOSE ${port.container}) and publish it when the container runs (docker run -p ${port.spec})`,
        platforms: [target.platform],
      });
    });
  },
};
