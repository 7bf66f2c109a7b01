import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Header } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_CONFIG, type ImageConfig } from "../../../src/compile/image-config.js";
import { OciLayoutError, ociPlatform, writeOciLayout, type OciImage } from "../../../src/exec/local/oci-layout.js";
import type { Platform } from "../../../src/platform/index.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const AMD64: Platform = { os: "linux", architecture: "amd64" };
const ARM_V5: Platform = { os: "linux", architecture: "arm", variant: "v5" };
const ARM_V6: Platform = { os: "linux", architecture: "arm", variant: "v6" };
const ARM_V7: Platform = { os: "linux", architecture: "arm", variant: "v7" };

function rootfs(files: Record<string, string>): string {
  const root = tempDir("rootfs");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const SERVER_CONFIG: ImageConfig = {
  env: ["PATH=/usr/local/bin:/usr/bin:/bin", "MODE=server"],
  workdir: "/srv",
  user: "1000:1000",
  entrypoint: ["/bin/server"],
  cmd: ["--port", "8080"],
  shell: null,
  onbuild: [],
};

/** A standalone image for amd64, and one arm/v7 build a TAGARCH group publishes for three arm variants. */
function twoImages(): OciImage[] {
  return [
    { platform: AMD64, publishedAs: [AMD64], rootfs: rootfs({ "bin/server": "#!/bin/sh\n", "etc/motd": "hi\n" }), config: SERVER_CONFIG },
    { platform: ARM_V7, publishedAs: [ARM_V5, ARM_V6, ARM_V7], rootfs: rootfs({ hello: "arm\n" }), config: { ...EMPTY_CONFIG, cmd: ["/hello"] } },
  ];
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Record<string, string>;
}

/** Reads a layout, checking every blob's name against its content on the way. */
function readLayout(dir: string) {
  const blobDir = join(dir, "blobs", "sha256");
  const blobs = new Map<string, Buffer>();
  for (const name of readdirSync(blobDir)) {
    const data = readFileSync(join(blobDir, name));
    expect(createHash("sha256").update(data).digest("hex"), `blob ${name}`).toBe(name);
    blobs.set(`sha256:${name}`, data);
  }
  const blob = (descriptor: Descriptor): Buffer => {
    const data = blobs.get(descriptor.digest);
    expect(data, `blob ${descriptor.digest}`).toBeDefined();
    expect(data!.length).toBe(descriptor.size);
    return data!;
  };
  const json = (descriptor: Descriptor) => JSON.parse(blob(descriptor).toString("utf8"));
  return {
    layoutFile: JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8")),
    index: JSON.parse(readFileSync(join(dir, "index.json"), "utf8")),
    blobs,
    blob,
    json,
  };
}

function tarNames(tar: Buffer): string[] {
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = new Header(tar, offset);
    if (header.nullBlock) break;
    names.push(header.path!);
    offset += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
  }
  return names;
}

function run(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: `${result.stderr ?? ""}${result.error?.message ?? ""}` };
}

/** In CI the validators are required: a missing one fails the test instead of skipping it. */
function validatorAvailable(command: string): boolean {
  return process.env.CI !== undefined || spawnSync(command, ["--version"]).error === undefined;
}

