/**
 * The graph IR as zod schemas: the shape a serialized vertex must have, for
 * tools that read dfc's graphs and for dfc when it reads one back. Kept in
 * step with the TypeScript types in `ir.ts` by the type checks at the end of
 * this file (they fail to compile if either side changes alone).
 */
import { z } from "zod";
import type { Vertex, VertexMeta } from "./ir.js";

// A template literal (not z.custom) so the digest type is `sha256:${string}` and JSON Schema can express it as a pattern.
/** A content digest, `sha256:` and 64 hex digits (every schema that names vertices uses it). */
export const digestSchema = z.templateLiteral(["sha256:", z.string().regex(/^[0-9a-f]{64}$/)]);
const digest = digestSchema;
const platform = z.string().describe("os/arch[/variant], normalized");
const index = z.number().int().nonnegative().describe("index into the vertex's inputs");
const nullableIndex = index.nullable();
const ownership = {
  mode: z.number().int().nullable().describe("permission bits; null: the default"),
  uid: z.number().int().nullable().describe("owner; null: root"),
  gid: z.number().int().nullable().describe("group; null: root"),
};
const chown = z.string().nullable().describe("--chown user[:group], names or numbers; null: root");

const source = z.discriminatedUnion("type", [
  z.object({ type: z.literal("image"), ref: z.string().describe("normalized: docker.io/library/alpine:3.20") }),
  z.object({
    type: z.literal("local"),
    name: z.string().describe("the local directory: context for the build context"),
    followPaths: z.array(z.string()).readonly().describe("paths the build reads from it; empty: all"),
    excludePatterns: z.array(z.string()).readonly().describe(".dockerignore-style patterns left out"),
  }),
  z.object({
    type: z.literal("git"),
    url: z.string().describe("the repository, with an optional #ref:subdir fragment"),
    ref: z.string().nullable().describe("branch, tag or commit; null: the fragment's or the default branch"),
    keepGitDir: z.boolean().describe("ADD --keep-git-dir: keep .git"),
  }),
  z.object({
    type: z.literal("http"),
    url: z.string(),
    checksum: z.string().nullable().describe("ADD --checksum: the download must have this sha256"),
    filename: z.string().nullable().describe("the name the download is saved under"),
  }),
  z.object({ type: z.literal("oci-layout"), ref: z.string().describe("a local OCI image layout: PATH[:TAG]") }),
]);

const mount = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("bind"),
    target: z.string().describe("where it is mounted in the step"),
    input: nullableIndex.describe("the file system mounted; null: an empty one"),
    source: z.string().describe("the path inside it that is mounted"),
    readonly: z.boolean().describe("false: writable, and what the step writes is discarded"),
  }),
  z.object({
    type: z.literal("cache"),
    target: z.string().describe("where it is mounted in the step"),
    id: z.string().describe("the cache's identity across steps and builds (default: the target)"),
    sharing: z.enum(["shared", "private", "locked"]).describe("what concurrent users of the same id see"),
    input: nullableIndex.describe("a file system the cache starts from; null: empty"),
    source: z.string().describe("the path inside the input it starts from"),
    readonly: z.boolean(),
    ...ownership,
  }),
  z.object({ type: z.literal("tmpfs"), target: z.string(), size: z.number().int().nullable().describe("bytes; null: no limit") }),
  z.object({
    type: z.literal("secret"),
    target: z.string().nullable().describe("file the secret is mounted at; null: /run/secrets/<id> unless env is set"),
    env: z.string().nullable().describe("environment variable the secret is put in; null: none"),
    id: z.string().describe("the secret's id (--secret id=…)"),
    required: z.boolean().describe("fail when the secret is not given"),
    ...ownership,
  }),
  z.object({
    type: z.literal("ssh"),
    target: z.string().describe("path of the agent socket"),
    id: z.string().describe("the SSH agent's id (--ssh id=…)"),
    required: z.boolean(),
    ...ownership,
  }),
]);

