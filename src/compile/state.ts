/**
 * The state of a stage while its instructions are dispatched: its current
 * file system, the environment its RUN steps see, and the image config it
 * will end with.
 */
import type { Digest } from "../graph/ir.js";
import type { Platform } from "../platform/index.js";
import type { ImageConfig } from "./image-config.js";

/** The PATH BuildKit gives a Linux image that has none. */
const DEFAULT_LINUX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface MutableConfig {
  /** The image's environment (ENV only, no ARGs), ordered. */
  env: Map<string, string>;
  workdir: string;
  user: string;
  entrypoint: readonly string[] | null;
  cmd: readonly string[] | null;
  shell: readonly string[] | null;
  onbuild: string[];
  labels: Map<string, string>;
}

export interface StageState {
  root: Digest | null;
  readonly platform: Platform;
  /**
   * What RUN steps see, and what words are expanded with: the image env, ENV,
   * and declared ARGs with values. Only ARG and ENV change it, and only ARG
   * changes `declaredArgs`: the linter's step recorder shares one copy between them.
   */
  readonly runEnv: Map<string, string>;
  /** ARG names declared in the stage so far (with or without a value). */
  readonly declaredArgs: Set<string>;
  config: MutableConfig;
  configKnown: boolean;
  /** A CMD was given in this stage (then ENTRYPOINT keeps it). */
  cmdSet: boolean;
}

function envMap(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals === -1) map.set(entry, "");
    else map.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return map;
}

export function envList(map: ReadonlyMap<string, string>): string[] {
  const list: string[] = [];
  map.forEach((value, key) => list.push(`${key}=${value}`));
  return list;
}

// States are copied for every stage built on another and for every step the
// linter records: forEach copies without the iterator results that
// `new Map(map)` allocates for each entry (and is faster for small maps).

export function copyMap<K, V>(map: ReadonlyMap<K, V>): Map<K, V> {
  const copy = new Map<K, V>();
  map.forEach((value, key) => copy.set(key, value));
  return copy;
}

export function copySet<T>(set: ReadonlySet<T>): Set<T> {
  const copy = new Set<T>();
  set.forEach((value) => copy.add(value));
  return copy;
}

/**
 * A stage's own copy of a config. Written out field by field: spreading the
 * config (and overriding some fields) was a slow generic copy, and left
 * objects whose later field writes were slow too.
 */
function mutableConfig(config: ImageConfig | MutableConfig, env: Map<string, string>, labels: Map<string, string>): MutableConfig {
  return { env, workdir: config.workdir, user: config.user, entrypoint: config.entrypoint, cmd: config.cmd, shell: config.shell, onbuild: [...config.onbuild], labels };
}

/** A fresh state on top of an image config (PATH is added as BuildKit adds it). */
export function stateFromConfig(root: Digest | null, platform: Platform, config: ImageConfig, known: boolean): StageState {
  const env = envMap(config.env);
  if (!env.has("PATH") && platform.os === "linux") env.set("PATH", DEFAULT_LINUX_PATH);
  return {
    root,
    platform,
    runEnv: copyMap(env),
    declaredArgs: new Set(),
    config: mutableConfig(config, env, new Map()),
    configKnown: known,
    cmdSet: false,
  };
}

/**
 * A stage built `FROM` another continues it: same file system and config,
 * and the ARGs declared there stay declared with their values (BuildKit
 * copies the base stage's build args, moby/buildkit#5381).
 */
export function stateFromStage(base: StageState): StageState {
  return {
    root: base.root,
    platform: base.platform,
    runEnv: copyMap(base.runEnv),
    declaredArgs: copySet(base.declaredArgs),
    config: mutableConfig(base.config, copyMap(base.config.env), copyMap(base.config.labels)),
    configKnown: base.configKnown,
    cmdSet: false,
  };
}

export function frozenConfig(config: MutableConfig): ImageConfig {
  const { env, onbuild, workdir, user, entrypoint, cmd, shell } = config;
  return { env: envList(env), workdir, user, entrypoint, cmd, shell, onbuild: [...onbuild] };
}

/** The shell for shell-form commands: SHELL, else the platform default. */
export function shellOf(state: StageState): readonly string[] {
  return state.config.shell ?? (state.platform.os === "windows" ? ["cmd", "/S", "/C"] : ["/bin/sh", "-c"]);
}
