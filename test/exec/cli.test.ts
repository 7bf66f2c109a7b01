import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { progressEventSchema } from "../../src/exec/progress-schema.js";
import { runCli } from "../cli/run-cli.js";
import { scenariosDir } from "../plan/helpers.js";

const sharedBuilder = join(scenariosDir, "02-shared-builder");
const THREE = "linux/amd64,linux/arm64,linux/arm/v7";

describe("dfc build --dry-run", () => {
  it("simulates a shared-stage build for three targets: each unique vertex starts once (json progress)", () => {
    const result = runCli(["build", "--dry-run", "--jobs", "2", "--platform", THREE, "--progress", "json", sharedBuilder]);
    expect(result.stderr.split("\n").filter((line) => !line.startsWith("{"))).toEqual([""]);
    expect(result.status).toBe(0);
    const events = result.stderr.trim().split("\n").map((line) => progressEventSchema.parse(JSON.parse(line)));
    const starts = events.filter((event) => event.event === "start");
    // 13 vertices (see dfc plan): the 7 of the shared builder once, the 2 per-target steps three times.
    expect(starts).toHaveLength(13);
    expect(new Set(starts.map((event) => event.vertex)).size).toBe(13);
    expect(starts.filter((event) => event.targets.length === 3)).toHaveLength(7);
    expect(events.filter((event) => event.event === "done")).toHaveLength(13);
    expect(starts.find((event) => event.name.includes("RUN npm ci"))).toMatchObject({ mode: "cross", name: "[linux/amd64 assets 4/6] RUN npm ci", time: 7 });
    expect(result.stdout).toContain("  wall time      80.0 s building the targets together (shared steps once)\n");
    expect(result.stdout).toContain("                 237.0 s building each on its own, one after another (2.96×)\n");
    for (const line of result.stdout.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it("prints one plain line per event", () => {
    const result = runCli(["build", "--dry-run", "--jobs", "1", "--progress", "plain", "--platform", "linux/amd64", sharedBuilder]);
    expect(result.status).toBe(0);
    const lines = result.stderr.replace(/\n$/, "").split("\n");
    expect(lines).toHaveLength(2 * 9);
    // The builder's chain has the most work ahead of it, so it starts first; nginx waits until it is needed.
    expect(lines[0]).toBe("    0.0s start  [assets 1/6] FROM docker.io/library/node:20-alpine");
    expect(lines.at(-4)).toBe("   79.0s start  [stage-1 1/2] FROM docker.io/library/nginx:1.27-alpine");
    expect(lines).toContain("   68.0s done   [linux/amd64 assets 4/6] RUN npm ci");
  });

  it("fails with the step's place when no worker can run it, after simulating the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "dfc-build-"));
    writeFileSync(join(dir, "Dockerfile"), "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir\n");
    const result = runCli(["build", "--dry-run", "--platform", "windows/amd64", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${join(dir, "Dockerfile")}:2:1: error: [stage-0 2/2] RUN dir: no worker can run windows/amd64 (QEMU emulates CPUs, not operating systems)\n    RUN dir\n    ^~~~~~~\n`,
    );
    expect(result.stdout).toContain("  stopped        by 1 step that cannot run; 0 not simulated\n");
  });

  it.each([
    [["build", "--dry-run", "--output", "type=oci,dest=out", sharedBuilder], "a simulation builds nothing to --output or --push"],
    [["build", "--output", "type=docker,dest=out", sharedBuilder], '--output: type must be oci or local (got "docker")'],
    [["build", "--output", "type=oci", sharedBuilder], "--output: dest=PATH is required"],
    [["build", "--secret", "id=token", sharedBuilder], '--secret must be id=ID,src=FILE (got "id=token")'],
    [["build", "--cache-dir", join(sharedBuilder, "cache"), sharedBuilder], `--cache-dir ${join(sharedBuilder, "cache")} is inside the build context ${sharedBuilder}, which the build copies: put it elsewhere`],
    [["build", "--dry-run", "--jobs", "0", sharedBuilder], '--jobs must be a positive whole number (got "0")'],
    [["build", "--dry-run", "--jobs", "1.5", sharedBuilder], '--jobs must be a positive whole number (got "1.5")'],
    [["build", "--dry-run", "--progress", "tty", sharedBuilder], "--progress tty needs a live build; a simulation is instant: use plain or json"],
    [["build", "--dry-run", "--backend", "buildkit", sharedBuilder], '--backend must be one of simulate, local (got "buildkit")'],
    [["build", "--dry-run", join(sharedBuilder, "missing")], `cannot read ${join(sharedBuilder, "missing", "Dockerfile")}: no such file`],
  ])("refuses %j as a usage error", (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`dfc: ${message}\nRun "dfc --help" for usage.\n`);
  });

  it("reports a Dockerfile error with file:line:col and prints no timeline", () => {
    const result = runCli(["build", "--dry-run", "-f", "-"], { input: "FROM alpine\nCOPY onlyone\n" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^<stdin>:2:1: error: /);
  });
});

describe("dfc schema progress", () => {
  it("prints the JSON Schema of a progress event", () => {
    const result = runCli(["schema", "progress"]);
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as { required: string[] };
    expect(schema.required).toEqual(["event", "vertex", "targets", "mode", "name", "time"]);
  });
});
