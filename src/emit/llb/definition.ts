/**
 * The plan as BuildKit LLB (`dfc compile --format llb`): for each distinct
 * build (a TAGARCH group is one), a `pb.Definition` with the ops of that
 * build's graph, inputs first, the last op a bare op naming the result, and
 * metadata keyed by op digest with BuildKit-style progress names. These are
 * the bytes `buildctl build` reads on standard input.
 *
 * The ops of a vertex are the same bytes in every build that uses it, so the
 * digests of work the planner shares are visibly equal across the files.
 */
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import type { Digest } from "../../graph/ir.js";
import { parsePlatform, platformKey } from "../../platform/index.js";
import type { Plan, PlannedTarget, PlannedVertex } from "../../plan/plan.js";
import { lowerVertex, marshalOp, sortedRecord, type LlbRef, type LoweredVertex } from "./ops.js";
import { DefinitionSchema, type OpMetadataSchema } from "./ops_pb.js";

export const LLB_INDEX_VERSION = 1;

export interface LlbTarget {
  /** The platform the build is made for. */
  readonly platform: string;
  /** Requested platforms served by it (several with TAGARCH). */
  readonly publishedAs: readonly string[];
  /** `<os>_<arch>[_<variant>].pb`. */
  readonly file: string;
  /** The serialized `pb.Definition`. */
  readonly definition: Uint8Array;
  /** Digests of its ops, in definition order (the final bare op included); empty for an empty image. */
  readonly ops: readonly string[];
  /** dfc vertex → the op that holds its result (absent for an empty file system), to relate the IR to the LLB. */
  readonly opOf: ReadonlyMap<Digest, string>;
}

/** `index.json` beside the files: which file is which build, and which ops the builds share. */
export interface LlbIndex {
  readonly llbIndexVersion: typeof LLB_INDEX_VERSION;
  readonly buildPlatform: string;
  readonly targets: readonly { readonly platform: string; readonly publishedAs: readonly string[]; readonly file: string; readonly ops: number }[];
  /** Op digests that occur in more than one file: work BuildKit does once for all of them. */
  readonly shared: readonly string[];
}

const CUSTOM_NAME = "llb.customname";

export function llbTargets(plan: Plan): LlbTarget[] {
  const byId = new Map(plan.vertices.map((planned) => [planned.vertex.id, planned]));
  // A vertex lowers to the same ops for every build; lower it once.
  const lowered = new Map<Digest, LoweredVertex>();
  const lower = (planned: PlannedVertex): LoweredVertex => {
    let result = lowered.get(planned.vertex.id);
    if (result === undefined) {
      result = lowerVertex(planned.vertex, refOf, planned.meta.location);
      lowered.set(planned.vertex.id, result);
    }
    return result;
  };
  const refOf = (digest: Digest): LlbRef => {
    const planned = byId.get(digest);
    if (planned === undefined) throw new Error(`vertex ${digest} is not in the plan`);
    return lower(planned).ref;
  };
  const prefixPlatform = plan.targets.reduce((count, target) => count + target.publishedAs.length, 0) > 1;
  return plan.targets.map((target) => definitionFor(target, closureOf(target, byId), lower, prefixPlatform));
}

/** The target's vertices, inputs first, in the plan's order. */
function closureOf(target: PlannedTarget, byId: ReadonlyMap<Digest, PlannedVertex>): PlannedVertex[] {
  const needed = new Set<Digest>();
  // A work list, not recursion: a file of thousands of steps makes a chain that deep.
  const pending = target.root === null ? [] : [target.root];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (needed.has(id)) continue;
    needed.add(id);
    pending.push(...(byId.get(id)?.vertex.inputs ?? []));
  }
  return [...byId.values()].filter((planned) => needed.has(planned.vertex.id));
}

function definitionFor(target: PlannedTarget, closure: readonly PlannedVertex[], lower: (planned: PlannedVertex) => LoweredVertex, prefixPlatform: boolean): LlbTarget {
  const def: Uint8Array[] = [];
  const ops: string[] = [];
  const metadata: Record<string, MessageInitShape<typeof OpMetadataSchema>> = {};
  const names = new Map<string, string>();
  const opOf = new Map<Digest, string>();
  let result: LlbRef = null;
  for (const planned of closure) {
    const { ops: vertexOps, helperNames, ref } = lower(planned);
    if (ref !== null) opOf.set(planned.vertex.id, ref.digest);
    for (const op of vertexOps) {
      if (names.has(op.digest)) continue;
      def.push(op.bytes);
      ops.push(op.digest);
      names.set(op.digest, helperNames.get(op.digest) ?? customName(planned, target, prefixPlatform));
    }
    if (planned.vertex.id === target.root) result = ref;
  }
  if (result !== null) {
    const final = marshalOp({ inputs: [{ digest: result.digest, index: BigInt(result.index) }] });
    def.push(final.bytes);
    ops.push(final.digest);
    // BuildKit's client marks the final op with the capabilities the definition relies on.
    metadata[final.digest] = { caps: { constraints: true, "meta.description": true, platform: true } };
  }
  for (const [digest, name] of names) metadata[digest] = { description: { [CUSTOM_NAME]: name } };
  const sortedMetadata = sortedRecord(Object.entries(metadata));
  return {
    platform: target.platform,
    publishedAs: target.publishedAs,
    file: `${platformKey(parsePlatform(target.platform))}.pb`,
    definition: toBinary(DefinitionSchema, create(DefinitionSchema, { def, metadata: sortedMetadata })),
    ops,
    opOf,
  };
}

/**
 * BuildKit's progress name: `[linux/arm64 builder 2/5] RUN go build`. The
 * platform is the one the step's stage runs as, shown when the build has
 * several targets; `[internal]` steps have none.
 */
function customName(planned: PlannedVertex, target: PlannedTarget, prefixPlatform: boolean): string {
  const { name, stage } = planned.meta;
  if (!prefixPlatform || !name.startsWith("[") || name.startsWith("[internal]")) return name;
  const platform = (stage === null ? undefined : target.stagePlatforms.get(stage)) ?? target.platform;
  return `[${platform} ${name.slice(1)}`;
}

export function llbIndex(plan: Plan, targets: readonly LlbTarget[]): LlbIndex {
  const files = new Map<string, number>();
  for (const target of targets) for (const digest of new Set(target.ops)) files.set(digest, (files.get(digest) ?? 0) + 1);
  return {
    llbIndexVersion: LLB_INDEX_VERSION,
    buildPlatform: plan.buildPlatform,
    targets: targets.map(({ platform, publishedAs, file, ops }) => ({ platform, publishedAs, file, ops: ops.length })),
    shared: [...files].filter(([, count]) => count > 1).map(([digest]) => digest).sort(),
  };
}
