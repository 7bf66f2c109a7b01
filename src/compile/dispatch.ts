/**
 * Dispatching a stage's commands into graph vertices: BuildKit's
 * dockerfile2llb `dispatch*` functions, for dfc's graph.
 *
 * RUN becomes an exec vertex; COPY, ADD and WORKDIR become file vertices
 * (COPY --link a file vertex on an empty file system merged onto the stage);
 * everything else only changes the stage's environment or image config.
 * Words are expanded as BuildKit expands them, with the stage's environment
 * as it is before the instruction.
 */
import { posix } from "node:path";
import type { Digest, ExecMount, FileAction, SourceSpec, VertexContent } from "../graph/ir.js";
import type { VertexSink } from "../graph/graph.js";
import { formatPlatform } from "../platform/index.js";
import { expandWord, ShellExpansionError } from "../shell/index.js";
import type { Heredoc, Instruction, Word } from "../syntax/ast.js";
import { chompHeredoc } from "../syntax/heredoc.js";
import type { Range } from "../syntax/position.js";
import type { Vars } from "./args.js";
import { CompileError } from "./errors.js";
import type { CompileMemo } from "./memo.js";
import type { AddCommand, Command, CopyCommand, Mount, RunCommand } from "./instructions/index.js";
import { envList, shellOf, type StageState } from "./state.js";

export interface DispatchContext {
  readonly graph: VertexSink;
  /** Shared by the compiles of the file's targets. */
  readonly memo: CompileMemo;
  readonly escape: "\\" | "`";
  /** Stage label for progress names, as BuildKit shows it (`builder`, `stage-2`). */
  readonly stage: string;
  /** Number of steps in the stage (FROM included), for `[stage n/m]`. */
  readonly steps: number;
  /** The root file system of a stage or image named by `COPY --from` or `RUN --mount from=`. */
  resolveFrom(reference: string, range: Range, use: "copy" | "mount"): Digest | null;
  /** The build context (one local source for the whole build). */
  context(): Digest;
  /** Records which stage produced a vertex. */
  created(id: Digest): void;
}

/**
 * A path in the stage's file system. On Windows BuildKit keeps paths on the
 * system drive and stores them without the drive letter and with forward
 * slashes (`C:\\src` is `/src`).
 */
function systemPath(path: string, state: StageState, range: Range): string {
  if (state.platform.os !== "windows") return path;
  const drive = /^([A-Za-z]):/.exec(path);
  if (drive !== null && drive[1]?.toUpperCase() !== "C") throw new CompileError(`the path ${path} is not on the system drive (C:)`, range);
  return path.slice(drive === null ? 0 : 2).replace(/\\/g, "/");
}

/** Expands one word (with a stage's environment, or the global ARGs for FROM); errors point at the word. */
export function expand(value: string, range: Range, vars: Vars, escape: "\\" | "`", keepQuotes = false): string {
  try {
    return expandWord(value, vars, { escape, skipProcessQuotes: keepQuotes });
  } catch (error) {
    if (error instanceof ShellExpansionError) throw new CompileError(error.message, range);
    throw error;
  }
}

/** BuildKit's progress name: `[builder 3/7] RUN go build ./...` (one line, blanks folded). */
function stepName(context: DispatchContext, step: number, command: Command): string {
  return `[${context.stage} ${step}/${context.steps}] ${foldedText(command.source, context.memo)}`;
}

/** An instruction's text on one line; every target compiles the same instructions, so once per instruction. */
function foldedText(instruction: Instruction, memo: CompileMemo): string {
  let text = memo.foldedTexts.get(instruction);
  if (text === undefined) {
    text = instruction.original.replace(/\s+/g, " ").trim();
    memo.foldedTexts.set(instruction, text);
  }
  return text;
}

