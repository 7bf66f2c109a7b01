/** Shared helpers for the planner tests: scenarios on disk, planning them, finding vertices. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileTarget } from "../../src/compile/compile.js";
import { BuildGraph } from "../../src/graph/graph.js";
import type { Digest, Vertex } from "../../src/graph/ir.js";
import { planBuild, type Plan, type PlannedVertex } from "../../src/plan/plan.js";
import { parsePlatform, type Platform } from "../../src/platform/index.js";
import type { Dockerfile } from "../../src/syntax/ast.js";
import { parseDockerfile } from "../../src/syntax/index.js";

export const BUILD_PLATFORM = "linux/amd64";

export const scenariosDir = fileURLToPath(new URL("./scenarios/", import.meta.url));

/** `scenario.json`: what `dfc plan` is given besides the Dockerfile. */
export interface ScenarioConfig {
  readonly platforms: readonly string[];
  /** The platform the build runs on (default linux/amd64). */
  readonly buildPlatform?: string;
  /** A Dockerfile elsewhere in the repository (relative to the scenario), instead of one beside scenario.json. */
  readonly dockerfile?: string;
  readonly workers?: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
}

export interface Scenario {
  readonly name: string;
  readonly dockerfilePath: string;
  readonly text: string;
  readonly config: ScenarioConfig;
}

export function loadScenario(name: string): Scenario {
  const config = JSON.parse(readFileSync(`${scenariosDir}${name}/scenario.json`, "utf8")) as ScenarioConfig;
  const dockerfilePath = fileURLToPath(new URL(config.dockerfile ?? "Dockerfile", `file://${scenariosDir}${name}/`));
  const text = readFileSync(dockerfilePath, "utf8");
  return { name, dockerfilePath, text, config };
}

export const P = (spec: string): Platform => parsePlatform(spec);

export function planText(text: string, config: ScenarioConfig): Plan {
  return planBuild(parseDockerfile(text), {
    platforms: config.platforms.map(P),
    buildPlatform: P(config.buildPlatform ?? BUILD_PLATFORM),
    workers: config.workers?.map(P),
    buildArgs: new Map(Object.entries(config.buildArgs ?? {})),
    targetStage: config.target ?? null,
  });
}

export function planScenario(scenario: Scenario): Plan {
  return planText(scenario.text, scenario.config);
}

/** The instruction text of a vertex, without BuildKit's `[stage n/m]` prefix. */
export const stepText = (planned: PlannedVertex): string => planned.meta.name.replace(/^\[[^\]]*\]\s*/, "");

/** The planned vertices whose instruction text starts with `prefix`. */
export function steps(plan: Plan, prefix: string): PlannedVertex[] {
  return plan.vertices.filter((planned) => stepText(planned).startsWith(prefix));
}

/** Exactly one planned vertex whose instruction text starts with `prefix`. */
export function step(plan: Plan, prefix: string): PlannedVertex {
  const found = steps(plan, prefix);
  if (found.length !== 1) throw new Error(`expected one step "${prefix}", found ${found.length}: ${found.map(stepText).join(" | ")}`);
  return found[0] as PlannedVertex;
}

/** The requested platforms of each vertex of a step, sorted by platform (one entry per vertex). */
export const targetsOf = (list: readonly PlannedVertex[]): string[][] =>
  list.map((planned) => [...planned.targets]).sort((a, b) => (a.join() < b.join() ? -1 : 1));

/** The vertex of `list` used by `platform`. */
export function forTarget(list: readonly PlannedVertex[], platform: string): PlannedVertex {
  const found = list.filter((planned) => planned.targets.includes(platform));
  if (found.length !== 1) throw new Error(`expected one vertex for ${platform}, found ${found.length}`);
  return found[0] as PlannedVertex;
}

/** Compiles one requested platform alone, in a fresh graph; returns its vertices by id. */
export function compileAlone(
  dockerfile: Dockerfile,
  platform: Platform,
  options: { buildPlatform?: Platform; targetStage?: string | null; buildArgs?: ReadonlyMap<string, string> } = {},
): { root: Digest | null; closure: Map<Digest, Vertex> } {
  const graph = new BuildGraph();
  const compiled = compileTarget(dockerfile, {
    target: platform,
    buildPlatform: options.buildPlatform ?? P(BUILD_PLATFORM),
    buildArgs: options.buildArgs,
    targetStage: options.targetStage ?? null,
    graph,
  });
  const closure = compiled.root === null ? [] : graph.closure([compiled.root]);
  return { root: compiled.root, closure: new Map(closure.map((vertex) => [vertex.id, vertex])) };
}
