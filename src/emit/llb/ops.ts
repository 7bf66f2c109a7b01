/**
 * dfc vertices as BuildKit LLB ops, made the way BuildKit's own client
 * library (client/llb) and Dockerfile frontend make them, so that `buildctl`
 * gets the graph it would have built itself:
 *
 * - every op carries an empty `constraints` message, and `platform` only
 *   where BuildKit sets it (exec ops, image and OCI-layout sources);
 * - exec mounts are sorted by destination, the root mount first; read-only,
 *   cache, tmpfs and discarded read-write mounts have no output (-1), and an
 *   input that is an empty file system is -1 rather than an edge;
 * - copies keep BuildKit's Dockerfile defaults (directory contents, empty
 *   wildcards allowed, mode -1 for "keep", timestamp -1 for "now");
 * - an op's digest is sha256 over its bytes, so an op shared by several
 *   targets has one digest in every target's definition.
 *
 * One dfc vertex becomes one op, with two exceptions that BuildKit makes
 * too: a file vertex without actions is the empty file system (scratch) and
 * becomes no op at all, and a cache mount with uid, gid or mode gets a small
 * file op that creates its directory with those settings.
 */
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { cleanPath } from "../../compile/dockerignore.js";
import { compareGoStrings } from "../../compile/instructions/go.js";
import { sha256 } from "../../graph/digest.js";
import type { Digest, ExecContent, ExecMount, FileAction, FileContent, SourceSpec, Vertex } from "../../graph/ir.js";
import { parsePlatform } from "../../platform/index.js";
import { SourceError } from "../../syntax/errors.js";
import { START_OF_FILE, type Range } from "../../syntax/position.js";
import {
  CacheSharingOpt,
  ChownOptSchema,
  MountType,
  NetMode,
  OpSchema,
  SecurityMode,
  type FileActionSchema,
  type MountSchema,
  type SecretEnvSchema,
} from "./ops_pb.js";

/** Where a dfc vertex's result is in the LLB graph; null is the empty file system. */
export type LlbRef = { readonly digest: string; readonly index: number } | null;

/** One marshalled op. */
export interface LlbOp {
  readonly digest: string;
  readonly bytes: Uint8Array;
}

/** A dfc vertex as LLB: its ops (inputs first; none for scratch) and the reference to its result. */
export interface LoweredVertex {
  readonly ops: readonly LlbOp[];
  /** Ops made only to support this vertex, with the names BuildKit gives them. */
  readonly helperNames: ReadonlyMap<string, string>;
  readonly ref: LlbRef;
}

/** BuildKit's "no input" and "no output" index. */
const NONE = -1n;
const CACHE_SETUP_NAME = "[internal] settings cache mount permissions";

/** A step that dfc can plan but cannot write as LLB; it points at the instruction. */
export class LlbUnsupportedError extends SourceError {
  override readonly name = "LlbUnsupportedError";
}

export function marshalOp(init: MessageInitShape<typeof OpSchema>): LlbOp {
  const bytes = toBinary(OpSchema, create(OpSchema, init));
  return { digest: sha256(bytes), bytes };
}

/** A build names a handful of platforms, thousands of times. */
const platforms = new Map<string, MessageInitShape<typeof OpSchema>["platform"]>();
function llbPlatform(name: string): MessageInitShape<typeof OpSchema>["platform"] {
  let platform = platforms.get(name);
  if (platform === undefined) {
    const parsed = parsePlatform(name);
    platform = { Architecture: parsed.architecture, OS: parsed.os, Variant: parsed.variant ?? "", OSVersion: parsed.osVersion ?? "" };
    platforms.set(name, platform);
  }
  return platform;
}

/** The op's inputs: each distinct non-empty reference once, in order of first use. */
class OpInputs {
  readonly list: { digest: string; index: bigint }[] = [];

  /** The input index of `ref`, -1 for the empty file system. */
  index(ref: LlbRef): bigint {
    if (ref === null) return NONE;
    const found = this.list.findIndex((input) => input.digest === ref.digest && input.index === BigInt(ref.index));
    if (found !== -1) return BigInt(found);
    this.list.push({ digest: ref.digest, index: BigInt(ref.index) });
    return BigInt(this.list.length - 1);
  }
}

