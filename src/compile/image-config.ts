/**
 * What the compiler knows about base images. Offline (the default) it knows
 * nothing: a stage's inherited environment, working directory, user and
 * ONBUILD triggers are unknown, and the plan says so. A resolver can supply
 * them, and the platforms an image is published for.
 */
import type { Platform } from "../platform/index.js";

/** The parts of an OCI image config the build depends on. */
export interface ImageConfig {
  readonly env: readonly string[];
  readonly workdir: string;
  readonly user: string;
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly shell: readonly string[] | null;
  readonly onbuild: readonly string[];
}

export type ImageLookup =
  /** Nothing is known about the image (offline). */
  | { readonly status: "unknown" }
  /** The image exists, but not for the requested platform. */
  | { readonly status: "unavailable"; readonly available: readonly Platform[] }
  | { readonly status: "known"; readonly config: ImageConfig };

export interface ImageResolver {
  /** `ref` is normalized (`docker.io/library/alpine:3.20`). */
  lookup(ref: string, platform: Platform): ImageLookup;
}

export const offlineResolver: ImageResolver = { lookup: () => ({ status: "unknown" }) };

export const EMPTY_CONFIG: ImageConfig = { env: [], workdir: "", user: "", entrypoint: null, cmd: null, shell: null, onbuild: [] };
