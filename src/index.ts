/**
 * dfc's library API, in pipeline order: syntax (parse) → shell (word
 * expansion) → platform → compile → graph → plan → lint → exec → emit.
 */
export * from "./syntax/index.js";
export { formatDiagnostic, type DiagnosticText, type Severity } from "./syntax/diagnostic.js";
export { printDockerfile, instructionLine } from "./syntax/printer.js";
export { dockerfileSchema, parseOutputSchema, AST_SCHEMA_VERSION } from "./syntax/schema.js";
export * from "./shell/index.js";
export * from "./platform/index.js";
export { compileTarget, type CompileOptions, type CompiledTargetGraph } from "./compile/compile.js";
export type { ImageConfig, ImageResolver } from "./compile/image-config.js";
export { parseImageMeta, metaResolver } from "./compile/image-meta.js";
export * from "./graph/index.js";
export { vertexSchema, vertexMetaSchema } from "./graph/schema.js";
export { planBuild, type Plan, type PlanOptions, type PlannedTarget, type PlannedVertex, type PlanSummary } from "./plan/plan.js";
export { DEFAULT_COST_MODEL, type CostModel } from "./plan/cost.js";
export type { ExecMode } from "./plan/modes.js";
export { planToJson, PLAN_SCHEMA_VERSION, type PlanJson } from "./plan/json.js";
export { lintSource, type LintOptions } from "./lint/lint.js";
export type { Finding } from "./lint/finding.js";
export type { Backend } from "./exec/backend.js";
export { schedule, type ScheduleOptions, type ScheduleResult, type VertexFailure } from "./exec/scheduler.js";
export { simulateBuild, type Simulation, type TimelineEntry } from "./exec/simulate.js";
export type { ProgressEvent } from "./exec/progress.js";
export { progressEventSchema } from "./exec/progress-schema.js";
export { graphDocument, GRAPH_SCHEMA_VERSION, type GraphDocument } from "./emit/ir-json.js";
export { graphDocumentSchema } from "./emit/ir-json-schema.js";
export { llbTargets, llbIndex, LLB_INDEX_VERSION, type LlbTarget, type LlbIndex } from "./emit/llb/definition.js";
export { LlbUnsupportedError } from "./emit/llb/ops.js";
export { decodeDefinition, LlbDecodeError, type DecodedDefinition, type DecodedOp } from "./emit/llb/decode.js";
export { lowerDockerfile, LoweringError } from "./emit/lower-dockerfile.js";
export { renderPlanText } from "./emit/plan-text.js";
export { renderDot } from "./emit/dot.js";
export { renderMermaid } from "./emit/mermaid.js";
export { renderTimelineText } from "./emit/timeline-text.js";