export function dispatch(command: Command, state: StageState, context: DispatchContext, step: number): void {
  const word = (w: Word): string => expand(w.value, w.range, state.runEnv, context.escape);
  const add = (content: VertexContent, inputs: readonly Digest[]): Digest => {
    const id = context.graph.add(content, inputs, () => ({ name: stepName(context, step, command), stage: context.stage, location: command.source.range }));
    context.created(id);
    return id;
  };
  switch (command.kind) {
    case "RUN":
      state.root = dispatchRun(command, state, context, add);
      return;
    case "COPY":
    case "ADD":
      state.root = dispatchCopy(command, state, context, add, word);
      return;
    case "WORKDIR": {
      const workdir = posix.resolve(state.config.workdir || "/", systemPath(word(command.path), state, command.path.range));
      state.config.workdir = workdir;
      // BuildKit creates the directory (as the current user) unless it is the root.
      if (workdir !== "/") {
        const action: FileAction = { action: "mkdir", chown: state.config.user || null, makeParents: true, mode: 0o755, path: workdir };
        state.root = add({ actions: [action], base: state.root === null ? null : 0, kind: "file" }, state.root === null ? [] : [state.root]);
      }
      return;
    }
    case "ENV": {
      // Every value is expanded with the environment as it was before this ENV.
      const pairs = command.pairs.map((pair) => [word(pair.key), word(pair.value)] as const);
      for (const [key, value] of pairs) {
        state.config.env.set(key, value);
        state.runEnv.set(key, value);
      }
      return;
    }
    case "ARG":
      // Stage ARGs are resolved by the compiler, which knows the build args and globals.
      throw new Error("ARG is dispatched by the compiler");
    case "USER":
      state.config.user = word(command.user);
      return;
    case "LABEL":
      for (const pair of command.pairs) state.config.labels.set(word(pair.key), word(pair.value));
      return;
    case "CMD":
    case "ENTRYPOINT": {
      // A bare CMD or ENTRYPOINT is the shell with an empty script, as in BuildKit.
      const form = command.command;
      const args = form.form === "exec" ? form.args.map((arg) => arg.value) : [...shellOf(state), form.form === "shell" ? form.script.value : ""];
      if (command.kind === "CMD") {
        state.config.cmd = args;
        state.cmdSet = true;
      } else {
        state.config.entrypoint = args;
        // A new entrypoint drops an inherited CMD, but not one this stage set (BuildKit's cmdSet).
        if (!state.cmdSet) state.config.cmd = null;
      }
      return;
    }
    case "SHELL":
      state.config.shell = command.shell.map((arg) => arg.value);
      return;
    case "ONBUILD":
      state.config.onbuild.push(command.expression);
      return;
    case "HEALTHCHECK":
    case "EXPOSE":
    case "VOLUME":
    case "STOPSIGNAL":
    case "MAINTAINER":
      // Image metadata only; nothing to build.
      return;
    case "FROM":
      throw new Error("FROM is handled by the compiler");
  }
}

type Add = (content: VertexContent, inputs: readonly Digest[]) => Digest;

/** Collects a vertex's inputs, each once, and hands out their indexes. */
class Inputs {
  readonly list: Digest[] = [];
  index(id: Digest): number {
    const found = this.list.indexOf(id);
    if (found !== -1) return found;
    this.list.push(id);
    return this.list.length - 1;
  }
}

