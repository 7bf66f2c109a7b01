/**
 * What compiling a Dockerfile for one target says about its stages: what the
 * planner and the linter need to know besides the graph (which compile.ts
 * adds when it builds one).
 */
import type { Platform } from "../platform/index.js";
import type { Range } from "../syntax/position.js";
import type { ImageConfig } from "./image-config.js";

/** Where a stage's platform came from. */
export type StagePlatformSource =
  /** No --platform: the target platform. */
  | "target"
  /** `FROM --platform=…`; `pinnedToBuild` when it is the build platform (the cross-compilation pattern). */
  | "flag"
  /** `FROM <earlier stage>`: that stage's platform (a --platform flag does not change it). */
  | "base-stage";

export interface CompiledStage {
  /** Position among all stages of the Dockerfile (0-based), and name if it has one. */
  readonly index: number;
  readonly name: string | null;
  readonly platform: Platform;
  readonly platformSource: StagePlatformSource;
  /** True when the stage runs on the build platform because its FROM asked for $BUILDPLATFORM (or the same platform written out). */
  readonly pinnedToBuild: boolean;
  /** The base: an image reference (normalized), `scratch`, or an earlier stage's index. */
  readonly base: { readonly kind: "image"; readonly ref: string; readonly known: boolean; readonly available: boolean } | { readonly kind: "scratch" } | { readonly kind: "stage"; readonly index: number };
  readonly location: Range;
  /** The image config the stage ends with (as far as it is known). */
  readonly config: ImageConfig;
  readonly configKnown: boolean;
}

export interface CompiledTarget {
  /** The platform the user asked for. */
  readonly requested: Platform;
  /** The platform the build is made for: the requested one, or a TAGARCH group's common platform. */
  readonly platform: Platform;
  /** The TAGARCH that made this target share a build, if any. */
  readonly tagArch: Range | null;
  readonly targetStage: CompiledStage;
  /** The stages compiled for this target (those the target stage needs), in Dockerfile order. */
  readonly stages: readonly CompiledStage[];
}
