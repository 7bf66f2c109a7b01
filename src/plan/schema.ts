/**
 * The JSON plan (`dfc plan --format json`) as a zod schema: the contract for
 * tools that read plans. `dfc schema plan` prints it as JSON Schema; the
 * tests validate real plans against it.
 */
import { z } from "zod";
import { digestSchema as digest } from "../graph/schema.js";
import { PLAN_SCHEMA_VERSION } from "./json.js";

const platform = z.string().describe("os/arch[/variant], normalized");

export const planJsonSchema = z.object({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  buildPlatform: platform,
  workers: z.array(platform),
  targets: z.array(
    z.object({
      platform: platform.describe("the platform the build is made for"),
      root: digest.nullable().describe("the result vertex; null for an empty image"),
      publishedAs: z.array(platform).describe("requested platforms this build is published for (several with TAGARCH)"),
      stage: z.string(),
      configKnown: z.boolean().describe("false when the base image config is unknown (offline)"),
    }),
  ),
  vertices: z.array(
    z.object({
      id: digest,
      kind: z.enum(["source", "exec", "file", "merge"]),
      platform: platform.nullable(),
      targets: z.array(platform).describe("every requested platform whose graph contains this vertex"),
      shared: z.boolean().describe("built once for several targets"),
      mode: z.enum(["native", "cross", "emulated", "unsupported"]).nullable().describe("exec vertices only; unsupported: no worker has the operating system"),
      worker: platform.nullable(),
      compatible: z.boolean().describe("native on a worker of another, compatible platform"),
      stage: z.string().nullable(),
      name: z.string(),
      location: z.object({ line: z.number().int(), column: z.number().int(), endLine: z.number().int(), endColumn: z.number().int() }).nullable(),
      inputs: z.array(digest),
      cost: z.number().nonnegative(),
      op: z.record(z.string(), z.unknown()).describe("the vertex's content (see the vertices of dfc schema ir)"),
    }),
  ),
  summary: z.object({
    vertices: z.number().int(),
    shared: z.number().int(),
    emulated: z.number().int(),
    cross: z.number().int(),
    cost: z.number(),
    costWithoutDedup: z.number(),
    saving: z.number(),
    criticalPath: z.object({ cost: z.number(), vertices: z.array(digest) }),
  }),
});
