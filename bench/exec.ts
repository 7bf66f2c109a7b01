/**
 * The local backend benchmark: the same Go compile task (`go build -a -p 1`
 * of a small program: the standard library and the program, compiled from
 * source by Debian's golang-1.19, one package at a time) done
 *
 *   (a) emulated: in an arm64 stage, the arm64 toolchain under QEMU;
 *   (b) cross-compiled: in a $BUILDPLATFORM stage, the amd64 toolchain
 *       with GOARCH=arm64;
 *
 * and the dedup saving of a three-target build whose build-platform stage
 * (a tool compiled once) is shared: one `dfc build` for the three targets
 * against three builds of one target each. Every build starts from an
 * empty cache and runs the real CLI, so the figures include what a user
 * waits for (copying snapshots, unpacking the toolchain).
 *
 * Needs bench/exec-setup.sh (Debian, root: the toolchain root file
 * systems), proot and qemu-user-static; without them it says so and skips.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, repoRoot, round, table, type BenchOptions, type Benchmark, type Json, type Reporter } from "./harness.js";

const GO_ENV = "ENV PATH=/usr/lib/go-1.19/bin:/bin GOCACHE=/tmp/gocache GOPATH=/tmp/gopath CGO_ENABLED=0 HOME=/tmp";

const PROGRAM = `package main

import (
\t"encoding/json"
\t"fmt"
\t"net/url"
)

func main() {
\tu, _ := url.Parse("https://example.com/a?b=c")
\tout, _ := json.Marshal(map[string]string{"host": u.Host})
\tfmt.Println(string(out))
}
`;

/** The Dockerfiles, by case; `build` is the compile command (with -a: the whole standard library from source). */
function dockerfiles(build: string): Record<"emulated" | "cross" | "shared", string> {
  return {
    emulated: ["FROM scratch", "ADD go-arm64.tar /", GO_ENV, "COPY main.go /src/main.go", `RUN cd /src && ${build} -o /out/app main.go`, ""].join("\n"),
    cross: [
      "FROM --platform=$BUILDPLATFORM scratch AS build",
      "ADD go-amd64.tar /",
      GO_ENV,
      "COPY main.go /src/main.go",
      "ARG TARGETARCH",
      `RUN cd /src && GOARCH=$TARGETARCH ${build} -o /out/app main.go`,
      "FROM scratch",
      "COPY --from=build /out/app /app",
      "",
    ].join("\n"),
    // A build-platform tool compiled once for every target, then a small per-target step.
    shared: [
      "FROM --platform=$BUILDPLATFORM scratch AS tools",
      "ADD go-amd64.tar /",
      GO_ENV,
      "COPY main.go /src/main.go",
      `RUN cd /src && ${build} -o /out/tool main.go`,
      "FROM tools AS package",
      "ARG TARGETARCH",
      "RUN /out/tool > /out/manifest-$TARGETARCH.json",
      "FROM scratch",
      "COPY --from=package /out/ /",
      "",
    ].join("\n"),
  };
}

interface Run {
  readonly wallS: number;
  /** Seconds of the RUN steps (start to done), summed. */
  readonly runS: number;
}

