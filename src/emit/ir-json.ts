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
import { IR_VERSION } from "../graph/digest.js";
import type { Digest, Vertex, VertexMeta } from "../graph/ir.js";
import type { Plan } from "../plan/plan.js";

/** The schema lives in ir-json-schema.ts, so writing a document does not load zod. */
export const GRAPH_SCHEMA_VERSION = 1;

export interface GraphDocument {
  readonly schemaVersion: typeof GRAPH_SCHEMA_VERSION;
  /** Version of the canonical encoding the digests are computed over. */
  readonly irVersion: typeof IR_VERSION;
  /** The platform the build runs on ($BUILDPLATFORM). */
  readonly buildPlatform: string;
  /** One per distinct build. */
  readonly targets: {
    readonly platform: string;
    /** Requested platforms served by it (several with TAGARCH). */
    readonly publishedAs: string[];
    readonly stage: string;
    /** The vertex whose result is the image's file system; null for an empty scratch image. */
    readonly root: Digest | null;
  }[];
  /** Every vertex once, inputs before the vertices that use them; `meta` is display only. */
  readonly vertices: (Vertex & { readonly meta: VertexMeta })[];
}

export function graphDocument(plan: Plan): GraphDocument {
  return {
    schemaVersion: GRAPH_SCHEMA_VERSION,
    irVersion: IR_VERSION,
    buildPlatform: plan.buildPlatform,
    targets: plan.targets.map(({ platform, publishedAs, stage, root }) => ({ platform, publishedAs: [...publishedAs], stage, root })),
    vertices: plan.vertices.map(({ vertex, meta }): Vertex & { meta: VertexMeta } => ({ ...vertex, meta })),
  };
}
