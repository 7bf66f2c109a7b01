/**
 * What a local build leaves behind (`--output`, `--push`): an OCI image
 * layout with one manifest per build, listed under every platform it is
 * published as (a TAGARCH group's one build under each member), or each
 * platform's root file system in a directory of its own.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Digest } from "../../graph/ir.js";
import type { Plan } from "../../plan/plan.js";
import { parsePlatform, platformKey } from "../../platform/index.js";
import { copyTree } from "./copy.js";
import { writeOciLayout, type OciImage } from "./oci-layout.js";
import { pushImage } from "./registry.js";
import { removeTree } from "./cache.js";

export type OutputSpec =
  /** An OCI image layout: a directory, or a tar file when `dest` ends in `.tar`. */
  | { readonly type: "oci"; readonly dest: string }
  /** Root file systems in `dest/<os>_<arch>[_<variant>]`. */
  | { readonly type: "local"; readonly dest: string };

/** The images of a finished build; `resultOf` gives each vertex's snapshot. */
export function builtImages(plan: Plan, resultOf: (digest: Digest) => string): OciImage[] {
  return plan.targets.map((target) => ({
    platform: parsePlatform(target.platform),
    publishedAs: target.publishedAs.map((platform) => parsePlatform(platform)),
    rootfs: target.root === null ? null : resultOf(target.root),
    config: target.config,
  }));
}

export async function exportBuild(images: readonly OciImage[], output: OutputSpec): Promise<void> {
  if (output.type === "oci") return writeOciLayout({ kind: output.dest.endsWith(".tar") ? "tar" : "dir", path: output.dest }, images);
  // Into the destination, as BuildKit writes it: only the platforms' own
  // directories are replaced, each made aside and renamed into place, so
  // nothing else in it is touched and no platform is ever half there.
  mkdirSync(output.dest, { recursive: true });
  for (const image of images) {
    for (const platform of image.publishedAs) {
      const work = mkdtempSync(join(output.dest, ".dfc-output-"));
      try {
        if (image.rootfs !== null) await copyTree(image.rootfs, work);
        const dir = join(output.dest, platformKey(platform));
        rmSync(dir, { recursive: true, force: true });
        renameSync(work, dir);
      } catch (error) {
        removeTree(work);
        throw error;
      }
    }
  }
}

/** Pushes the images to `ref` as one multi-platform index. */
export async function pushBuild(images: readonly OciImage[], ref: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "dfc-push-"));
  try {
    const layout = join(work, "layout");
    await writeOciLayout({ kind: "dir", path: layout }, images);
    return (await pushImage(ref, { dir: layout })).digest;
  } finally {
    removeTree(work);
  }
}
