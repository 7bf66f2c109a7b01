/**
 * A deliberately simple cost model, in rough seconds on a typical machine.
 * It is for comparing plans (dedup, emulation, cross-compilation), not for
 * predicting wall time. Every number can be overridden (`--cost-model FILE`).
 *
 * - an exec step costs `exec`; one that compiles or installs packages
 *   (compilers, package managers, see HEAVY) costs `heavyExec`;
 *   under emulation it costs that times the architecture's multiplier
 *   (QEMU user mode runs compiled code several times slower; figures from
 *   common reports: arm64 on amd64 about 5×, 32-bit ARM about 6×);
 * - file operations, merges and sources have fixed costs.
 */
import type { SourceSpec, VertexContent } from "../graph/ir.js";
import type { ExecMode } from "./modes.js";

export interface CostModel {
  readonly exec: number;
  readonly heavyExec: number;
  readonly file: number;
  readonly merge: number;
  readonly source: Readonly<Record<SourceSpec["type"], number>>;
  /** Multiplier for emulated execs, by architecture (`arm64`, `arm`, …). */
  readonly emulation: Readonly<Record<string, number>>;
  readonly defaultEmulation: number;
}

export const DEFAULT_COST_MODEL: CostModel = {
  exec: 10,
  heavyExec: 60,
  file: 1,
  merge: 0.5,
  source: { image: 5, local: 1, git: 5, http: 3, "oci-layout": 2 },
  emulation: { arm64: 5, arm: 6, "386": 1.5, amd64: 5, ppc64le: 8, s390x: 8, riscv64: 10, mips64le: 10, loong64: 10 },
  defaultEmulation: 8,
};

/** Commands that compile code or install packages: the steps emulation hurts most. */
const HEAVY =
  /\b(?:go\s+(?:build|install|test)|cargo\s+(?:build|install)|rustc|make|cmake|ninja|gcc|g\+\+|cc|clang|dotnet\s+(?:publish|build|restore)|mvn|gradle|npm\s+(?:ci|install)|yarn|pnpm|pip3?\s+install|apt-get\s+install|apt\s+install|apk\s+add|dnf\s+install|yum\s+install|bundle\s+install|composer\s+install)\b/;

export function isHeavyCommand(args: readonly string[]): boolean {
  return HEAVY.test(args.join(" "));
}

export function vertexCost(vertex: VertexContent, mode: ExecMode | null, model: CostModel): number {
  switch (vertex.kind) {
    case "exec": {
      const base = isHeavyCommand(vertex.args) ? model.heavyExec : model.exec;
      if (mode !== "emulated") return base;
      const arch = vertex.platform.split("/")[1] ?? "";
      return base * (model.emulation[arch] ?? model.defaultEmulation);
    }
    case "file":
      return model.file;
    case "merge":
      return model.merge;
    case "source":
      return model.source[vertex.source.type];
  }
}