/** `location` is the instruction the vertex comes from, for errors. */
export function lowerVertex(vertex: Vertex, refOf: (digest: Digest) => LlbRef, location: Range | null): LoweredVertex {
  const inputRef = (index: number | null): LlbRef => (index === null ? null : refOf(vertex.inputs[index] as Digest));
  switch (vertex.kind) {
    case "source":
      if (vertex.source.type === "oci-layout") {
        // BuildKit reads a layout through the client's session (a content store id and a digest), which a definition on stdin cannot name.
        throw new LlbUnsupportedError(`an OCI layout named context (${vertex.source.ref}) cannot be written as BuildKit LLB by dfc`, location ?? START_OF_FILE);
      }
      return single(marshalOp({ op: { case: "source", value: sourceOp(vertex.source) }, platform: vertex.platform === null ? undefined : llbPlatform(vertex.platform), constraints: {} }));
    case "exec":
      return execOp(vertex, inputRef);
    case "file":
      if (vertex.actions.length === 0) return { ops: [], helperNames: new Map(), ref: null };
      return single(fileOp(vertex, inputRef, location ?? START_OF_FILE));
    case "merge": {
      const inputs = new OpInputs();
      const merged = vertex.inputs.map((_, index) => inputs.index(inputRef(index))).filter((index) => index !== NONE);
      return single(marshalOp({ inputs: inputs.list, op: { case: "merge", value: { inputs: merged.map((input) => ({ input })) } }, constraints: {} }));
    }
  }
}

function single(op: LlbOp): LoweredVertex {
  return { ops: [op], helperNames: new Map(), ref: { digest: op.digest, index: 0 } };
}

function sourceOp(source: Exclude<SourceSpec, { type: "oci-layout" }>): { identifier: string; attrs: Record<string, string> } {
  switch (source.type) {
    case "image":
      return { identifier: `docker-image://${source.ref}`, attrs: {} };
    case "local":
      return {
        identifier: `local://${source.name}`,
        attrs: sortedRecord([
          ["local.excludepatterns", source.excludePatterns.length === 0 ? null : JSON.stringify(source.excludePatterns)],
          ["local.followpaths", source.followPaths.length === 0 ? null : JSON.stringify(source.followPaths)],
          ["local.sharedkeyhint", source.name],
        ]),
      };
    case "git": {
      const [url = "", fragment = null] = source.url.split(/#(.*)/s);
      const ref = source.ref ?? fragment;
      return {
        identifier: `git://${gitIdentity(url)}${ref === null || ref === "" ? "" : `#${ref}`}`,
        attrs: sortedRecord([
          ["git.authheadersecret", "GIT_AUTH_HEADER"],
          ["git.authtokensecret", "GIT_AUTH_TOKEN"],
          ["git.fullurl", url],
          ["git.keepgitdir", source.keepGitDir ? "true" : null],
        ]),
      };
    }
    case "http":
      return {
        identifier: source.url,
        attrs: sortedRecord([
          ["http.checksum", source.checksum],
          ["http.filename", source.filename],
        ]),
      };
  }
}

/** `host/path` of a git remote, the same for its https, ssh and scp-style spellings. */
function gitIdentity(url: string): string {
  const scp = /^[^/@:]+@([^:/]+):(.*)$/.exec(url);
  if (scp !== null) return `${scp[1]}/${(scp[2] ?? "").replace(/^\/+/, "")}`;
  const parsed = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/]+)(\/.*)?$/i.exec(url);
  return parsed === null ? url : `${parsed[1]}${parsed[2] ?? "/"}`;
}

/**
 * Protobuf maps are written in the record's key order; BuildKit marshals
 * maps with sorted keys (Go's deterministic order), so keys go in sorted.
 * None of these keys looks like an array index, which JavaScript would
 * move to the front.
 */
export function sortedRecord<V>(entries: readonly (readonly [string, V | null])[]): Record<string, V> {
  const record: Record<string, V> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => compareGoStrings(a, b))) if (value !== null) record[key] = value;
  return record;
}

type MountInit = MessageInitShape<typeof MountSchema>;

