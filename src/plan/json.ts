/**
 * The plan as versioned JSON (`dfc plan --format json`), the shape described
 * by `planJsonSchema` (`schema.ts`; `dfc schema plan` prints it).
 */
import type { VertexContent } from "../graph/ir.js";
import type { Plan } from "./plan.js";

export const PLAN_SCHEMA_VERSION = 1;

export interface PlanJson {
  readonly schemaVersion: 1;
  readonly buildPlatform: string;
  readonly workers: readonly string[];
  readonly targets: readonly { platform: string; root: string | null; publishedAs: readonly string[]; stage: string; configKnown: boolean }[];
  readonly vertices: readonly {
    id: string;
    kind: VertexContent["kind"];
    platform: string | null;
    targets: readonly string[];
    shared: boolean;
    mode: "native" | "cross" | "emulated" | "unsupported" | null;
    worker: string | null;
    compatible: boolean;
    stage: string | null;
    name: string;
    location: { line: number; column: number; endLine: number; endColumn: number } | null;
    inputs: readonly string[];
    cost: number;
    op: Record<string, unknown>;
  }[];
  readonly summary: {
    vertices: number;
    shared: number;
    emulated: number;
    cross: number;
    cost: number;
    costWithoutDedup: number;
    saving: number;
    criticalPath: { cost: number; vertices: readonly string[] };
  };
}

export function planToJson(plan: Plan): PlanJson {
  const { summary } = plan;
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    buildPlatform: plan.buildPlatform,
    workers: plan.workers,
    targets: plan.targets.map((target) => ({ ...target })),
    vertices: plan.vertices.map(({ vertex, meta, targets, mode, worker, compatible, cost }) => {
      const { id, inputs, kind, ...op } = vertex;
      const location = meta.location;
      return {
        id,
        kind,
        platform: "platform" in vertex ? vertex.platform : null,
        targets,
        shared: targets.length > 1,
        mode,
        worker,
        compatible,
        stage: meta.stage,
        name: meta.name,
        location:
          location === null
            ? null
            : { line: location.start.line, column: location.start.column, endLine: location.end.line, endColumn: location.end.column },
        inputs,
        cost,
        op,
      };
    }),
    summary: {
      vertices: summary.vertices,
      shared: summary.shared,
      emulated: summary.emulated,
      cross: summary.cross,
      cost: summary.cost,
      costWithoutDedup: summary.costWithoutDedup,
      saving: Math.round((summary.costWithoutDedup - summary.cost) * 10) / 10,
      criticalPath: summary.criticalPath,
    },
  };
}
