/**
 * What the OCI image layout, the registry client and the layout reader
 * share: media types, descriptors, the tag annotation, and where a blob
 * lives in a layout.
 */
import { join } from "node:path";

export const MEDIA_TYPES = Object.freeze({
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
});

/** The annotation that names an index entry (a tag, in a layout). */
export const REF_NAME = "org.opencontainers.image.ref.name";

/** An OCI content descriptor, with the fields dfc reads. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string; readonly "os.version"?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export class MalformedDigestError extends Error {
  override readonly name = "MalformedDigestError";
}

const SHA256_DIGEST = /^sha256:([a-f0-9]{64})$/;

/** The hex part of a sha256 digest, which becomes a file name: anything else is refused. */
export function digestHex(digest: string): string {
  const match = SHA256_DIGEST.exec(digest);
  if (match?.[1] === undefined) throw new MalformedDigestError(`unsupported or malformed digest ${JSON.stringify(digest)}`);
  return match[1];
}

/** Where a blob lives in an OCI image layout. */
export function layoutBlobPath(layout: string, digest: string): string {
  return join(layout, "blobs", "sha256", digestHex(digest));
}
