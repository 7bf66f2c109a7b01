/**
 * `dfc build` with the local backend, end to end: the proposal's example
 * built for real (native and emulated RUN steps, an OCI layout that skopeo
 * and umoci accept), shared steps run once, the cache, and the faults a
 * user meets. The root file systems come from Debian's busybox-static
 * (examples/ifarch-rootfs/make-rootfs.sh, run by .ci/run); without them,
 * or without proot and QEMU, these tests are skipped outside CI.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";
import { buildContext, missingForBuilds, ROOTFS_EXAMPLE } from "./helpers.js";

const cli = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));
const missing = missingForBuilds(["proot", "qemu-aarch64-static", "skopeo", "umoci"]);

interface Event {
  readonly event: string;
  readonly vertex: string;
  readonly name: string;
  readonly mode: string | null;
  readonly targets: string[];
}

/** A build context with the example's tarballs and `files`. */
function context(files: Readonly<Record<string, string>>): string {
  return buildContext(mkdtempSync(join(tmpdir(), "dfc-build-")), files);
}

/** Beside the context, not in it (dfc refuses a cache inside the context it would copy). */
const cacheOf = (dir: string): string => `${dir}.cache`;

function build(dir: string, args: readonly string[]): { status: number | null; events: Event[]; stderr: string } {
  const result = runCli(["build", "--progress", "json", "--cache-dir", cacheOf(dir), ...args, dir]);
  const events = result.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Event);
  return { status: result.status, events, stderr: result.stderr };
}

/** As build(), without blocking this process (a test's own server must keep answering). */
function buildAsync(dir: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, "build", "--progress", "plain", "--cache-dir", cacheOf(dir), ...args, dir], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

/** Starts a build (json progress) and resolves once `step` has started: the moment to interrupt it. */
async function startedBuild(dir: string, step: string): Promise<{ child: ChildProcess; stderr: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, "build", "--progress", "json", "--cache-dir", cacheOf(dir), dir], { stdio: ["ignore", "ignore", "pipe"] });
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  let stderr = "";
  await new Promise<void>((resolve) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.split("\n").some((line) => line.includes('"event":"start"') && line.includes(step))) resolve();
    });
  });
  return { child, stderr: () => stderr, exit };
}

const started = (events: readonly Event[]): string[] => events.filter((event) => event.event === "start").map((event) => event.vertex);

