/**
 * Exports built images as an OCI image layout (image-spec v1.1), as a
 * directory or a tar of one. index.json is the multi-platform index: each
 * image's manifest is listed once per platform it is published as, so a
 * TAGARCH group publishes one build under several platforms. Entries are
 * named by platform key (`linux_arm64`).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, utimes, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { ImageConfig } from "../../compile/image-config.js";
import { sha256 } from "../../graph/digest.js";
import { formatPlatform, platformKey, type Platform } from "../../platform/index.js";
import { tarDirectory, writeLayer } from "./archive.js";
import { lstatOrNull } from "./lstat.js";
import { digestHex, MEDIA_TYPES, REF_NAME, type Descriptor } from "./oci.js";

export interface OciImage {
  /** What the image was built as: its config's os, architecture and variant. */
  readonly platform: Platform;
  /** The platforms index.json lists the image under. */
  readonly publishedAs: readonly Platform[];
  /** The image's root filesystem, or null for an image without layers (scratch). */
  readonly rootfs: string | null;
  readonly config: ImageConfig;
}

export interface OciOutput {
  readonly kind: "dir" | "tar";
  readonly path: string;
}

/** The layout cannot be written as asked (the images or the destination are unsuitable). */
export class OciLayoutError extends Error {
  override readonly name = "OciLayoutError";
}

/** The image-spec `platform` object. */
export interface OciPlatform {
  readonly architecture: string;
  readonly os: string;
  readonly "os.version"?: string;
  readonly variant?: string;
}

export function ociPlatform(platform: Platform): OciPlatform {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.osVersion === undefined ? {} : { "os.version": platform.osVersion }),
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
  };
}

/**
 * Writes `images` as an OCI image layout at `output.path`. The layout is
 * built beside the destination and renamed into place, so a failure leaves
 * the destination as it was. An existing layout directory is replaced; any
 * other non-empty directory is refused.
 *
 * @throws OciLayoutError when an image is published under no platform, two
 *   images claim one platform, or the destination cannot be replaced.
 */