/** The command line of a RUN, with BuildKit's three heredoc cases. */
function runArgs(command: RunCommand, state: StageState, inputs: Inputs, mounts: ExecMount[], add: Add): string[] {
  const form = command.command;
  if (form.form === "exec") return form.args.map((arg) => arg.value);
  if (form.form === "none") throw new CompileError("RUN needs a command", command.source.range);
  const shell = [...shellOf(state)];
  const script = form.script.value;
  const [first] = command.heredocs;
  if (first === undefined) return [...shell, script];
  const body = (heredoc: Heredoc): string => (heredoc.chomp ? chompHeredoc(heredoc.content) : heredoc.content);
  // BuildKit: is the whole command one heredoc word (`<<EOF`), or a command that uses heredocs?
  if (command.heredocs.length === 1 && /^[0-9]*<<-?[\t\n\f\r ]*[^<\s]+$/.test(script)) {
    if (state.platform.os !== "windows" && first.content.startsWith("#!")) {
      // A script with a shebang is written to a file and executed directly.
      const file = add({ actions: [
        { action: "mkdir", chown: null, makeParents: true, mode: 0o755, path: "/dev/pipes" },
        { action: "mkfile", chown: null, data: body(first), mode: 0o755, path: `/dev/pipes/${first.name}` },
      ], base: null, kind: "file" }, []);
      mounts.push({ input: inputs.index(file), readonly: true, source: "/dev/pipes/", target: "/dev/pipes/", type: "bind" });
      return [`/dev/pipes/${first.name}`];
    }
    // A lone heredoc is the script itself.
    return [...shell, body(first)];
  }
  // Anything else goes to the shell as written, with the bodies appended.
  return [...shell, command.heredocs.reduce((full, heredoc) => `${full}\n${heredoc.content}${heredoc.name}`, script)];
}

function dispatchRun(command: RunCommand, state: StageState, context: DispatchContext, add: Add): Digest {
  const inputs = new Inputs();
  const rootfs = state.root === null ? null : inputs.index(state.root);
  const mounts: ExecMount[] = command.mounts.map((mount) => execMount(mount, state, context, inputs));
  const args = runArgs(command, state, inputs, mounts, add);
  return add(
    // Keys in sorted order, here and in every IR literal: the digest can then use V8's own serializer.
    {
      args,
      cwd: state.config.workdir || "/",
      env: envList(state.runEnv),
      kind: "exec",
      mounts,
      network: command.network,
      platform: formatPlatform(state.platform),
      rootfs,
      security: command.security,
      user: state.config.user,
    },
    inputs.list,
  );
}

function execMount(mount: Mount, state: StageState, context: DispatchContext, inputs: Inputs): ExecMount {
  const text = (value: string | null, fallback: string): string => (value === null ? fallback : expand(value, mount.range, state.runEnv, context.escape));
  const number = (value: string | null, base: 8 | 10): number | null => {
    if (value === null) return null;
    const parsed = Number.parseInt(text(value, ""), base);
    if (Number.isNaN(parsed)) throw new CompileError(`invalid number "${value}" in --mount`, mount.range);
    return parsed;
  };
  const target = (value: string | null): string => posix.resolve(state.config.workdir || "/", systemPath(text(value, "."), state, mount.range));
  const from = (reference: string | null): number | null => {
    const root = reference === null ? context.context() : context.resolveFrom(reference, mount.range, "mount");
    return root === null ? null : inputs.index(root);
  };
  switch (mount.type) {
    case "bind": {
      const input = from(mount.from);
      return { input, readonly: mount.readOnly, source: text(mount.source, "/"), target: target(mount.target), type: "bind" };
    }
    case "cache": {
      const cacheTarget = target(mount.target);
      return {
        gid: number(mount.gid, 10),
        id: text(mount.id, cacheTarget),
        input: mount.from === null ? null : from(mount.from),
        mode: number(mount.mode, 8),
        readonly: mount.readOnly,
        sharing: mount.sharing,
        source: text(mount.source, "/"),
        target: cacheTarget,
        type: "cache",
        uid: number(mount.uid, 10),
      };
    }
    case "tmpfs":
      return { size: null, target: target(mount.target), type: "tmpfs" };
    case "secret":
      return {
        env: mount.env === null ? null : text(mount.env, ""),
        gid: number(mount.gid, 10),
        id: text(mount.id, ""),
        mode: number(mount.mode, 8),
        required: mount.required,
        target: mount.target === null ? null : text(mount.target, ""),
        type: "secret",
        uid: number(mount.uid, 10),
      };
    case "ssh":
      return {
        gid: number(mount.gid, 10),
        id: text(mount.id, "default"),
        mode: number(mount.mode, 8),
        required: mount.required,
        target: text(mount.target, "/run/buildkit/ssh_agent.0"),
        type: "ssh",
        uid: number(mount.uid, 10),
      };
  }
}