describe("writeOciLayout", () => {
  it("lists each manifest once per published platform, with content-addressed blobs", async () => {
    const dir = join(tempDir("out"), "layout");
    await writeOciLayout({ kind: "dir", path: dir }, twoImages());
    const layout = readLayout(dir);

    expect(layout.layoutFile).toEqual({ imageLayoutVersion: "1.0.0" });
    expect(layout.index.schemaVersion).toBe(2);
    expect(layout.index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    const entries = layout.index.manifests as Descriptor[];
    expect(entries.map((entry) => entry.platform)).toEqual([
      { architecture: "amd64", os: "linux" },
      { architecture: "arm", os: "linux", variant: "v5" },
      { architecture: "arm", os: "linux", variant: "v6" },
      { architecture: "arm", os: "linux", variant: "v7" },
    ]);
    expect(new Set(entries.slice(1).map((entry) => entry.digest)).size).toBe(1);
    expect(entries[1]!.digest).not.toBe(entries[0]!.digest);

    const referenced = new Set<string>();
    const configs = [entries[0]!, entries[1]!].map((entry) => {
      expect(entry.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      const manifest = layout.json(entry);
      referenced.add(entry.digest).add(manifest.config.digest);
      expect(manifest.schemaVersion).toBe(2);
      expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      expect(manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
      expect(manifest.layers).toHaveLength(1);
      const [layer] = manifest.layers as Descriptor[];
      expect(layer!.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
      referenced.add(layer!.digest);
      const tar = gunzipSync(layout.blob(layer!));
      const config = layout.json(manifest.config);
      expect(config.rootfs).toEqual({ type: "layers", diff_ids: [`sha256:${createHash("sha256").update(tar).digest("hex")}`] });
      return { config, files: tarNames(tar) };
    });
    // Nothing is left in blobs/ that the index does not reach.
    expect(new Set(layout.blobs.keys())).toEqual(referenced);

    expect(configs[0]!.files).toEqual(["bin/", "bin/server", "etc/", "etc/motd"]);
    expect(configs[0]!.config).toMatchObject({ architecture: "amd64", os: "linux" });
    expect(configs[0]!.config).not.toHaveProperty("variant");
    expect(configs[0]!.config.config).toEqual({
      User: "1000:1000",
      Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "MODE=server"],
      Entrypoint: ["/bin/server"],
      Cmd: ["--port", "8080"],
      WorkingDir: "/srv",
    });
    expect(configs[1]!.files).toEqual(["hello"]);
    expect(configs[1]!.config).toMatchObject({ architecture: "arm", os: "linux", variant: "v7" });
    expect(configs[1]!.config.config).toEqual({ Cmd: ["/hello"] });
  });

  it("writes an image without layers for an empty rootfs, keeping SHELL and ONBUILD", async () => {
    const dir = join(tempDir("out"), "layout");
    const config = { ...EMPTY_CONFIG, shell: ["/bin/bash", "-c"], onbuild: ["RUN make"] };
    await writeOciLayout({ kind: "dir", path: dir }, [{ platform: AMD64, publishedAs: [AMD64], rootfs: null, config }]);
    const layout = readLayout(dir);
    const manifest = layout.json(layout.index.manifests[0]);
    expect(manifest.layers).toEqual([]);
    const imageConfig = layout.json(manifest.config);
    expect(imageConfig.rootfs).toEqual({ type: "layers", diff_ids: [] });
    expect(imageConfig.config).toEqual({ Shell: ["/bin/bash", "-c"], OnBuild: ["RUN make"] });
  });

  it("writes the layout as a tar, the same bytes each time", async () => {
    const out = tempDir("out");
    const images = twoImages();
    await writeOciLayout({ kind: "tar", path: join(out, "first.tar") }, images);
    await writeOciLayout({ kind: "tar", path: join(out, "second.tar") }, images);
    const tar = readFileSync(join(out, "first.tar"));
    expect(tar.equals(readFileSync(join(out, "second.tar")))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["first.tar", "second.tar"]);

    const names = tarNames(tar);
    expect(names).toContain("oci-layout");
    expect(names).toContain("index.json");
    const blobNames = names.filter((name) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(name));
    // Two layers, two configs, two manifests.
    expect(blobNames).toHaveLength(6);
    expect(names.every((name) => !name.startsWith("./") && !name.startsWith("/"))).toBe(true);
  });

  it("replaces an existing layout and leaves nothing beside it", async () => {
    const out = tempDir("out");
    const dir = join(out, "layout");
    await writeOciLayout({ kind: "dir", path: dir }, twoImages());
    await writeOciLayout({ kind: "dir", path: dir }, [{ platform: AMD64, publishedAs: [AMD64], rootfs: null, config: EMPTY_CONFIG }]);
    expect(readLayout(dir).index.manifests).toHaveLength(1);
    expect(readdirSync(out)).toEqual(["layout"]);
  });

  it("refuses to replace a non-empty directory that is not a layout", async () => {
    const out = tempDir("out");
    const dir = join(out, "important");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "keep me");
    await expect(writeOciLayout({ kind: "dir", path: dir }, twoImages())).rejects.toThrow(OciLayoutError);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    expect(readdirSync(out)).toEqual(["important"]);
  });

  it.each(["dir", "tar"] as const)("leaves no %s and no temporary files when it fails", async (kind) => {
    const out = tempDir("out");
    const images = [{ platform: AMD64, publishedAs: [AMD64], rootfs: join(out, "missing-rootfs"), config: EMPTY_CONFIG }];
    await expect(writeOciLayout({ kind, path: join(out, "layout") }, images)).rejects.toThrow(/missing-rootfs/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("refuses an image published under no platform, and two images claiming one platform", async () => {
    const path = join(tempDir("out"), "layout");
    const image = { platform: AMD64, publishedAs: [] as Platform[], rootfs: null, config: EMPTY_CONFIG };
    await expect(writeOciLayout({ kind: "dir", path }, [image])).rejects.toThrow(/published under no platform/);
    const twice = [
      { ...image, publishedAs: [AMD64, ARM_V7] },
      { ...image, platform: ARM_V7, publishedAs: [ARM_V7] },
    ];
    await expect(writeOciLayout({ kind: "dir", path }, twice)).rejects.toThrow("two images are published as linux/arm/v7");
    expect(existsSync(path)).toBe(false);
  });

  it("maps platforms to image-spec platform objects", () => {
    expect(ociPlatform(ARM_V7)).toEqual({ architecture: "arm", os: "linux", variant: "v7" });
    expect(ociPlatform({ os: "windows", architecture: "amd64", osVersion: "10.0.17763.1" })).toEqual({
      architecture: "amd64",
      os: "windows",
      "os.version": "10.0.17763.1",
    });
  });
});

describe("the layout, as other OCI tools read it", () => {
  it.runIf(validatorAvailable("umoci"))("passes umoci: listing, and garbage collection finds every blob reachable", async () => {
    const dir = join(tempDir("out"), "layout");
    await writeOciLayout({ kind: "dir", path: dir }, twoImages());
    const blobsBefore = readdirSync(join(dir, "blobs", "sha256")).sort();

    const list = run("umoci", ["ls", "--layout", dir]);
    expect(list.status, list.stderr).toBe(0);
    // Each index entry is tagged with its platform key.
    expect(list.stdout.trim().split("\n").sort()).toEqual(["linux_amd64", "linux_arm_v5", "linux_arm_v6", "linux_arm_v7"]);

    const collected = join(tempDir("out"), "collected");
    cpSync(dir, collected, { recursive: true });
    const gc = run("umoci", ["gc", "--layout", collected]);
    expect(gc.status, gc.stderr).toBe(0);
    expect(readdirSync(join(collected, "blobs", "sha256")).sort()).toEqual(blobsBefore);
  });

  it.runIf(validatorAvailable("skopeo"))("passes skopeo: inspecting and copying the image, from a directory and from a tar", async () => {
    const out = tempDir("out");
    const images = [twoImages()[0]!];
    await writeOciLayout({ kind: "dir", path: join(out, "layout") }, images);
    await writeOciLayout({ kind: "tar", path: join(out, "layout.tar") }, images);

    for (const reference of [`oci:${join(out, "layout")}`, `oci-archive:${join(out, "layout.tar")}`]) {
      const inspect = run("skopeo", ["inspect", reference]);
      expect(inspect.status, inspect.stderr).toBe(0);
      const report = JSON.parse(inspect.stdout);
      expect(report).toMatchObject({ Architecture: "amd64", Os: "linux", Env: SERVER_CONFIG.env });
      expect(report.Layers).toHaveLength(1);
    }
    // Copying reads every blob and verifies its digest.
    const copy = run("skopeo", ["copy", "--quiet", `oci:${join(out, "layout")}`, `dir:${join(out, "copy")}`]);
    expect(copy.status, copy.stderr).toBe(0);

    // From a multi-platform layout, one image by its platform's name.
    await writeOciLayout({ kind: "dir", path: join(out, "multi") }, twoImages());
    const picked = run("skopeo", ["inspect", `oci:${join(out, "multi")}:linux_arm_v7`]);
    expect(picked.status, picked.stderr).toBe(0);
    expect(JSON.parse(picked.stdout)).toMatchObject({ Architecture: "arm", Os: "linux" });
  });
});
