/**
 * The local backend (`dfc build --backend local`): really builds each
 * vertex on this machine, rootless, with results as directory snapshots in
 * the content-addressed cache.
 *
 * A result's cache key is sha256 over the vertex digest and its inputs'
 * keys; the build context's key is a digest of its files (after
 * .dockerignore), so editing a file re-runs exactly the steps that read it
 * and those after them. Registry images are keyed by reference and
 * platform: a tag is pulled once and not re-resolved (pull again with a new
 * cache directory). Secrets are never part of a key, a snapshot or the image.
 */
import { createHash, hash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { sha256 } from "../../graph/digest.js";
import type { DockerIgnore } from "../../compile/dockerignore.js";
import type { Digest, ExecContent, SourceSpec, Vertex } from "../../graph/ir.js";
import type { PlannedVertex } from "../../plan/plan.js";
import { parsePlatform } from "../../platform/index.js";
import type { Backend } from "../backend.js";
import { extractArchive } from "./archive.js";
import { removeTree, SnapshotCache, type CacheKey } from "./cache.js";
import { contextDigest, copyContext } from "./context.js";
import { copyPath, copyTree } from "./copy.js";
import { applyFileActions } from "./file-ops.js";
import { applyLayer } from "./layers.js";
import { resolveInRoot } from "./paths.js";
import { emulatorFor, runStep } from "./proot.js";
import { layoutImage } from "./oci-source.js";
import { fetchFailure, pullImage } from "./registry.js";
import { homeOf, resolveUser } from "./users.js";

export interface LocalBackendOptions {
  readonly cache: SnapshotCache;
  /** The build context directory (the `local://context` source). */
  readonly context: string;
  readonly dockerignore: DockerIgnore | null;
  /** `--secret id=…,src=…`: id → file on this machine. */
  readonly secrets: ReadonlyMap<string, string>;
  /** A line of a RUN step's output. */
  readonly onOutput?: (vertex: PlannedVertex, line: string) => void;
}

/** A step the local backend cannot do, with the reason. */
export class UnsupportedStepError extends Error {
  override readonly name = "UnsupportedStepError";
}

export class LocalBackend implements Backend {
  private readonly keys = new Map<Digest, CacheKey>();
  private readonly results = new Map<Digest, string>();
  /** The vertices that are the build context (their keys cover all of it). */
  private readonly contextSources = new Set<Digest>();
  private readonly cacheMounts = new CacheMountLocks();

  constructor(private readonly options: LocalBackendOptions) {}

  /** The snapshot holding a finished vertex's result. */
  resultOf(digest: Digest): string {
    const path = this.results.get(digest);
    if (path === undefined) throw new Error(`vertex ${digest} has not been built`);
    return path;
  }

  async cached(planned: PlannedVertex): Promise<boolean> {
    const key = await this.keyOf(planned.vertex);
    const found = this.options.cache.lookup(key);
    if (found !== null) this.results.set(planned.vertex.id, found);
    return found !== null;
  }

  async execute(planned: PlannedVertex, signal: AbortSignal): Promise<void> {
    const key = await this.keyOf(planned.vertex);
    const { path } = await this.options.cache.obtain(key, (dir) => this.make(planned, dir, signal), signal);
    this.results.set(planned.vertex.id, path);
  }

  private async keyOf(vertex: Vertex): Promise<CacheKey> {
    let key = this.keys.get(vertex.id);
    if (key === undefined) {
      const digest = createHash("sha256").update(`dfc-cache/1\n${vertex.id}\n`);
      for (const [index, input] of vertex.inputs.entries()) digest.update(`${await this.inputKey(vertex, index, input)}\n`);
      if (vertex.kind === "source" && vertex.source.type === "local") {
        this.contextSources.add(vertex.id);
        digest.update(await contextDigest(this.options.context, this.options.dockerignore));
      }
      // A layout's tag can be moved: the manifest it names now is what counts.
      if (vertex.kind === "source" && vertex.source.type === "oci-layout" && vertex.platform !== null) {
        digest.update(layoutImage(vertex.source.ref, parsePlatform(vertex.platform)).manifestDigest);
      }
      key = digest.digest("hex");
      this.keys.set(vertex.id, key);
    }
    return key;
  }

  /**
   * What an input contributes to a key: its own key, except that a copy
   * from the build context depends only on the paths it copies (as BuildKit
   * checksums them), so editing one file re-runs only the copies of it.
   */
  private async inputKey(vertex: Vertex, index: number, input: Digest): Promise<string> {
    if (vertex.kind !== "file" || !this.contextSources.has(input)) return this.keys.get(input) ?? "?";
    const sources = vertex.actions.flatMap((action) => (action.action === "copy" && action.input === index ? [action.src] : []));
    return contextDigest(this.options.context, this.options.dockerignore, sources);
  }

  private input(vertex: { readonly inputs: readonly Digest[] }, index: number): string {
    return this.resultOf(vertex.inputs[index] as Digest);
  }

  private async make(planned: PlannedVertex, dir: string, signal: AbortSignal): Promise<void> {
    const { vertex } = planned;
    switch (vertex.kind) {
      case "source":
        return this.source(vertex.source, vertex.platform, dir, signal);
      case "file":
        if (vertex.base !== null) await copyTree(this.input(vertex, vertex.base), dir);
        return applyFileActions(dir, vertex.actions, { input: (index) => this.input(vertex, index), unpack: extractArchive });
      case "merge":
        for (let index = 0; index < vertex.inputs.length; index++) await copyTree(this.input(vertex, index), dir);
        return;
      case "exec":
        return this.exec(planned, vertex, dir, signal);
    }
  }

  private async source(source: SourceSpec, platform: string | null, dir: string, signal: AbortSignal): Promise<void> {
    switch (source.type) {
      case "local":
        if (source.name !== "context") throw new UnsupportedStepError(`the local backend has only the build context, not "${source.name}"`);
        return copyContext(this.options.context, this.options.dockerignore, dir);
      case "image": {
        if (platform === null) throw new Error(`image ${source.ref} has no platform`);
        const blobDir = join(this.options.cache.root, "blobs");
        const image = await pullImage(source.ref, parsePlatform(platform), { blobDir, signal });
        for (const layer of image.layers) await applyLayer(layer.file, layer.mediaType, dir);
        return;
      }
      case "http":
        return download(source, dir, signal);
      case "oci-layout": {
        if (platform === null) throw new Error(`oci-layout ${source.ref} has no platform`);
        for (const layer of layoutImage(source.ref, parsePlatform(platform)).layers) await applyLayer(layer.file, layer.mediaType, dir);
        return;
      }
      case "git":
        throw new UnsupportedStepError("the local backend cannot fetch git sources yet");
    }
  }

  private async exec(planned: PlannedVertex, vertex: ExecContent & { readonly inputs: readonly Digest[] }, dir: string, signal: AbortSignal): Promise<void> {
    if (vertex.rootfs !== null) await copyTree(this.input(vertex, vertex.rootfs), dir);
    // Everything bound into the step lives here, outside the snapshot, and goes when the step ends.
    const scratch = mkdtempSync(join(tmpdir(), "dfc-step-"));
    try {
      const binds: { host: string; guest: string }[] = [];
      const env = [...vertex.env];
      for (const [position, mount] of vertex.mounts.entries()) {
        const host = join(scratch, String(position));
        switch (mount.type) {
          case "bind":
          case "cache": {
            const from = mount.input === null ? null : resolveInRoot(this.input(vertex, mount.input), mount.source, { followFinal: true });
            if (mount.type === "cache") {
              const persistent = join(this.options.cache.mounts, hash("sha256", mount.id, "hex"));
              if (!existsSync(persistent)) {
                if (from !== null) await copyTree(from, persistent);
                else await mkdir(persistent, { recursive: true });
                if (mount.mode !== null) chmodSync(persistent, mount.mode);
              }
              binds.push({ host: persistent, guest: mount.target });
            } else {
              // A copy: what a step writes to a bind mount is discarded, and the cached input must not change.
              if (from !== null) await copyPath(from, host);
              else await mkdir(host, { recursive: true });
              binds.push({ host, guest: mount.target });
            }
            break;
          }
          case "tmpfs":
            await mkdir(host, { recursive: true });
            binds.push({ host, guest: mount.target });
            break;
          case "secret": {
            const source = this.options.secrets.get(mount.id);
            if (source === undefined) {
              if (mount.required) throw new UnsupportedStepError(`secret "${mount.id}" is required: give it with --secret id=${mount.id},src=FILE`);
              break;
            }
            if (mount.env !== null) env.push(`${mount.env}=${readFileSync(source, "utf8")}`);
            if (mount.target !== null || mount.env === null) {
              copyFileSync(source, host);
              chmodSync(host, mount.mode ?? 0o400);
              binds.push({ host, guest: mount.target ?? `/run/secrets/${mount.id}` });
            }
            break;
          }
          case "ssh":
            throw new UnsupportedStepError("the local backend cannot forward SSH agents (RUN --mount=type=ssh)");
        }
      }
      const emulator = planned.mode === "emulated" ? emulatorFor(parsePlatform(vertex.platform).architecture) : null;
      const user = resolveUser(dir, vertex.user);
      // As runc does for BuildKit: HOME from the user's passwd entry unless the step sets it, and the working directory made if a step removed it.
      if (!env.some((entry) => entry.startsWith("HOME="))) env.push(`HOME=${homeOf(dir, vertex.user)}`);
      await mkdir(resolveInRoot(dir, vertex.cwd), { recursive: true });
      const release = await this.cacheMounts.acquire(vertex.mounts);
      try {
        await runStep({ rootfs: dir, args: vertex.args, env, cwd: vertex.cwd, user, binds, emulator }, signal, (line) => this.options.onOutput?.(planned, line));
      } finally {
        release();
      }
    } finally {
      // A step may leave read-only directories behind; their clean-up must not hide the step's own result.
      removeTree(scratch);
    }
  }
}

/**
 * `RUN --mount=type=cache,sharing=locked`: steps of this build that use
 * the same cache id wait for each other (the usual apt pattern, run for
 * several platforms at once). `shared` needs no lock; `private` is treated
 * as `locked` (one user at a time instead of a copy per user).
 */
class CacheMountLocks {
  private readonly busy = new Map<string, Promise<void>>();

  async acquire(mounts: ExecContent["mounts"]): Promise<() => void> {
    const ids = [...new Set(mounts.flatMap((mount) => (mount.type === "cache" && mount.sharing !== "shared" ? [mount.id] : [])))].sort();
    const releases: (() => void)[] = [];
    // Taken in sorted order, so two steps that share several ids cannot wait for each other.
    for (const id of ids) {
      while (this.busy.has(id)) await this.busy.get(id);
      let release = (): void => {};
      this.busy.set(id, new Promise<void>((resolve) => (release = resolve)));
      releases.push(() => {
        this.busy.delete(id);
        release();
      });
    }
    return () => releases.forEach((release) => release());
  }
}

async function download(source: Extract<SourceSpec, { type: "http" }>, dir: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(source.url, { signal }).catch((error: unknown) => {
    throw new Error(`downloading ${source.url}: ${fetchFailure(error)}`);
  });
  if (!response.ok) throw new Error(`downloading ${source.url}: HTTP ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  if (source.checksum !== null) {
    const actual = sha256(data);
    if (actual !== source.checksum) throw new Error(`downloading ${source.url}: checksum ${actual} does not match --checksum ${source.checksum}`);
  }
  writeFileSync(join(dir, source.filename ?? "__unnamed__"), data, { mode: 0o600 });
}
