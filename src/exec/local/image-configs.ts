/**
 * What the compiler must know about base images before a real build: their
 * environment, working directory and user, which RUN steps inherit (a
 * golang image's PATH), and entry point and command, which the exported
 * image inherits. Offline planning leaves them unknown; the local backend
 * asks the registry (the pull's manifest, config and layers land in the
 * blob store the build then uses) and plans again with what it learned.
 */
import type { ImageConfig, ImageResolver } from "../../compile/image-config.js";
import { formatPlatform, parsePlatform, type Platform } from "../../platform/index.js";
import type { Plan } from "../../plan/plan.js";
import { pullImage, type PullOptions } from "./registry.js";

/** The registry images a plan reads, each once per platform. */
function imagesOf(plan: Plan): { ref: string; platform: Platform }[] {
  const seen = new Set<string>();
  const images: { ref: string; platform: Platform }[] = [];
  for (const { vertex } of plan.vertices) {
    if (vertex.kind !== "source" || vertex.source.type !== "image" || vertex.platform === null) continue;
    const key = `${vertex.source.ref} ${vertex.platform}`;
    if (seen.has(key)) continue;
    seen.add(key);
    images.push({ ref: vertex.source.ref, platform: parsePlatform(vertex.platform) });
  }
  return images;
}

/**
 * A resolver that knows the config of every registry image `plan` reads;
 * `fallback` (an --image-meta file) answers for the rest. Null when the plan
 * reads no registry image.
 */
export async function registryResolver(plan: Plan, fallback: ImageResolver | undefined, options: PullOptions): Promise<ImageResolver | null> {
  const images = imagesOf(plan);
  if (images.length === 0) return null;
  const configs = new Map<string, ImageConfig>();
  for (const { ref, platform } of images) {
    const { config } = await pullImage(ref, platform, options);
    // Base images' SHELL and ONBUILD are not read from the registry (see README).
    configs.set(`${ref} ${formatPlatform(platform)}`, { ...config, shell: null, onbuild: [] });
  }
  return {
    lookup(ref, platform) {
      const config = configs.get(`${ref} ${formatPlatform(platform)}`);
      if (config !== undefined) return { status: "known", config };
      return fallback?.lookup(ref, platform) ?? { status: "unknown" };
    },
  };
}