const action = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("copy"),
    input: index.describe("the file system copied from"),
    src: z.string().describe("path in the input, relative to its root; may hold wildcards"),
    dest: z.string().describe("absolute path in the result; a trailing / means into a directory"),
    chown,
    chmod: z.string().nullable().describe("--chmod, octal; null: keep the modes"),
    unpack: z.boolean().describe("ADD of a local archive: extract it"),
    parents: z.boolean().describe("COPY --parents: keep the source's parent directories"),
    exclude: z.array(z.string()).readonly().describe("COPY --exclude patterns"),
    followSymlinks: z.boolean().describe("a symlink named as the source is followed"),
    createDestPath: z.boolean().describe("missing parents of dest are created"),
    allowWildcard: z.boolean().describe("src is a pattern"),
  }),
  z.object({
    action: z.literal("mkdir"),
    path: z.string(),
    mode: z.number().int(),
    makeParents: z.boolean().describe("create missing parents too"),
    chown,
  }),
  z.object({ action: z.literal("mkfile"), path: z.string(), data: z.string().describe("the file's content, UTF-8"), mode: z.number().int(), chown }),
  z.object({ action: z.literal("rm"), path: z.string(), allowNotFound: z.boolean().describe("a missing path is not an error") }),
  z.object({ action: z.literal("symlink"), path: z.string().describe("the link"), target: z.string().describe("what it points to, as written") }),
]);

const identity = {
  id: digest.describe("sha256 over the canonical encoding of the content and the inputs' digests"),
  inputs: z.array(digest).readonly().describe("the vertices whose results this one reads, referred to by index in its fields"),
};

export const vertexSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("source"),
    ...identity,
    source,
    platform: platform.nullable().describe("the image's platform (image and oci-layout sources); null otherwise"),
  }).describe("something the build reads from outside: an image, the context, a git repository, a download"),
  z.object({
    kind: z.literal("exec"),
    ...identity,
    args: z.array(z.string()).readonly().describe("the command, as exec'd (a shell form is [shell…, script])"),
    env: z.array(z.string()).readonly().describe("NAME=value, in order"),
    cwd: z.string().describe("working directory"),
    user: z.string().describe("USER as written (name or uid[:gid]); empty: root"),
    network: z.enum(["default", "none", "host"]).describe("RUN --network"),
    security: z.enum(["sandbox", "insecure"]).describe("RUN --security"),
    rootfs: nullableIndex.describe("input index of the root file system; null: empty"),
    mounts: z.array(mount).readonly().describe("RUN --mount, over the root file system"),
    platform: platform.describe("the platform the command runs as"),
  }).describe("a RUN step"),
  z.object({
    kind: z.literal("file"),
    ...identity,
    base: nullableIndex.describe("input the actions apply to; null: an empty file system"),
    actions: z.array(action).readonly().describe("done in order, each on the result of the one before"),
  }).describe("file operations: COPY, ADD, WORKDIR, heredoc files"),
  z.object({ kind: z.literal("merge"), ...identity }).describe("the inputs layered in order (COPY --link)"),
]);

export const vertexMetaSchema = z.object({
  name: z.string().describe("BuildKit-style progress name: [stage n/m] INSTRUCTION"),
  stage: z.string().nullable().describe("stage label the vertex was made in; null for shared sources"),
  location: z
    .object({
      start: z.object({ line: z.number().int(), column: z.number().int(), offset: z.number().int() }),
      end: z.object({ line: z.number().int(), column: z.number().int(), offset: z.number().int() }),
    })
    .nullable()
    .describe("the instruction's place in the Dockerfile (1-based line and column, 0-based offset); null when made by no instruction"),
});

/** True when two types are the same: for compile-time checks that a schema and its hand-written type agree. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time agreement between the schemas and the hand-written types.
const vertexTypesAgree: Same<z.output<typeof vertexSchema>, Vertex> = true;
const metaTypesAgree: Same<z.output<typeof vertexMetaSchema>, VertexMeta> = true;
void (vertexTypesAgree && metaTypesAgree);
