/**
 * The zod schema of dfc's graph document (`dfc schema ir`), apart from
 * ir-json.ts so that `dfc compile` does not load zod. The check at the end
 * fails to compile if the schema and the GraphDocument type drift apart.
 */
import { z } from "zod";
import { IR_VERSION } from "../graph/digest.js";
import { digestSchema, vertexMetaSchema, vertexSchema, type Same } from "../graph/schema.js";
import { GRAPH_SCHEMA_VERSION, type GraphDocument } from "./ir-json.js";

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
        root: digestSchema.nullable().describe("the vertex whose result is the image's file system; null for an empty scratch image"),
      }),
    )
    .describe("one per distinct build"),
  vertices: z
    .array(z.intersection(vertexSchema, z.object({ meta: vertexMetaSchema.describe("display only: never part of a digest") })))
    .describe("every vertex once, inputs before the vertices that use them"),
});

const typesAgree: Same<z.output<typeof graphDocumentSchema>, GraphDocument> = true;
void typesAgree;
