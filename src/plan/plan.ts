/**
 * Planning a multi-platform build: compile the Dockerfile for every target
 * into one graph (equal work, equal digest, one vertex), then say for each
 * vertex which targets need it, how it runs (native, cross, emulated) and
 * what it costs, and for the whole build what dedup saves.
 */
import { compileTarget, type CompiledTargetGraph } from "../compile/compile.js";
import type { ImageConfig, ImageResolver } from "../compile/image-config.js";
import { stageLabel } from "../compile/stages.js";
import type { CompiledStage } from "../compile/target.js";
import { BuildGraph } from "../graph/graph.js";
import type { Digest, Vertex, VertexMeta } from "../graph/ir.js";
import { comparePlatforms, formatPlatform, parsePlatform, samePlatform, type Platform } from "../platform/index.js";
import type { Dockerfile } from "../syntax/ast.js";
import { DEFAULT_COST_MODEL, vertexCost, type CostModel } from "./cost.js";
import { placeExec, type ExecMode } from "./modes.js";

export interface PlanOptions {
  readonly platforms: readonly Platform[];
  readonly buildPlatform: Platform;
  /** Machines that can run steps; by default only the build platform. */
  readonly workers?: readonly Platform[];
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly targetStage?: string | null;
  readonly resolver?: ImageResolver;
  /** `--build-context NAME=oci-layout://…` (see CompileOptions). */
  readonly namedContexts?: ReadonlyMap<string, string>;
  readonly costModel?: CostModel;
}

export interface PlannedTarget {
  /** The platform the build is made for. */
  readonly platform: string;
  readonly root: Digest | null;
  /** Requested platforms served by this build (more than one with TAGARCH). */
  readonly publishedAs: readonly string[];
  readonly stage: string;
  /** Whether the target stage's base image config was known (offline it is not). */
  readonly configKnown: boolean;
  /** The image config the target stage ends with, as far as it is known: what an exported image carries. */
  readonly config: ImageConfig;
  /** The platform each stage of this build runs as, by stage label (`builder`, `stage-0`). */
  readonly stagePlatforms: ReadonlyMap<string, string>;
}

export interface PlannedVertex {
  readonly vertex: Vertex;
  readonly meta: VertexMeta;
  /** Requested platforms whose graph contains the vertex, sorted. */
  readonly targets: readonly string[];
  readonly mode: ExecMode | null;
  readonly worker: string | null;
  readonly compatible: boolean;
  readonly cost: number;
}

export interface PlanSummary {
  readonly vertices: number;
  /** Vertices used by more than one requested platform: built once for all of them. */
  readonly shared: number;
  readonly emulated: number;
  readonly cross: number;
  /** Estimated work with dedup (each vertex once). */
  readonly cost: number;
  /** Estimated work building each requested platform on its own. */
  readonly costWithoutDedup: number;
  readonly criticalPath: { readonly cost: number; readonly vertices: readonly Digest[] };
}

export interface Plan {
  readonly buildPlatform: string;
  readonly workers: readonly string[];
  readonly targets: readonly PlannedTarget[];
  /** Inputs before the vertices that use them. */
  readonly vertices: readonly PlannedVertex[];
  readonly summary: PlanSummary;
  /** Stages by label, as compiled for each target that uses them. */
  readonly stages: ReadonlyMap<string, readonly CompiledStage[]>;
}

export function planBuild(dockerfile: Dockerfile, options: PlanOptions): Plan {
  const graph = new BuildGraph();
  const compiled = uniqueSorted(options.platforms).map((target) =>
    compileTarget(dockerfile, {
      target,
      buildPlatform: options.buildPlatform,
      buildArgs: options.buildArgs,
      targetStage: options.targetStage,
      resolver: options.resolver,
      namedContexts: options.namedContexts,
      graph,
    }),
  );
  return planCompiled(compiled, graph, options);
}

/**
 * The plan for targets already compiled into one graph (in platform order),
 * for callers that compile themselves (the linter watches the compile).
 */
export function planCompiled(compiled: readonly CompiledTargetGraph[], graph: BuildGraph, options: Pick<PlanOptions, "buildPlatform" | "workers" | "costModel">): Plan {
  // The build platform is the machine the build runs on, so it is always one of the workers.
  const workers = uniqueSorted([options.buildPlatform, ...(options.workers ?? [])]);
  const model = options.costModel ?? DEFAULT_COST_MODEL;

  const users = new Map<Digest, Platform[]>();
  const stageOf = new Map<Digest, CompiledStage>();
  const closures = compiled.map((target) => {
    const closure = target.vertices.map((id) => graph.vertex(id));
    const stages = new Map(target.stages.map((stage) => [stage.index, stage]));
    for (const vertex of closure) {
      const list = users.get(vertex.id);
      if (list === undefined) users.set(vertex.id, [target.requested]);
      else list.push(target.requested);
      if (!stageOf.has(vertex.id)) {
        const index = target.vertexStages.get(vertex.id);
        const stage = index === undefined ? undefined : stages.get(index);
        if (stage !== undefined) stageOf.set(vertex.id, stage);
      }
    }
    return closure;
  });
  const names = new Map(compiled.map((target) => [target.requested, formatPlatform(target.requested)]));

  const order = mergedOrder(closures);
  const vertices = order.map((vertex): PlannedVertex => {
    const targets = users.get(vertex.id) ?? [];
    const placement =
      vertex.kind === "exec"
        ? placeExec(parsePlatform(vertex.platform), stageOf.get(vertex.id)?.pinnedToBuild ?? false, targets, options.buildPlatform, workers)
        : null;
    return {
      vertex,
      meta: graph.meta(vertex.id),
      targets: targets.map((target) => names.get(target) ?? formatPlatform(target)),
      mode: placement?.mode ?? null,
      worker: placement?.worker ?? null,
      compatible: placement?.compatible ?? false,
      cost: vertexCost(vertex, placement?.mode ?? null, model),
    };
  });

  return {
    buildPlatform: formatPlatform(options.buildPlatform),
    workers: workers.map(formatPlatform),
    targets: plannedTargets(compiled),
    vertices,
    summary: summarize(vertices, closures),
    stages: stagesByLabel(compiled),
  };
}