describe.skipIf(missing.length > 0)("dfc build --backend local", () => {
  it("builds the proposal's example: x86_64 natively, aarch64 under QEMU, one manifest per platform", () => {
    const dir = context({ Dockerfile: readFileSync(join(ROOTFS_EXAMPLE, "Dockerfile"), "utf8") });
    const layout = `${dir}.image`;
    const first = build(dir, ["--platform", "linux/amd64,linux/arm64", "--output", `type=oci,dest=${layout}`]);
    expect(first.status, first.stderr).toBe(0);
    const runs = first.events.filter((event) => event.event === "start" && event.name.includes("RUN uname"));
    expect(runs.map((event) => [event.targets, event.mode]).sort()).toEqual([
      [["linux/amd64"], "native"],
      [["linux/arm64"], "emulated"],
    ]);

    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string; platform: { architecture: string; os: string } }[] };
    expect(index.manifests.map((manifest) => `${manifest.platform.os}/${manifest.platform.architecture}`).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    for (const platform of ["linux_amd64", "linux_arm64"]) {
      const inspected = spawnSync("skopeo", ["inspect", `oci:${layout}:${platform}`], { encoding: "utf8" });
      expect(inspected.status, inspected.stderr).toBe(0);
      expect(JSON.parse(inspected.stdout)).toMatchObject({ Architecture: platform.split("_")[1], Os: "linux" });
    }
    const listed = spawnSync("umoci", ["ls", "--layout", layout], { encoding: "utf8" });
    expect(listed.stdout.trim().split("\n").sort()).toEqual(["linux_amd64", "linux_arm64"]);

    // The same build again, exported as root file systems: all cached, and each says where it ran.
    const files = `${dir}.rootfs`;
    const second = build(dir, ["--platform", "linux/amd64,linux/arm64", "--output", `type=local,dest=${files}`]);
    expect(second.status, second.stderr).toBe(0);
    expect(started(second.events)).toEqual([]);
    expect(readFileSync(join(files, "linux_amd64", "etc", "built-on"), "utf8")).toBe("x86_64\n");
    expect(readFileSync(join(files, "linux_arm64", "etc", "built-on"), "utf8")).toBe("aarch64\n");
  });

  it("publishes a TAGARCH group's one build under each of its platforms", () => {
    const dir = context({ Dockerfile: readFileSync(join(ROOTFS_EXAMPLE, "Dockerfile"), "utf8") });
    const layout = `${dir}.image.tar`;
    const result = build(dir, ["--platform", "linux/arm64,linux/arm64/v8.1", "--output", `type=oci,dest=${layout}`]);
    expect(result.status, result.stderr).toBe(0);
    expect(started(result.events).length).toBe(new Set(started(result.events)).size);
    const listing = spawnSync("tar", ["-xOf", layout, "index.json"], { encoding: "utf8" });
    const index = JSON.parse(listing.stdout) as { manifests: { digest: string; platform: { variant?: string } }[] };
    expect(index.manifests).toHaveLength(2);
    expect(new Set(index.manifests.map((manifest) => manifest.digest)).size).toBe(1);
  });

  it("takes a base image from a local OCI layout (--build-context NAME=oci-layout://DIR)", () => {
    const base = context({ Dockerfile: "FROM scratch\nIFARCH amd64\nADD rootfs-x64.tar.xz /\nENDIFARCH\nIFARCH arm64\nADD rootfs-arm64.tar.xz /\nENDIFARCH\n" });
    const layout = `${base}.layout`;
    expect(build(base, ["--platform", "linux/amd64,linux/arm64", "--output", `type=oci,dest=${layout}`]).status).toBe(0);
    const app = context({ Dockerfile: "FROM base\nRUN uname -m > /etc/built-on\n" });
    const files = `${app}.rootfs`;
    const built = build(app, ["--platform", "linux/amd64,linux/arm64", "--build-context", `base=oci-layout://${layout}`, "--output", `type=local,dest=${files}`]);
    expect(built.status, built.stderr).toBe(0);
    expect(readFileSync(join(files, "linux_amd64", "etc", "built-on"), "utf8")).toBe("x86_64\n");
    expect(readFileSync(join(files, "linux_arm64", "etc", "built-on"), "utf8")).toBe("aarch64\n");
    const missingLayout = build(app, ["--build-context", `base=oci-layout://${app}.nowhere`]);
    expect(missingLayout.status).toBe(1);
    expect(missingLayout.stderr).toContain("cannot read the OCI layout index");
  });

  it("runs each shared step once for three targets, and nothing the second time", () => {
    const dir = context({
      Dockerfile: [
        "FROM --platform=$BUILDPLATFORM scratch AS tools",
        "ADD rootfs-x64.tar.xz /",
        "RUN echo made once > /shared.txt",
        "FROM scratch",
        "COPY --from=tools /shared.txt /shared.txt",
        "",
      ].join("\n"),
    });
    const platforms = ["--platform", "linux/amd64,linux/arm64,linux/arm/v7"];
    const first = build(dir, platforms);
    expect(first.status, first.stderr).toBe(0);
    const shared = first.events.filter((event) => event.event === "start" && event.targets.length === 3);
    expect(shared.map((event) => event.name)).toEqual(expect.arrayContaining([expect.stringContaining("RUN echo made once")]));
    expect(started(first.events).length).toBe(new Set(started(first.events)).size);
    const second = build(dir, platforms);
    expect(second.status, second.stderr).toBe(0);
    expect(started(second.events)).toEqual([]);
    expect(second.events.filter((event) => event.event === "cached").length).toBe(first.events.filter((event) => event.event === "done").length);
  });

  it("re-runs a copy whose source goes through a symlinked directory or .. when the file changes", () => {
    const dir = context({ Dockerfile: "FROM scratch\nCOPY link/file.txt /a\nCOPY sub/../real/file.txt /b\n" });
    mkdirSync(join(dir, "real"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "real", "file.txt"), "v1\n");
    symlinkSync("real", join(dir, "link"));
    expect(build(dir, []).status).toBe(0);
    writeFileSync(join(dir, "real", "file.txt"), "v2\n");
    const again = build(dir, []);
    expect(again.status, again.stderr).toBe(0);
    expect(again.events.filter((event) => event.event === "start").map((event) => event.name)).toEqual(
      expect.arrayContaining([expect.stringContaining("COPY link/file.txt"), expect.stringContaining("COPY sub/../real/file.txt")]),
    );
  });

  it("writes type=local into the destination, keeping what else is there", () => {
    const dir = context({ Dockerfile: "FROM scratch\nCOPY Dockerfile /copied\n" });
    const dest = `${dir}.dest`;
    mkdirSync(dest);
    writeFileSync(join(dest, "keep.txt"), "mine\n");
    expect(build(dir, ["--output", `type=local,dest=${dest}`]).status).toBe(0);
    expect(readdirSync(dest).sort()).toEqual(["keep.txt", "linux_amd64"]);
    expect(existsSync(join(dest, "linux_amd64", "copied"))).toBe(true);
  });

  it("gives RUN steps HOME from passwd and recreates a removed working directory", () => {
    const dir = context({
      Dockerfile: [
        "FROM scratch",
        "ADD rootfs-x64.tar.xz /",
        "COPY passwd /etc/passwd",
        "WORKDIR /work",
        "RUN echo $HOME > /root-home && cd / && rm -rf /work",
        "RUN pwd > /pwd",
        "USER app",
        "RUN echo $HOME > /tmp-app-home",
        "",
      ].join("\n"),
      passwd: "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
    });
    const files = `${dir}.rootfs`;
    const result = build(dir, ["--output", `type=local,dest=${files}`]);
    expect(result.status, result.stderr).toBe(0);
    const root = join(files, readdirSync(files)[0] as string);
    expect(["root-home", "pwd", "tmp-app-home"].map((file) => readFileSync(join(root, file), "utf8"))).toEqual(["/root\n", "/work\n", "/home/app\n"]);
  });

  it("lets steps of one build that share a cache id with sharing=locked take turns", () => {
    const step = "RUN --mount=type=cache,id=apt,target=/c,sharing=locked mkdir /c/lock && sleep 1 && rmdir /c/lock && echo ok > /done";
    const dir = context({ Dockerfile: ["FROM scratch AS base", "ADD rootfs-x64.tar.xz /", "FROM base AS a", step, "FROM base AS b", step, "FROM scratch", "COPY --from=a /done /a", "COPY --from=b /done /b", ""].join("\n") });
    const result = build(dir, ["--jobs", "2"]);
    expect(result.status, result.stderr).toBe(0);
  });

  it("re-runs only what a context change affects", () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN echo one > /one\nCOPY note.txt /note.txt\nRUN cat /note.txt\n", "note.txt": "v1\n" });
    expect(build(dir, []).status).toBe(0);
    writeFileSync(join(dir, "note.txt"), "v2\n");
    const again = build(dir, []);
    expect(again.status, again.stderr).toBe(0);
    expect(again.events.filter((event) => event.event === "start").map((event) => event.name.replace(/^\[[^\]]*\d+\/\d+\] /, ""))).toEqual([
      "[internal] load build context",
      "COPY note.txt /note.txt",
      "RUN cat /note.txt",
    ]);
  });
});

