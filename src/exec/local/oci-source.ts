/**
 * `--build-context NAME=oci-layout://PATH[:TAG]`: a base image read from a
 * local OCI image layout (what `--output type=oci` writes) instead of a
 * registry, with the registry's platform selection.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Platform } from "../../platform/index.js";
import { layoutBlobPath, MEDIA_TYPES, REF_NAME, type Descriptor } from "./oci.js";
import { selectPlatformManifest } from "./registry.js";

export class LayoutError extends Error {
  override readonly name = "LayoutError";
}

export interface LayoutImage {
  readonly manifestDigest: string;
  /** Blob files on this machine, lowest layer first. */
  readonly layers: readonly { readonly file: string; readonly mediaType: string }[];
}

/** `PATH[:TAG]`: the tag is what follows the last colon, when no slash follows it. */
function splitRef(ref: string): { dir: string; tag: string | null } {
  const match = /^(.*):([\w][\w.-]*)$/.exec(ref);
  return match === null ? { dir: ref, tag: null } : { dir: match[1] as string, tag: match[2] as string };
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw new LayoutError(`cannot read ${what} ${path} (${(error as Error).message})`);
  }
}

export function layoutImage(ref: string, platform: Platform): LayoutImage {
  const { dir, tag } = splitRef(ref);
  const index = readJson<{ manifests?: Descriptor[] }>(join(dir, "index.json"), "the OCI layout index");
  let entries = (index.manifests ?? []).filter((entry) => tag === null || entry.annotations?.[REF_NAME] === tag);
  if (entries.length === 0) throw new LayoutError(`${dir}: no image${tag === null ? "" : ` tagged ${tag}`} in index.json`);
  // A layout whose entry is itself an index (as buildx writes them): look inside.
  const [only] = entries;
  if (entries.length === 1 && only !== undefined && (only.mediaType === MEDIA_TYPES.ociIndex || only.mediaType === MEDIA_TYPES.dockerManifestList)) {
    entries = readJson<{ manifests?: Descriptor[] }>(layoutBlobPath(dir, only.digest), "the image index").manifests ?? [];
  }
  const chosen = entries.length === 1 && entries[0]?.platform === undefined ? (entries[0] as Descriptor) : selectPlatformManifest(entries, platform);
  const manifest = readJson<{ layers?: Descriptor[] }>(layoutBlobPath(dir, chosen.digest), "the image manifest");
  return { manifestDigest: chosen.digest, layers: (manifest.layers ?? []).map((layer) => ({ file: layoutBlobPath(dir, layer.digest), mediaType: layer.mediaType })) };
}