function execOp(vertex: ExecContent & { readonly inputs: readonly Digest[] }, inputRef: (index: number | null) => LlbRef): LoweredVertex {
  const helpers: LlbOp[] = [];
  const helperNames = new Map<string, string>();
  const inputs = new OpInputs();
  // Mounts that read a file system, sorted by destination as BuildKit sorts them (the root mount, "/", first).
  const fileSystems: { dest: string; ref: LlbRef; mount: (input: bigint) => MountInit }[] = [
    { dest: "/", ref: inputRef(vertex.rootfs), mount: (input) => ({ input, dest: "/", output: 0n }) },
  ];
  // Secret and SSH mounts follow, in the order they were written.
  const sockets: MountInit[] = [];
  const secretEnv: MessageInitShape<typeof SecretEnvSchema>[] = [];
  let sshSocket: string | null = null;
  for (const mount of vertex.mounts) {
    switch (mount.type) {
      case "bind":
        // BuildKit's Dockerfile frontend discards what a read-write bind mount writes.
        fileSystems.push({ dest: mount.target, ref: inputRef(mount.input), mount: (input) => ({ input, dest: mount.target, selector: selector(mount.source), readonly: mount.readonly, output: NONE }) });
        break;
      case "cache": {
        let ref = inputRef(mount.input);
        let source = mount.source;
        if (mount.input === null && (mount.uid !== null || mount.gid !== null || mount.mode !== null)) {
          const setup = cacheSetupOp(mount);
          helpers.push(setup);
          helperNames.set(setup.digest, CACHE_SETUP_NAME);
          ref = { digest: setup.digest, index: 0 };
          source = "/cache";
        }
        fileSystems.push({
          dest: mount.target,
          ref,
          mount: (input) => ({
            input,
            dest: mount.target,
            selector: selector(source),
            readonly: mount.readonly,
            output: NONE,
            mountType: MountType.CACHE,
            cacheOpt: { ID: mount.id, sharing: SHARING[mount.sharing] },
          }),
        });
        break;
      }
      case "tmpfs":
        fileSystems.push({ dest: mount.target, ref: null, mount: (input) => ({ input, dest: mount.target, output: NONE, mountType: MountType.TMPFS, TmpfsOpt: { size: BigInt(mount.size ?? 0) } }) });
        break;
      case "secret": {
        if (mount.env !== null) secretEnv.push({ ID: mount.id, name: mount.env, optional: !mount.required });
        const target = mount.target ?? (mount.env === null ? `/run/secrets/${mount.id}` : null);
        if (target !== null) {
          sockets.push({ input: NONE, dest: target, mountType: MountType.SECRET, secretOpt: { ID: mount.id, uid: mount.uid ?? 0, gid: mount.gid ?? 0, mode: mount.mode ?? 0o400, optional: !mount.required } });
        }
        break;
      }
      case "ssh":
        sshSocket ??= mount.target;
        sockets.push({ input: NONE, dest: mount.target, mountType: MountType.SSH, SSHOpt: { ID: mount.id, uid: mount.uid ?? 0, gid: mount.gid ?? 0, mode: mount.mode ?? 0o600, optional: !mount.required } });
        break;
    }
  }
  fileSystems.sort((a, b) => compareGoStrings(a.dest, b.dest));
  const mounts: MountInit[] = [...fileSystems.map(({ ref, mount }) => mount(inputs.index(ref))), ...sockets];
  // BuildKit points SSH_AUTH_SOCK at the first agent socket unless the step sets it.
  const env = sshSocket !== null && !vertex.env.some((entry) => entry.startsWith("SSH_AUTH_SOCK=")) ? [...vertex.env, `SSH_AUTH_SOCK=${sshSocket}`] : vertex.env;
  const op = marshalOp({
    inputs: inputs.list,
    op: {
      case: "exec",
      value: {
        meta: { args: [...vertex.args], env: [...env], cwd: vertex.cwd, user: vertex.user, removeMountStubsRecursive: true },
        mounts,
        network: NETWORK[vertex.network],
        security: vertex.security === "insecure" ? SecurityMode.INSECURE : SecurityMode.SANDBOX,
        secretenv: secretEnv,
      },
    },
    platform: llbPlatform(vertex.platform),
    constraints: {},
  });
  return { ops: [...helpers, op], helperNames, ref: { digest: op.digest, index: 0 } };
}

const SHARING = { shared: CacheSharingOpt.SHARED, private: CacheSharingOpt.PRIVATE, locked: CacheSharingOpt.LOCKED } as const;
const NETWORK = { default: NetMode.UNSET, host: NetMode.HOST, none: NetMode.NONE } as const;