export async function writeOciLayout(output: OciOutput, images: readonly OciImage[]): Promise<void> {
  checkPublishedPlatforms(images);
  const destination = resolve(output.path);
  await (output.kind === "dir" ? checkReplaceableDirectory(destination) : checkReplaceableFile(destination));
  await mkdir(dirname(destination), { recursive: true });
  const staging = join(dirname(destination), `.${basename(destination)}.tmp-${randomBytes(6).toString("hex")}`);
  await mkdir(staging);
  try {
    await buildLayout(staging, images);
    if (output.kind === "dir") await moveIntoPlace(staging, destination);
    else await writeTarInPlace(staging, destination);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function checkPublishedPlatforms(images: readonly OciImage[]): void {
  const seen = new Set<string>();
  for (const image of images) {
    if (image.publishedAs.length === 0) {
      throw new OciLayoutError(`the image built for ${formatPlatform(image.platform)} is published under no platform`);
    }
    for (const platform of image.publishedAs) {
      const key = platformKey(platform);
      if (seen.has(key)) throw new OciLayoutError(`two images are published as ${formatPlatform(platform)}`);
      seen.add(key);
    }
  }
}

async function checkReplaceableDirectory(destination: string): Promise<void> {
  const existing = await lstatOrNull(destination);
  if (existing === null) return;
  if (!existing.isDirectory()) throw new OciLayoutError(`${destination} exists and is not a directory`);
  const names = await readdir(destination);
  if (names.length > 0 && !names.includes("oci-layout")) {
    throw new OciLayoutError(`${destination} is a non-empty directory that is not an OCI image layout; refusing to replace it`);
  }
}

async function checkReplaceableFile(destination: string): Promise<void> {
  if ((await lstatOrNull(destination))?.isDirectory() === true) {
    throw new OciLayoutError(`${destination} is a directory; an OCI layout tar needs a file name`);
  }
}

async function buildLayout(root: string, images: readonly OciImage[]): Promise<void> {
  const blobs = join(root, "blobs", "sha256");
  await mkdir(blobs, { recursive: true });
  const manifests: object[] = [];
  for (const image of images) {
    const layer = image.rootfs === null ? null : await addLayer(blobs, image.rootfs);
    const config = await addJsonBlob(blobs, MEDIA_TYPES.ociConfig, imageConfig(image, layer === null ? [] : [layer.diffId]));
    const manifest = await addJsonBlob(blobs, MEDIA_TYPES.ociManifest, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config,
      layers: layer === null ? [] : [layer.descriptor],
    });
    // Each entry is named by its platform (linux_arm64), so tools that take one image of a layout (skopeo oci:DIR:NAME) can pick it.
    for (const platform of image.publishedAs) {
      manifests.push({ ...manifest, platform: ociPlatform(platform), annotations: { [REF_NAME]: platformKey(platform) } });
    }
  }
  await writeFile(join(root, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
  await writeFile(join(root, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
}

async function addLayer(blobs: string, rootfs: string): Promise<{ descriptor: Descriptor; diffId: string }> {
  const temporary = join(blobs, `.layer-${randomBytes(6).toString("hex")}`);
  const { digest, diffId, size } = await writeLayer(rootfs, temporary);
  // Two images with identical trees share the blob; renaming over it is harmless.
  await rename(temporary, join(blobs, digestHex(digest)));
  return { descriptor: { mediaType: MEDIA_TYPES.ociLayer, digest, size }, diffId };
}

async function addJsonBlob(blobs: string, mediaType: string, value: object): Promise<Descriptor> {
  const data = Buffer.from(JSON.stringify(value));
  const digest = sha256(data);
  await writeFile(join(blobs, digestHex(digest)), data);
  return { mediaType, digest, size: data.length };
}

/**
 * The image config. Empty settings are left out; Shell and OnBuild are the
 * Docker extensions BuildKit also writes, which OCI tools ignore and later
 * Docker builds need.
 */
function imageConfig(image: OciImage, diffIds: readonly string[]): object {
  const { env, workdir, user, entrypoint, cmd, shell, onbuild } = image.config;
  const nonEmpty = (key: string, value: readonly string[] | string | null) => (value === null || value.length === 0 ? {} : { [key]: value });
  return {
    ...ociPlatform(image.platform),
    config: {
      ...nonEmpty("User", user),
      ...nonEmpty("Env", env),
      ...nonEmpty("Entrypoint", entrypoint),
      ...nonEmpty("Cmd", cmd),
      ...nonEmpty("WorkingDir", workdir),
      ...nonEmpty("Shell", shell),
      ...nonEmpty("OnBuild", onbuild),
    },
    rootfs: { type: "layers", diff_ids: diffIds },
  };
}

/** Replaces `destination` (absent, empty, or an old layout) with the finished layout. */
async function moveIntoPlace(staging: string, destination: string): Promise<void> {
  if ((await lstatOrNull(destination)) === null) return rename(staging, destination);
  const retired = `${staging}-old`;
  await rename(destination, retired);
  try {
    await rename(staging, destination);
  } catch (error) {
    await rename(retired, destination);
    throw error;
  }
  await rm(retired, { recursive: true, force: true });
}

/** Writes the tar of the layout beside `destination`, then renames it into place. */
async function writeTarInPlace(staging: string, destination: string): Promise<void> {
  await pinTimes(staging);
  const temporary = `${staging}.tar`;
  try {
    await pipeline(tarDirectory(staging), createWriteStream(temporary));
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The layout's own files get a fixed time, so the same images give the same tar. */
async function pinTimes(root: string): Promise<void> {
  const epoch = new Date(0);
  const blobs = join(root, "blobs", "sha256");
  const paths = [...(await readdir(blobs)).map((name) => join(blobs, name)), blobs, dirname(blobs), join(root, "index.json"), join(root, "oci-layout")];
  for (const path of paths) await utimes(path, epoch, epoch);
}
