/**
 * The compiled graph as dfc's public interchange format (`dfc compile
 * --format json`): every target's build graph merged by digest, each vertex
 * once with its content, inputs and display metadata. Unlike the plan it
 * says nothing about workers, modes or costs: it is what to build, not how.
 *
 * Compatibility promise: `schemaVersion` changes only for a change that
 * breaks readers; new fields may appear within a version. `irVersion` is
 * the version of the digest encoding: equal versions, equal digests.
 */
import { z } from "zod";
import { IR_VERSION } from "../graph/digest.js";
import type { Vertex, VertexMeta } from "../graph/ir.js";
import { vertexMetaSchema, vertexSchema } from "../graph/schema.js";
import type { Plan } from "../plan/plan.js";

export const GRAPH_SCHEMA_VERSION = 1;

export const graphDocumentSchema = z.object({
  schemaVersion: z.literal(GRAPH_SCHEMA_VERSION),
  irVersion: z.literal(IR_VERSION).describe("version of the canonical encoding the digests are computed over"),
  buildPlatform: z.string().describe("the platform the build runs on ($BUILDPLATFORM)"),
  targets: z
    .array(
      z.object({
        platform: z.string().describe("the platform this build is made for"),
        publishedAs: z.array(z.string()).describe("requested platforms served by it (several with TAGARCH)"),
        stage: z.string().describe("the target stage"),
        root: z.string().regex(/^sha256:[0-9a-f]{64}$/).nullable().describe("the vertex whose result is the image's file system; null for an empty scratch image"),
      }),
    )
    .describe("one per distinct build"),
  vertices: z
    .array(z.intersection(vertexSchema, z.object({ meta: vertexMetaSchema.describe("display only: never part of a digest") })))
    .describe("every vertex once, inputs before the vertices that use them"),
});

export type GraphDocument = z.output<typeof graphDocumentSchema>;

export function graphDocument(plan: Plan): GraphDocument {
  return {
    schemaVersion: GRAPH_SCHEMA_VERSION,
    irVersion: IR_VERSION,
    buildPlatform: plan.buildPlatform,
    targets: plan.targets.map(({ platform, publishedAs, stage, root }) => ({ platform, publishedAs: [...publishedAs], stage, root })),
    vertices: plan.vertices.map(({ vertex, meta }): Vertex & { meta: VertexMeta } => ({ ...vertex, meta })),
  };
}
