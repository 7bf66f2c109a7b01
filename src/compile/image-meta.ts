/**
 * `--image-meta FILE`: image metadata supplied as JSON, validated with zod.
 *
 *   { "alpine:3.20": { "platforms": ["linux/amd64", "linux/arm64"],
 *                      "config": { "env": ["PATH=…"], "workdir": "/", "user": "" } } }
 *
 * Keys are image references in any form (`alpine`, `docker.io/library/alpine:latest`);
 * they are normalized before matching. `configs` may override the config per platform.
 */
import { z } from "zod";
import { formatPlatform, parsePlatform, samePlatform, type Platform } from "../platform/index.js";
import { EMPTY_CONFIG, type ImageConfig, type ImageResolver } from "./image-config.js";
import { normalizeImageRef } from "./image-ref.js";

const configSchema = z
  .object({
    env: z.array(z.string()).default([]),
    workdir: z.string().default(""),
    user: z.string().default(""),
    entrypoint: z.array(z.string()).nullable().default(null),
    cmd: z.array(z.string()).nullable().default(null),
    shell: z.array(z.string()).nullable().default(null),
    onbuild: z.array(z.string()).default([]),
  })
  .strict();

const platformSchema = z.string().transform((spec, context) => {
  try {
    return parsePlatform(spec);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const imageMetaSchema = z.record(
  z.string().min(1),
  z
    .object({
      platforms: z.array(platformSchema).min(1),
      config: configSchema.optional().transform((config): ImageConfig => config ?? EMPTY_CONFIG),
      configs: z.record(z.string(), configSchema).default({}),
    })
    .strict(),
);

export type ImageMetaFile = z.output<typeof imageMetaSchema>;

/** Validates parsed JSON; the error lists every problem with its JSON path. */
export function parseImageMeta(json: unknown): ImageMetaFile {
  const result = imageMetaSchema.safeParse(json);
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`).join("; "));
  }
  return result.data;
}

export function metaResolver(meta: ImageMetaFile): ImageResolver {
  const images = new Map(Object.entries(meta).map(([ref, entry]) => [normalizeImageRef(ref), entry]));
  return {
    lookup(ref: string, platform: Platform) {
      const entry = images.get(ref);
      if (entry === undefined) return { status: "unknown" };
      if (!entry.platforms.some((available) => samePlatform(available, platform))) {
        return { status: "unavailable", available: entry.platforms };
      }
      const config: ImageConfig = entry.configs[formatPlatform(platform)] ?? entry.config;
      return { status: "known", config };
    },
  };
}
