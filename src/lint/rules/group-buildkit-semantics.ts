import type { Rule } from "../rule.js";
import { CopyIgnoredFile } from "./CopyIgnoredFile.js";
import { FromPlatformFlagConstDisallowed } from "./FromPlatformFlagConstDisallowed.js";
import { InvalidBaseImagePlatform } from "./InvalidBaseImagePlatform.js";
import { InvalidDefaultArgInFrom } from "./InvalidDefaultArgInFrom.js";
import { InvalidDefinitionDescription } from "./InvalidDefinitionDescription.js";
import { RedundantTargetPlatform } from "./RedundantTargetPlatform.js";
import { SecretsUsedInArgOrEnv } from "./SecretsUsedInArgOrEnv.js";
import { UndefinedArgInFrom } from "./UndefinedArgInFrom.js";
import { UndefinedVar } from "./UndefinedVar.js";
import { WorkdirRelativePath } from "./WorkdirRelativePath.js";

export const RULES: readonly Rule[] = [
  UndefinedArgInFrom,
  WorkdirRelativePath,
  UndefinedVar,
  InvalidBaseImagePlatform,
  RedundantTargetPlatform,
  SecretsUsedInArgOrEnv,
  InvalidDefaultArgInFrom,
  FromPlatformFlagConstDisallowed,
  CopyIgnoredFile,
  InvalidDefinitionDescription,
];
