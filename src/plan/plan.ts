/**
 * Planning a multi-platform build: compile the Dockerfile for every target
 * into one graph (equal work, equal digest, one vertex), then say for each
 * vertex which targets need it, how it runs (native, cross, emulated) and
 * what it costs, and for the whole build what dedup saves.
 */
import { compileTarget, type CompiledTargetGraph } from "../compile/compile.js";
import type { ImageConfig, ImageResolver } from "../compile/image-config.js";
import { CompileMemo } from "../compile/memo.js";
import { stageLabel } from "../compile/stages.js";
import type { CompiledStage } from "../compile/target.js";
import { BuildGraph, type GraphEntry } from "../graph/graph.js";
import type { Digest, Vertex, VertexMeta } from "../graph/ir.js";
import { comparePlatforms, formatPlatform, parsePlatform, samePlatform, type Platform } from "../platform/index.js";
import type { Dockerfile } from "../syntax/ast.js";
import { DEFAULT_COST_MODEL, vertexCost, type CostModel } from "./cost.js";
import { placeExec, type ExecMode, type ExecPlacement } from "./modes.js";

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
  const memo = new CompileMemo();
  const compiled = uniqueSorted(options.platforms).map((target) =>
    compileTarget(dockerfile, {
      target,
      buildPlatform: options.buildPlatform,
      buildArgs: options.buildArgs,
      targetStage: options.targetStage,
      resolver: options.resolver,
      namedContexts: options.namedContexts,
      graph,
      memo,
    }),
  );
  return planCompiled(compiled, graph, options);
}

/** The machines that run steps: the build platform, which is always one (the build runs there), and the given workers. */
export function workersFor(buildPlatform: Platform, workers: readonly Platform[] | undefined): Platform[] {
  return uniqueSorted([buildPlatform, ...(workers ?? [])]);
}

/** The plan for targets compiled into one graph, in platform order. */
function planCompiled(compiled: readonly CompiledTargetGraph[], graph: BuildGraph, options: PlanOptions): Plan {
  const workers = workersFor(options.buildPlatform, options.workers);
  const model = options.costModel ?? DEFAULT_COST_MODEL;
  const merged = mergeTargets(compiled, graph);
  const names = new Map(compiled.map((target) => [target.requested, formatPlatform(target.requested)]));
  const platforms = new Map<string, Platform>();

  const vertices = merged.order.map(({ vertex, meta }, slot): PlannedVertex => {
    const targets = merged.users[slot] ?? [];
    let placement: ExecPlacement | null = null;
    if (vertex.kind === "exec") {
      let platform = platforms.get(vertex.platform);
      if (platform === undefined) platforms.set(vertex.platform, (platform = parsePlatform(vertex.platform)));
      placement = placeExec(platform, merged.stages[slot]?.pinnedToBuild ?? false, targets, options.buildPlatform, workers);
    }
    return {
      vertex,
      meta,
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
    summary: summarize(vertices, merged),
    stages: stagesByLabel(compiled),
  };
}

/**
 * All targets' vertices in one order, numbered by their place in it (a
 * slot), with what the plan needs per slot in arrays: maps keyed by digest
 * were most of planCompiled's time on large graphs.
 */
interface MergedTargets {
  /** Every input before the vertices that use it. */
  readonly order: readonly GraphEntry[];
  /** Requested platforms whose graph contains the vertex, in target order. */
  readonly users: readonly Platform[][];
  /** The stage the vertex is shown under: the first target's that made it. */
  readonly stages: readonly (CompiledStage | undefined)[];
  /** Slots of each vertex's inputs. */
  readonly inputs: readonly number[][];
  /** Slots of each target's vertices. */
  readonly byTarget: readonly number[][];
}

/**
 * Each target's vertex list has every input before the vertices that use
 * it; taking the targets' lists one after the other and keeping each
 * vertex's first appearance keeps that property, since a vertex first
 * appears after all its inputs in its list.
 */
function mergeTargets(compiled: readonly CompiledTargetGraph[], graph: BuildGraph): MergedTargets {
  const slots = new Map<Digest, number>();
  const order: GraphEntry[] = [];
  const users: Platform[][] = [];
  const stages: (CompiledStage | undefined)[] = [];
  const inputs: number[][] = [];
  const byTarget = compiled.map((target) => {
    const stagesByIndex = new Map(target.stages.map((stage) => [stage.index, stage]));
    return target.vertices.map((id) => {
      let slot = slots.get(id);
      if (slot === undefined) {
        slot = order.length;
        slots.set(id, slot);
        const entry = graph.entry(id);
        order.push(entry);
        users.push([]);
        stages.push(undefined);
        inputs.push(entry.vertex.inputs.map((input) => slots.get(input) ?? -1));
      }
      (users[slot] as Platform[]).push(target.requested);
      if (stages[slot] === undefined) {
        const index = target.vertexStages.get(id);
        stages[slot] = index === undefined || index === null ? undefined : stagesByIndex.get(index);
      }
      return slot;
    });
  });
  return { order, users, stages, inputs, byTarget };
}

export function uniqueSorted(platforms: readonly Platform[]): Platform[] {
  const sorted = [...platforms].sort(comparePlatforms);
  return sorted.filter((platform, index) => index === 0 || !samePlatform(platform, sorted[index - 1] as Platform));
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

function summarize(vertices: readonly PlannedVertex[], merged: MergedTargets): PlanSummary {
  let total = 0;
  let shared = 0;
  let emulated = 0;
  let cross = 0;
  for (const planned of vertices) {
    total += planned.cost;
    if (planned.targets.length > 1) shared++;
    if (planned.mode === "emulated") emulated++;
    else if (planned.mode === "cross") cross++;
  }
  let withoutDedup = 0;
  for (const slots of merged.byTarget) for (const slot of slots) withoutDedup += vertices[slot]?.cost ?? 0;
  return {
    vertices: vertices.length,
    shared,
    emulated,
    cross,
    cost: round(total),
    costWithoutDedup: round(withoutDedup),
    criticalPath: criticalPath(vertices, merged.inputs),
  };
}

/** The most expensive chain of dependent vertices (vertices are in topological order; `inputs` are their inputs' slots). */
function criticalPath(vertices: readonly PlannedVertex[], inputs: readonly number[][]): PlanSummary["criticalPath"] {
  const best = new Float64Array(vertices.length);
  const previous = new Int32Array(vertices.length).fill(-1);
  let end = -1;
  vertices.forEach((planned, slot) => {
    let before = 0;
    for (const input of inputs[slot] ?? []) {
      if (input >= 0 && (best[input] ?? 0) > before) {
        before = best[input] ?? 0;
        previous[slot] = input;
      }
    }
    best[slot] = before + planned.cost;
    if (end === -1 || before + planned.cost > (best[end] ?? 0)) end = slot;
  });
  const chain: Digest[] = [];
  for (let slot = end; slot !== -1; slot = previous[slot] ?? -1) chain.unshift((vertices[slot] as PlannedVertex).vertex.id);
  return { cost: round(end === -1 ? 0 : (best[end] ?? 0)), vertices: chain };
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