/** One `dfc build` from an empty cache. */
async function dfcBuild(dockerfile: string, platforms: string): Promise<Run> {
  const work = repoRoot();
  const context = mkdtempSync(join(tmpdir(), "dfc-bench-exec-"));
  const cache = `${context}.cache`;
  try {
    for (const tarball of ["go-amd64.tar", "go-arm64.tar"]) linkSync(join(work, "bench", ".work", tarball), join(context, tarball));
    writeFileSync(join(context, "main.go"), PROGRAM);
    writeFileSync(join(context, "Dockerfile"), dockerfile);
    const started = performance.now();
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(work, "dist", "cli", "main.js"), "build", "--progress", "json", "--platform", platforms, "--cache-dir", cache, context], { stdio: ["ignore", "ignore", "pipe"] });
      let text = "";
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`dfc build failed (${code}):\n${text.slice(-2000)}`))));
    });
    const wallS = (performance.now() - started) / 1000;
    const starts = new Map<string, number>();
    let runS = 0;
    for (const line of stderr.split("\n")) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as { event: string; vertex: string; name: string; time: number };
      if (!/\] RUN /.test(event.name)) continue;
      if (event.event === "start") starts.set(event.vertex, event.time);
      if (event.event === "done") runS += event.time - (starts.get(event.vertex) ?? event.time);
    }
    return { wallS, runS };
  } finally {
    rmSync(context, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

function missingPrerequisites(): string[] {
  const onPath = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
  return [
    ...["go-amd64.tar", "go-arm64.tar"].filter((file) => !existsSync(join(repoRoot(), "bench", ".work", file))).map((file) => `bench/.work/${file} (run bench/exec-setup.sh)`),
    ...["proot", "qemu-aarch64-static"].filter((tool) => !onPath(tool)),
  ];
}

export const execBenchmark: Benchmark = {
  name: "exec",
  title: "local backend: Go compile emulated vs cross-compiled; dedup for three targets",
  async run(out: Reporter, options: BenchOptions): Promise<Json> {
    const missing = missingPrerequisites();
    if (missing.length > 0) {
      out.line(`   skipped: missing ${missing.join(", ")}`);
      return { skipped: missing };
    }
    // -p 1: under proot -q, Go's parallel fork/exec of the compiler fails ("bad address"); both cases compile serially.
    const files = dockerfiles(options.quick ? "go build -p 1" : "go build -a -p 1");
    const emulated = await dfcBuild(files.emulated, "linux/arm64");
    const cross = await dfcBuild(files.cross, "linux/arm64");
    const targets = ["linux/amd64", "linux/arm64", "linux/arm/v7"];
    const together = await dfcBuild(files.shared, targets.join(","));
    const separate: Run[] = [];
    for (const target of targets) separate.push(await dfcBuild(files.shared, target));
    const separateWall = separate.reduce((sum, run) => sum + run.wallS, 0);
    const separateRun = separate.reduce((sum, run) => sum + run.runS, 0);

    out.line(`   compile task: ${options.quick ? "go build -p 1" : "go build -a -p 1 (the standard library from source, one package at a time)"} of a 12-line program, Debian golang-1.19`);
    out.line();
    const rows = [
      ["(a) emulated, arm64 stage under QEMU", fmt(emulated.runS), fmt(emulated.wallS)],
      ["(b) cross, $BUILDPLATFORM stage, GOARCH=arm64", fmt(cross.runS), fmt(cross.wallS)],
      ["(a) / (b)", `${fmt(emulated.runS / cross.runS, 2)}x`, `${fmt(emulated.wallS / cross.wallS, 2)}x`],
    ];
    for (const line of table(["linux/arm64 build", "RUN s", "wall s"], rows)) out.line(`   ${line}`);
    out.line();
    const dedup = [
      ["one build, shared stage once", fmt(together.runS), fmt(together.wallS)],
      ["three builds, one target each", fmt(separateRun), fmt(separateWall)],
      ["saved by dedup", `${fmt((1 - together.runS / separateRun) * 100, 2)}%`, `${fmt((1 - together.wallS / separateWall) * 100, 2)}%`],
    ];
    for (const line of table([`${targets.join(", ")}`, "RUN s", "wall s"], dedup)) out.line(`   ${line}`);
    out.line();
    out.line("   RUN s: the RUN steps' time (snapshot copy included); wall s: the whole dfc build from an empty cache.");
    return {
      emulated: { runS: round(emulated.runS), wallS: round(emulated.wallS) },
      cross: { runS: round(cross.runS), wallS: round(cross.wallS) },
      ratioRun: round(emulated.runS / cross.runS),
      dedup: { togetherWallS: round(together.wallS), separateWallS: round(separateWall), togetherRunS: round(together.runS), separateRunS: round(separateRun) },
    };
  },
};