describe.skipIf(missing.length > 0)("dfc build --backend local: faults", () => {
  it("a failing RUN: its place, exit code and last output lines; the other target's finished work is cached", () => {
    const dir = context({
      Dockerfile: "FROM --platform=$BUILDPLATFORM scratch\nADD rootfs-x64.tar.xz /\nARG TARGETARCH\nRUN echo fine > /ok\nRUN echo about to fail; if [ $TARGETARCH = arm64 ]; then exit 3; fi\n",
    });
    const failed = build(dir, ["--platform", "linux/amd64,linux/arm64", "--jobs", "1"]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/Dockerfile:5:1: error: .*RUN echo about to fail.*: exit code 3/);
    expect(failed.stderr).toContain("  > about to fail");
    const done = new Set(failed.events.filter((event) => event.event === "done").map((event) => event.vertex));
    const amd64 = build(dir, ["--platform", "linux/amd64"]);
    expect(amd64.status, amd64.stderr).toBe(0);
    for (const event of amd64.events) if (done.has(event.vertex)) expect(event.event).toBe("cached");
  });

  it("refuses a COPY source outside the context or through a symlink that leaves it", () => {
    const dir = context({ Dockerfile: "FROM scratch\nCOPY ../outside.txt /x\n" });
    writeFileSync(join(dir, "..", "outside.txt"), "host file\n");
    const outside = build(dir, []);
    expect(outside.status).toBe(1);
    symlinkSync("/etc/hostname", join(dir, "escape"));
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY escape /x\n");
    const layout = `${dir}.out`;
    const viaLink = build(dir, ["--output", `type=local,dest=${layout}`]);
    // Either refused, or the link resolved inside the context (where nothing is): never the host's file.
    if (viaLink.status === 0) expect(readFileSync(join(layout, readdirSync(layout)[0] as string, "x"), "utf8")).not.toBe(readFileSync("/etc/hostname", "utf8"));
    else expect(viaLink.status).toBe(1);
  });

  it("a required secret that was not given fails the step; a given one never reaches the cache or the image", () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN --mount=type=secret,id=token,required cat /run/secrets/token > /dev/null\n" });
    const without = build(dir, []);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('secret "token" is required');
    const secret = join(dir, "..", `secret-${process.pid}`);
    writeFileSync(secret, "s3cr3t-value-never-stored\n");
    const layout = `${dir}.image`;
    const withSecret = build(dir, ["--secret", `id=token,src=${secret}`, "--output", `type=oci,dest=${layout}`]);
    expect(withSecret.status, withSecret.stderr).toBe(0);
    const grep = spawnSync("grep", ["-r", "-l", "s3cr3t-value-never-stored", cacheOf(dir), layout]);
    expect(grep.status).toBe(1); // no match anywhere
  });

  it("a destination that cannot take the image is reported without a stack trace", () => {
    const dir = context({ Dockerfile: "FROM scratch\nCOPY Dockerfile /x\n" });
    const dest = `${dir}.busy`;
    mkdirSync(dest);
    writeFileSync(join(dest, "notes.txt"), "not a layout\n");
    const result = build(dir, ["--output", `type=oci,dest=${dest}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^dfc: the build succeeded, but its result could not be written: /m);
    expect(result.stderr).not.toContain("internal error");
    expect(readFileSync(join(dest, "notes.txt"), "utf8")).toBe("not a layout\n");
  });

  it("a corrupt tarball fails its ADD with a message about the file", () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD broken.tar.xz /\n" });
    writeFileSync(join(dir, "broken.tar.xz"), Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from("not really xz")]));
    const result = build(dir, []);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Dockerfile:2:1: error: .*broken\.tar\.xz/);
  });

  it("Ctrl-C cancels the running step: exit 130, and what finished stays cached", async () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN sleep 30\n" });
    const running = await startedBuild(dir, "RUN sleep 30");
    const interrupted = performance.now();
    running.child.kill("SIGINT");
    expect(await running.exit).toBe(130);
    expect(performance.now() - interrupted).toBeLessThan(10_000);
    expect(running.stderr()).toContain("build cancelled");
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN true\n");
    const again = build(dir, []);
    expect(again.events.find((event) => event.name.includes("ADD rootfs-x64"))?.event).toBe("cached");
  }, 30_000);

  it("SIGTERM ends a build like Ctrl-C", async () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN sleep 30\n" });
    const running = await startedBuild(dir, "RUN sleep 30");
    running.child.kill("SIGTERM");
    expect(await running.exit).toBe(130);
    expect(readdirSync(join(cacheOf(dir), "tmp"))).toEqual([]);
  }, 30_000);

  it("ADD <url> downloads and checks --checksum", async () => {
    const content = "downloaded tool\n";
    const server = createServer((request, response) => response.end(request.url === "/tool.txt" ? content : ""));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sum = `sha256:${createHash("sha256").update(content).digest("hex")}`;
      const good = context({ Dockerfile: `FROM scratch\nADD --checksum=${sum} http://127.0.0.1:${port}/tool.txt /tool.txt\n` });
      const files = `${good}.rootfs`;
      const fetched = await buildAsync(good, ["--output", `type=local,dest=${files}`]);
      expect(fetched.status, fetched.stderr).toBe(0);
      expect(readFileSync(join(files, readdirSync(files)[0] as string, "tool.txt"), "utf8")).toBe(content);
      const bad = context({ Dockerfile: `FROM scratch\nADD --checksum=sha256:${"0".repeat(64)} http://127.0.0.1:${port}/tool.txt /tool.txt\n` });
      const refused = await buildAsync(bad, []);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/Dockerfile:2:1: error: .*checksum sha256:[0-9a-f]{64} does not match --checksum/);
      const unreachable = context({ Dockerfile: "FROM scratch\nADD http://127.0.0.1:1/tool.txt /tool.txt\n" });
      const failed = await buildAsync(unreachable, []);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/downloading http:\/\/127\.0\.0\.1:1\/tool\.txt: bad port/);
    } finally {
      server.close();
    }
  });

  it("names the Debian package when QEMU is missing for an emulated step", () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-arm64.tar.xz /\nRUN true\n" });
    // A PATH with the tools dfc needs but no QEMU.
    const bin = mkdtempSync(join(tmpdir(), "dfc-bin-"));
    for (const tool of ["proot", "cp", "mkdir", "xz", "sh"]) symlinkSync(spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), join(bin, tool));
    const result = spawnSync(process.execPath, [cli, "build", "--platform", "linux/arm64", "--progress", "plain", "--cache-dir", cacheOf(dir), dir], { encoding: "utf8", env: { ...process.env, PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("emulating arm64 needs qemu-aarch64-static: install the Debian package qemu-user-static");
  });

  it("two builds at once on one cache both succeed, and each step is made once", async () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN --mount=type=cache,target=/runs echo ran >> /runs/log; sleep 1; echo made > /made\n" });
    const cache = cacheOf(dir);
    const once = (): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [cli, "build", "--progress", "plain", "--cache-dir", cache, dir], { stdio: "ignore" });
        child.on("close", resolve);
      });
    expect(await Promise.all([once(), once()])).toEqual([0, 0]);
    // The cache mount outlives both builds: the step's own log says how often it ran.
    const [mount] = readdirSync(join(cache, "mounts"));
    expect(readFileSync(join(cache, "mounts", mount as string, "log"), "utf8")).toBe("ran\n");
  }, 30_000);

  it("a build killed with SIGKILL halfway is followed by a rebuild that uses its cache", async () => {
    const dir = context({ Dockerfile: "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN echo before > /before\nRUN sleep 30\n" });
    const cache = cacheOf(dir);
    const running = await startedBuild(dir, "RUN sleep 30");
    running.child.kill("SIGKILL");
    await running.exit;
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nADD rootfs-x64.tar.xz /\nRUN echo before > /before\nRUN echo after > /after\n");
    const rebuild = build(dir, []);
    expect(rebuild.status, rebuild.stderr).toBe(0);
    expect(rebuild.events.filter((event) => event.event === "cached").map((event) => event.name)).toEqual(
      expect.arrayContaining([expect.stringContaining("RUN echo before")]),
    );
    expect(readdirSync(join(cache, "tmp"))).toEqual([]);
  }, 60_000);
});
