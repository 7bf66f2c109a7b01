/**
 * Running one RUN step rootless with proot (Debian package `proot`): the
 * step's root file system is a directory, its mounts are bind mounts, and a
 * step for another architecture runs under QEMU user emulation
 * (`proot -q qemu-<arch>-static`, Debian package `qemu-user-static`).
 *
 * proot is not a sandbox: the step shares the host's network and can see
 * what is bound in. It gives each step the file system, environment,
 * working directory and user the Dockerfile asks for, which is what a
 * build needs to be reproducible.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface ProotStep {
  readonly rootfs: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  /** `uid[:gid]` in numbers (names are resolved before), or "" for root. */
  readonly user: string;
  /** Host path → path inside the step. */
  readonly binds: readonly { readonly host: string; readonly guest: string }[];
  /** The QEMU binary for an emulated step, or null to run natively. */
  readonly emulator: string | null;
}

export class StepFailedError extends Error {
  override readonly name = "StepFailedError";
  constructor(
    message: string,
    /** The step's last lines of output, for the report. */
    readonly tail: readonly string[],
  ) {
    super(message);
  }
}

/** A missing host tool, with the Debian package that provides it. */
export class MissingToolError extends Error {
  override readonly name = "MissingToolError";
}

const TAIL_LINES = 10;

/** QEMU's name for each OCI architecture. */
const QEMU_ARCH: Readonly<Record<string, string>> = {
  amd64: "x86_64",
  arm64: "aarch64",
  arm: "arm",
  "386": "i386",
  ppc64le: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  mips64le: "mips64el",
  loong64: "loongarch64",
};

function findOnPath(name: string): string | null {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function emulatorFor(architecture: string): string {
  const qemu = QEMU_ARCH[architecture];
  if (qemu === undefined) throw new MissingToolError(`no QEMU user emulator is known for ${architecture}`);
  const binary = findOnPath(`qemu-${qemu}-static`);
  if (binary === null) throw new MissingToolError(`emulating ${architecture} needs qemu-${qemu}-static: install the Debian package qemu-user-static`);
  return binary;
}

function proot(): string {
  const binary = findOnPath("proot");
  if (binary === null) throw new MissingToolError("running RUN steps needs proot: install the Debian package proot");
  return binary;
}

/** Runs the step; resolves when it exits 0, rejects with StepFailedError otherwise. `onLine` gets its output. */
export function runStep(step: ProotStep, signal: AbortSignal, onLine: (line: string) => void): Promise<void> {
  // Cancelled while the step's file system was being prepared: do not start it.
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("cancelled"));
  const args = [
    "-r", step.rootfs,
    "-w", step.cwd,
    "-b", "/dev",
    "-b", "/proc",
    "-b", "/sys",
    ...step.binds.flatMap(({ host, guest }) => ["-b", `${host}:${guest}`]),
    ...(step.emulator === null ? [] : ["-q", step.emulator]),
    ...(step.user === "" || step.user === "0" || step.user === "0:0" ? ["-0"] : ["-i", step.user.includes(":") ? step.user : `${step.user}:${step.user}`]),
    ...step.args,
  ];
  // The step sees exactly its own environment, nothing of dfc's.
  const env: Record<string, string> = {};
  for (const entry of step.env) {
    const equals = entry.indexOf("=");
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(proot(), args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const tail: string[] = [];
    let partial = "";
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) keep(line);
    };
    const keep = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine(line);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    // The step and everything it started go when the build is cancelled.
    const cancel = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    };
    signal.addEventListener("abort", cancel, { once: true });
    child.on("error", (error) => {
      signal.removeEventListener("abort", cancel);
      reject(error);
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", cancel);
      if (partial !== "") keep(partial);
      if (code === 0) resolve();
      else if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error("cancelled"));
      else reject(new StepFailedError(killedBy !== null ? `killed by ${killedBy}` : `exit code ${code ?? "?"}`, tail));
    });
  });
}
