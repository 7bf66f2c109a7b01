/**
 * The graph IR as zod schemas: the shape a serialized vertex must have, for
 * tools that read dfc's graphs and for dfc when it reads one back. Kept in
 * step with the TypeScript types in `ir.ts` by the type checks at the end of
 * this file (they fail to compile if either side changes alone).
 */
import { z } from "zod";
import type { Vertex, VertexMeta } from "./ir.js";

// A template literal (not z.custom) so the digest type is `sha256:${string}` and JSON Schema can express it as a pattern.
const digest = z.templateLiteral(["sha256:", z.string().regex(/^[0-9a-f]{64}$/)]);
const platform = z.string().describe("os/arch[/variant], normalized");
const index = z.number().int().nonnegative();
const nullableIndex = index.nullable();
const ownership = { mode: z.number().int().nullable(), uid: z.number().int().nullable(), gid: z.number().int().nullable() };

const source = z.discriminatedUnion("type", [
  z.object({ type: z.literal("image"), ref: z.string().describe("normalized: docker.io/library/alpine:3.20") }),
  z.object({ type: z.literal("local"), name: z.string(), followPaths: z.array(z.string()).readonly(), excludePatterns: z.array(z.string()).readonly() }),
  z.object({ type: z.literal("git"), url: z.string(), ref: z.string().nullable(), keepGitDir: z.boolean() }),
  z.object({ type: z.literal("http"), url: z.string(), checksum: z.string().nullable(), filename: z.string().nullable() }),
  z.object({ type: z.literal("oci-layout"), ref: z.string() }),
]);

const mount = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bind"), target: z.string(), input: nullableIndex, source: z.string(), readonly: z.boolean() }),
  z.object({
    type: z.literal("cache"),
    target: z.string(),
    id: z.string(),
    sharing: z.enum(["shared", "private", "locked"]),
    input: nullableIndex,
    source: z.string(),
    readonly: z.boolean(),
    ...ownership,
  }),
  z.object({ type: z.literal("tmpfs"), target: z.string(), size: z.number().int().nullable() }),
  z.object({ type: z.literal("secret"), target: z.string().nullable(), env: z.string().nullable(), id: z.string(), required: z.boolean(), ...ownership }),
  z.object({ type: z.literal("ssh"), target: z.string(), id: z.string(), required: z.boolean(), ...ownership }),
]);

const action = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("copy"),
    input: index,
    src: z.string(),
    dest: z.string(),
    chown: z.string().nullable(),
    chmod: z.string().nullable(),
    unpack: z.boolean(),
    parents: z.boolean(),
    exclude: z.array(z.string()).readonly(),
    followSymlinks: z.boolean(),
    createDestPath: z.boolean(),
    allowWildcard: z.boolean(),
  }),
  z.object({ action: z.literal("mkdir"), path: z.string(), mode: z.number().int(), makeParents: z.boolean(), chown: z.string().nullable() }),
  z.object({ action: z.literal("mkfile"), path: z.string(), data: z.string(), mode: z.number().int(), chown: z.string().nullable() }),
  z.object({ action: z.literal("rm"), path: z.string(), allowNotFound: z.boolean() }),
  z.object({ action: z.literal("symlink"), path: z.string(), target: z.string() }),
]);

const identity = { id: digest.describe("sha256 over the canonical encoding of the content and the inputs' digests"), inputs: z.array(digest).readonly() };

export const vertexSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("source"), ...identity, source, platform: platform.nullable() }),
  z.object({
    kind: z.literal("exec"),
    ...identity,
    args: z.array(z.string()).readonly(),
    env: z.array(z.string()).readonly().describe("NAME=value, in order"),
    cwd: z.string(),
    user: z.string(),
    network: z.enum(["default", "none", "host"]),
    security: z.enum(["sandbox", "insecure"]),
    rootfs: nullableIndex.describe("input index of the root file system; null: empty"),
    mounts: z.array(mount).readonly(),
    platform,
  }),
  z.object({ kind: z.literal("file"), ...identity, base: nullableIndex, actions: z.array(action).readonly() }),
  z.object({ kind: z.literal("merge"), ...identity }),
]);

export const vertexMetaSchema = z.object({
  name: z.string(),
  stage: z.string().nullable(),
  location: z
    .object({
      start: z.object({ line: z.number().int(), column: z.number().int(), offset: z.number().int() }),
      end: z.object({ line: z.number().int(), column: z.number().int(), offset: z.number().int() }),
    })
    .nullable(),
});

// Compile-time agreement between the schemas and the hand-written types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vertexTypesAgree: Same<z.output<typeof vertexSchema>, Vertex> = true;
const metaTypesAgree: Same<z.output<typeof vertexMetaSchema>, VertexMeta> = true;
void (vertexTypesAgree && metaTypesAgree);
