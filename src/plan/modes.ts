/**
 * How each exec vertex will run, given the machines (workers) available:
 *
 * - native:   a worker of the vertex's platform runs it, or one that runs
 *             that platform's binaries directly (`compatible`: an arm64
 *             worker running arm/v7 code);
 * - cross:    the vertex runs natively on the build platform because its
 *             stage was pinned there (`FROM --platform=$BUILDPLATFORM`), and
 *             it serves at least one target of another platform;
 * - emulated: no worker can run it; it runs under QEMU user emulation;
 * - unsupported: no worker has its operating system (QEMU user emulation
 *   translates instructions, not kernels: a Windows step needs a Windows worker).
 */
import { canRun, formatPlatform, samePlatform, type Platform } from "../platform/index.js";

export type ExecMode = "native" | "cross" | "emulated" | "unsupported";

export interface ExecPlacement {
  readonly mode: ExecMode;
  /** The worker that runs it (for emulated vertices: the worker that emulates; null when none can). */
  readonly worker: string | null;
  /** Runs natively on a worker of another, compatible platform. */
  readonly compatible: boolean;
}

export function placeExec(
  platform: Platform,
  pinnedToBuild: boolean,
  targets: readonly Platform[],
  build: Platform,
  workers: readonly Platform[],
): ExecPlacement {
  const exact = workers.find((worker) => samePlatform(worker, platform));
  const runner = exact ?? workers.find((worker) => canRun(worker, platform));
  if (runner === undefined) {
    const emulator = workers.find((worker) => worker.os === platform.os);
    if (emulator === undefined) return { mode: "unsupported", worker: null, compatible: false };
    return { mode: "emulated", worker: formatPlatform(emulator), compatible: false };
  }
  const cross = pinnedToBuild && samePlatform(platform, build) && targets.some((target) => !samePlatform(target, build));
  return { mode: cross ? "cross" : "native", worker: formatPlatform(runner), compatible: exact === undefined };
}