const isUrl = (source: string): boolean => /^https?:\/\//.test(source);
const isGit = (source: string): boolean => /^(?:git@|git:\/\/|ssh:\/\/)/.test(source) || /^https?:\/\/[^#]*\.git(?:#|$)/.test(source);

/** The destination in the stage: relative paths are under WORKDIR; a trailing slash (a directory) is kept. */
function destination(dest: string, workdir: string): string {
  const resolved = posix.resolve(workdir || "/", dest);
  return (dest.endsWith("/") || dest === "." || dest.endsWith("/.")) && resolved !== "/" ? `${resolved}/` : resolved;
}

function dispatchCopy(command: CopyCommand | AddCommand, state: StageState, context: DispatchContext, add: Add, word: (w: Word) => string): Digest {
  const inputs = new Inputs();
  const link = command.link;
  const base = link || state.root === null ? null : inputs.index(state.root);
  const dest = destination(systemPath(word(command.dest), state, command.dest.range), state.config.workdir);
  const chown = command.chown === null ? null : word(command.chown);
  const chmod = command.chmod === null ? null : word(command.chmod);
  const exclude = command.exclude.map(word);
  const from = command.kind === "COPY" && command.from !== null ? command.from : null;
  const fromRoot = from === null ? undefined : context.resolveFrom(word(from), from.range, "copy");
  const actions: FileAction[] = [];
  const copy = (input: number, src: string, unpack: boolean): void => {
    actions.push({
      action: "copy",
      allowWildcard: true,
      chmod,
      chown,
      createDestPath: true,
      dest,
      exclude,
      followSymlinks: true,
      input,
      parents: command.kind === "COPY" && command.parents,
      src,
      unpack,
    });
  };
  for (const sourceWord of command.sources) {
    const raw = word(sourceWord);
    const path = isGit(raw) || isUrl(raw) ? raw : systemPath(raw, state, sourceWord.range);
    if (command.kind === "ADD" && isGit(path)) {
      const id = add({ kind: "source", platform: null, source: { keepGitDir: command.keepGitDir, ref: null, type: "git", url: path } }, []);
      copy(inputs.index(id), "/", command.unpack === true);
      continue;
    }
    if (command.kind === "ADD" && isUrl(path)) {
      // The download is saved under the URL's last path segment, as BuildKit names it.
      const base = posix.basename(new URL(path).pathname);
      const filename = base === "" || base === "." ? "__unnamed__" : base;
      const source: SourceSpec = { checksum: command.checksum === null ? null : word(command.checksum), filename, type: "http", url: path };
      copy(inputs.index(add({ kind: "source", platform: null, source }, [])), `/${filename}`, command.unpack === true);
      continue;
    }
    if (fromRoot === null) {
      // Copying from an empty stage: nothing to copy from, as in BuildKit an error at build time.
      copy(inputs.index(add({ actions: [], base: null, kind: "file" }, [])), path, false);
      continue;
    }
    copy(inputs.index(fromRoot ?? context.context()), path, command.kind === "ADD" && command.unpack !== false);
  }
  for (const heredoc of command.heredocSources) {
    // A heredoc body is file content: variables are expanded (unless the name was quoted), quotes are not touched.
    const data = heredoc.expand ? expand(heredoc.content, heredoc.marker.range, state.runEnv, context.escape, true) : heredoc.content;
    const file = add({ actions: [{ action: "mkfile", chown: null, data, mode: 0o644, path: `/${heredoc.name}` }], base: null, kind: "file" }, []);
    copy(inputs.index(file), `/${heredoc.name}`, false);
  }
  const copied = add({ actions, base, kind: "file" }, inputs.list);
  if (!link || state.root === null) return copied;
  // COPY --link: the copy does not depend on the stage below it, so it can be shared and rebased.
  return add({ kind: "merge" }, [state.root, copied]);
}