export function uniqueSorted(platforms: readonly Platform[]): Platform[] {
  const sorted = [...platforms].sort(comparePlatforms);
  return sorted.filter((platform, index) => index === 0 || !samePlatform(platform, sorted[index - 1] as Platform));
}

/**
 * One order of all targets' vertices with every input before its users.
 * Each closure is such an order; taking the targets' closures one after the
 * other and keeping each vertex's first appearance keeps that property, since
 * a vertex first appears after all its inputs in the same closure.
 */
function mergedOrder(closures: readonly (readonly Vertex[])[]): Vertex[] {
  const seen = new Set<Digest>();
  const order: Vertex[] = [];
  for (const closure of closures) {
    for (const vertex of closure) {
      if (seen.has(vertex.id)) continue;
      seen.add(vertex.id);
      order.push(vertex);
    }
  }
  return order;
}

/** Requested platforms compiled to the same build (TAGARCH) become one target published under each. */
function plannedTargets(compiled: readonly CompiledTargetGraph[]): PlannedTarget[] {
  const groups = new Map<string, { first: CompiledTargetGraph; publishedAs: string[] }>();
  for (const target of compiled) {
    const key = `${formatPlatform(target.platform)} ${target.root ?? "scratch"}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: target, publishedAs: [formatPlatform(target.requested)] });
    else group.publishedAs.push(formatPlatform(target.requested));
  }
  return [...groups.values()].map(({ first, publishedAs }) => ({
    platform: formatPlatform(first.platform),
    root: first.root,
    publishedAs,
    stage: stageLabel(first.targetStage),
    configKnown: first.targetStage.configKnown,
    config: first.targetStage.config,
    stagePlatforms: new Map(first.stages.map((stage) => [stageLabel(stage), formatPlatform(stage.platform)])),
  }));
}

function summarize(vertices: readonly PlannedVertex[], closures: readonly (readonly Vertex[])[]): PlanSummary {
  const cost = new Map(vertices.map((planned) => [planned.vertex.id, planned.cost]));
  const total = vertices.reduce((sum, planned) => sum + planned.cost, 0);
  const withoutDedup = closures.reduce((sum, closure) => sum + closure.reduce((inner, vertex) => inner + (cost.get(vertex.id) ?? 0), 0), 0);
  return {
    vertices: vertices.length,
    shared: vertices.filter((planned) => planned.targets.length > 1).length,
    emulated: vertices.filter((planned) => planned.mode === "emulated").length,
    cross: vertices.filter((planned) => planned.mode === "cross").length,
    cost: round(total),
    costWithoutDedup: round(withoutDedup),
    criticalPath: criticalPath(vertices),
  };
}

/** The most expensive chain of dependent vertices (vertices are in topological order). */
function criticalPath(vertices: readonly PlannedVertex[]): PlanSummary["criticalPath"] {
  const best = new Map<Digest, { cost: number; previous: Digest | null }>();
  let end: Digest | null = null;
  for (const planned of vertices) {
    let previous: Digest | null = null;
    let before = 0;
    for (const input of planned.vertex.inputs) {
      const candidate = best.get(input);
      if (candidate !== undefined && candidate.cost > before) {
        before = candidate.cost;
        previous = input;
      }
    }
    best.set(planned.vertex.id, { cost: before + planned.cost, previous });
    if (end === null || before + planned.cost > (best.get(end)?.cost ?? 0)) end = planned.vertex.id;
  }
  const chain: Digest[] = [];
  for (let id = end; id !== null; id = best.get(id)?.previous ?? null) chain.unshift(id);
  return { cost: round(end === null ? 0 : (best.get(end)?.cost ?? 0)), vertices: chain };
}

function stagesByLabel(compiled: readonly CompiledTargetGraph[]): Map<string, CompiledStage[]> {
  const stages = new Map<string, CompiledStage[]>();
  for (const target of compiled) {
    for (const stage of target.stages) {
      const label = stageLabel(stage);
      stages.set(label, [...(stages.get(label) ?? []), stage]);
    }
  }
  return stages;
}

const round = (value: number): number => Math.round(value * 10) / 10;