/** A mount's path inside its source; the whole file system is written as no selector. */
const selector = (source: string): string => (source === "/" || source === "" ? "" : source.startsWith("/") ? source : `/${source}`);

function cacheSetupOp(mount: Extract<ExecMount, { type: "cache" }>): LlbOp {
  const owner = mount.uid === null && mount.gid === null ? undefined : { user: { user: { case: "byID" as const, value: mount.uid ?? 0 } }, group: { user: { case: "byID" as const, value: mount.gid ?? 0 } } };
  return marshalOp({
    op: { case: "file", value: { actions: [{ input: NONE, secondaryInput: NONE, output: 0n, action: { case: "mkdir", value: { path: "/cache", mode: mount.mode ?? 0o755, makeParents: false, owner, timestamp: NONE } } }] } },
    constraints: {},
  });
}

type FileActionInit = MessageInitShape<typeof FileActionSchema>;

function fileOp(vertex: FileContent & { readonly inputs: readonly Digest[] }, inputRef: (index: number | null) => LlbRef, location: Range): LlbOp {
  const inputs = new OpInputs();
  const base = inputs.index(inputRef(vertex.base));
  const actions: FileActionInit[] = [];
  vertex.actions.forEach((action, position) => {
    // Each action works on the one before it; BuildKit numbers action results after the inputs.
    const secondary = action.action === "copy" ? inputs.index(inputRef(action.input)) : NONE;
    actions.push({ input: position === 0 ? base : -1n, secondaryInput: secondary, output: position === vertex.actions.length - 1 ? 0n : NONE, action: fileAction(action, base, location) });
  });
  // Chained inputs can only be numbered once every real input is known.
  actions.forEach((action, position) => {
    if (position > 0) action.input = BigInt(inputs.list.length + position - 1);
  });
  return marshalOp({ inputs: inputs.list, op: { case: "file", value: { actions } }, constraints: {} });
}

function fileAction(action: FileAction, base: bigint, location: Range): FileActionInit["action"] {
  switch (action.action) {
    case "copy":
      if (action.parents) throw new LlbUnsupportedError("COPY --parents cannot be written as BuildKit LLB by dfc yet", location);
      return {
        case: "copy",
        value: {
          src: cleanPath("/" + action.src),
          dest: action.dest,
          owner: chownOpt(action.chown, base),
          mode: action.chmod === null ? -1 : Number.parseInt(action.chmod, 8),
          followSymlink: action.followSymlinks,
          dirCopyContents: true,
          attemptUnpackDockerCompatibility: action.unpack,
          createDestPath: action.createDestPath,
          allowWildcard: action.allowWildcard,
          allowEmptyWildcard: true,
          timestamp: NONE,
          excludePatterns: [...action.exclude],
        },
      };
    case "mkdir":
      return { case: "mkdir", value: { path: action.path, mode: action.mode, makeParents: action.makeParents, owner: chownOpt(action.chown, base), timestamp: NONE } };
    case "mkfile":
      return { case: "mkfile", value: { path: action.path, mode: action.mode, data: new TextEncoder().encode(action.data), owner: chownOpt(action.chown, base), timestamp: NONE } };
    case "rm":
      return { case: "rm", value: { path: action.path, allowNotFound: action.allowNotFound } };
    case "symlink":
      return { case: "symlink", value: { oldpath: action.target, newpath: action.path, timestamp: NONE } };
  }
}

/**
 * `--chown=user:group`: numbers (and `root`) are ids; names are looked up
 * in the destination file system, which BuildKit finds through `input`.
 */
function chownOpt(chown: string | null, base: bigint): MessageInitShape<typeof ChownOptSchema> | undefined {
  if (chown === null || chown === "") return undefined;
  const [user = "", group] = chown.split(/:(.*)/s);
  const userOpt = (name: string): NonNullable<MessageInitShape<typeof ChownOptSchema>["user"]> => {
    if (name === "root") return { user: { case: "byID", value: 0 } };
    if (/^[0-9]+$/.test(name) && Number(name) <= 0x7fffffff) return { user: { case: "byID", value: Number(name) } };
    return { user: { case: "byName", value: { name, input: base } } };
  };
  return { user: userOpt(user), group: group === undefined ? undefined : userOpt(group) };
}
