/**
 * The registry round trip, end to end: dfc builds and pushes a
 * two-platform base image to Debian's docker-registry, builds `FROM` it for
 * both platforms (each pulling its own manifest, its RUN steps inheriting
 * the base's ENV and WORKDIR), pushes the result, and skopeo — not dfc —
 * reads it back.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";
import { buildContext, missingForBuilds } from "./helpers.js";
import { dockerRegistry, startRegistry, type RunningRegistry } from "./registry-server.js";

const missing = missingForBuilds(["proot", "qemu-aarch64-static", "skopeo"], dockerRegistry === undefined ? ["docker-registry"] : []);

describe.skipIf(missing.length > 0)("dfc build with a registry", () => {
  let registry: RunningRegistry;
  const work = mkdtempSync(join(tmpdir(), "dfc-registry-build-"));
  beforeAll(async () => {
    registry = await startRegistry(join(work, "registry"));
  });
  afterAll(() => registry.stop());

  const contextWith = (name: string, dockerfile: string): string => buildContext(join(work, name), { Dockerfile: dockerfile });
  const platforms = ["--platform", "linux/amd64,linux/arm64"];
  const inspectRaw = (ref: string): { manifests: { platform: { architecture: string } }[] } => {
    const result = spawnSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { manifests: { platform: { architecture: string } }[] };
  };

  it("pushes a base, builds FROM it per platform, pushes the result, and skopeo reads both back", () => {
    const base = `${registry.address}/base:1`;
    const baseContext = contextWith(
      "base",
      "FROM scratch\nIFARCH amd64\nADD rootfs-x64.tar.xz /\nENDIFARCH\nIFARCH arm64\nADD rootfs-arm64.tar.xz /\nENDIFARCH\nENV GREETING=hello\nWORKDIR /srv\n",
    );
    const pushed = runCli(["build", ...platforms, "--progress", "plain", "--cache-dir", join(work, "cache"), "--push", base, baseContext]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(inspectRaw(base).manifests.map((manifest) => manifest.platform.architecture).sort()).toEqual(["amd64", "arm64"]);

    const app = `${registry.address}/app:1`;
    const appContext = contextWith("app", `FROM ${base}\nRUN uname -m > /etc/built-on\nRUN echo "$GREETING from $(pwd)" > /etc/greeting\n`);
    const output = join(work, "app-rootfs");
    const built = runCli(["build", ...platforms, "--progress", "plain", "--cache-dir", join(work, "cache-app"), "--push", app, "--output", `type=local,dest=${output}`, appContext]);
    expect(built.status, built.stderr).toBe(0);
    // Each platform pulled its own manifest: the emulated arm64 step ran arm64 busybox.
    expect(readFileSync(join(output, "linux_amd64", "etc", "built-on"), "utf8")).toBe("x86_64\n");
    expect(readFileSync(join(output, "linux_arm64", "etc", "built-on"), "utf8")).toBe("aarch64\n");
    // The steps inherited the base image's config (ENV, WORKDIR), read from the registry.
    expect(readFileSync(join(output, "linux_arm64", "etc", "greeting"), "utf8")).toBe("hello from /srv\n");
    expect(inspectRaw(app).manifests.map((manifest) => manifest.platform.architecture).sort()).toEqual(["amd64", "arm64"]);
  });
});
