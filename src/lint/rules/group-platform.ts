/** dfc's multi-platform rules, one file each (docs in docs/rules/, tests in test/lint/rules/). */
import type { Rule } from "../rule.js";
import { BaseImagePlatformUnavailable } from "./BaseImagePlatformUnavailable.js";
import { BuildArchProbe } from "./BuildArchProbe.js";
import { BuildPlatformStageAlias } from "./BuildPlatformStageAlias.js";
import { CrossStageMissingTarget } from "./CrossStageMissingTarget.js";
import { DeadIfArchBlock } from "./DeadIfArchBlock.js";
import { EmulatedCompilation } from "./EmulatedCompilation.js";
import { HardcodedArchitecture } from "./HardcodedArchitecture.js";
import { TagArchIncompatible } from "./TagArchIncompatible.js";
import { TagArchNotCovered } from "./TagArchNotCovered.js";
import { TargetArgNotDeclared } from "./TargetArgNotDeclared.js";
import { UnknownArchitecture } from "./UnknownArchitecture.js";
import { UnreachableArchBranch } from "./UnreachableArchBranch.js";

export const RULES: readonly Rule[] = [
  TargetArgNotDeclared,
  UnreachableArchBranch,
  HardcodedArchitecture,
  BuildArchProbe,
  CrossStageMissingTarget,
  EmulatedCompilation,
  BuildPlatformStageAlias,
  BaseImagePlatformUnavailable,
  UnknownArchitecture,
  DeadIfArchBlock,
  TagArchIncompatible,
  TagArchNotCovered,
];
