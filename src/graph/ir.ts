/**
 * dfc's build graph, modelled on BuildKit's LLB: vertices are sources, execs,
 * file operations and merges; each has a content digest (see `digest.ts`)
 * over its own fields and its inputs' digests, so equal work has equal
 * digests and a vertex shared by several targets is recognised by its id.
 *
 * Display names and source locations are metadata: they live in
 * {@link VertexMeta}, outside the digested content.
 */
import type { Range } from "../syntax/position.js";

/** `sha256:` and 64 lower-case hex digits. */
export type Digest = `sha256:${string}`;

/** A platform in its formatted form, `linux/arm/v7`. */
export type PlatformName = string;

export type SourceSpec =
  /** `docker-image://ref` for one platform of a (possibly multi-platform) image. */
  | { readonly type: "image"; readonly ref: string }
  /** The build context or another local directory, with the paths the build reads from it. */
  | { readonly type: "local"; readonly name: string; readonly followPaths: readonly string[]; readonly excludePatterns: readonly string[] }
  | { readonly type: "git"; readonly url: string; readonly ref: string | null; readonly keepGitDir: boolean }
  | { readonly type: "http"; readonly url: string; readonly checksum: string | null; readonly filename: string | null }
  | { readonly type: "oci-layout"; readonly ref: string };

export interface SourceContent {
  readonly kind: "source";
  readonly source: SourceSpec;
  /** Set for image and OCI-layout sources (as BuildKit sets `Op.platform`), null otherwise. */
  readonly platform: PlatformName | null;
}

export type ExecMount =
  | {
      readonly type: "bind";
      readonly target: string;
      /** Index into the vertex's inputs; null mounts an empty directory (scratch). */
      readonly input: number | null;
      readonly source: string;
      readonly readonly: boolean;
    }
  | {
      readonly type: "cache";
      readonly target: string;
      readonly id: string;
      readonly sharing: "shared" | "private" | "locked";
      readonly input: number | null;
      readonly source: string;
      readonly readonly: boolean;
      readonly mode: number | null;
      readonly uid: number | null;
      readonly gid: number | null;
    }
  | { readonly type: "tmpfs"; readonly target: string; readonly size: number | null }
  | {
      readonly type: "secret";
      readonly target: string | null;
      readonly env: string | null;
      readonly id: string;
      readonly required: boolean;
      readonly mode: number | null;
      readonly uid: number | null;
      readonly gid: number | null;
    }
  | {
      readonly type: "ssh";
      readonly target: string;
      readonly id: string;
      readonly required: boolean;
      readonly mode: number | null;
      readonly uid: number | null;
      readonly gid: number | null;
    };

export interface ExecContent {
  readonly kind: "exec";
  readonly args: readonly string[];
  /** `NAME=value`, in order. */
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly network: "default" | "none" | "host";
  readonly security: "sandbox" | "insecure";
  /** Index into the vertex's inputs of the root file system; null runs on an empty one (scratch). */
  readonly rootfs: number | null;
  /** Mounted over the root file system. */
  readonly mounts: readonly ExecMount[];
  readonly platform: PlatformName;
}

export type FileAction =
  | {
      readonly action: "copy";
      /** Index into the vertex's inputs of the file system copied from. */
      readonly input: number;
      readonly src: string;
      readonly dest: string;
      readonly chown: string | null;
      readonly chmod: string | null;
      /** ADD of a local archive: extract it. */
      readonly unpack: boolean;
      readonly parents: boolean;
      readonly exclude: readonly string[];
      readonly followSymlinks: boolean;
      readonly createDestPath: boolean;
      readonly allowWildcard: boolean;
    }
  | { readonly action: "mkdir"; readonly path: string; readonly mode: number; readonly makeParents: boolean; readonly chown: string | null }
  | { readonly action: "mkfile"; readonly path: string; readonly data: string; readonly mode: number; readonly chown: string | null }
  | { readonly action: "rm"; readonly path: string; readonly allowNotFound: boolean }
  | { readonly action: "symlink"; readonly path: string; readonly target: string };

export interface FileContent {
  readonly kind: "file";
  /** Index of the input the actions apply to; null starts from an empty file system. */
  readonly base: number | null;
  readonly actions: readonly FileAction[];
}

/** Layers several file systems on top of each other (`COPY --link`). */
export interface MergeContent {
  readonly kind: "merge";
}

export type VertexContent = SourceContent | ExecContent | FileContent | MergeContent;
export type VertexKind = VertexContent["kind"];

/** A vertex: its content, the digests of its inputs, and its own digest. */
export type Vertex = VertexContent & {
  readonly id: Digest;
  readonly inputs: readonly Digest[];
};

/** What a person needs to recognise a vertex; never part of a digest. */
export interface VertexMeta {
  /** BuildKit-style progress name: `[builder 2/5] RUN go build …`. */
  readonly name: string;
  /** Stage name (or index as text) the vertex was made in; null for shared sources. */
  readonly stage: string | null;
  readonly location: Range | null;
}
