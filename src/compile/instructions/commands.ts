/**
 * Typed, validated commands: what BuildKit's `instructions` package makes of
 * each parsed instruction (its `RunCommand`, `CopyCommand`, `Stage`, …).
 *
 * Values stay RAW, as written in the Dockerfile (quotes kept, `$VAR`
 * unexpanded): BuildKit expands most of them later, at dispatch, with the
 * build args and environment of the stage, and so will dfc's dispatcher.
 * A `Word` keeps its source range for the dispatcher's own error messages;
 * a flag value's range is the whole `--flag=value`. Only what BuildKit
 * parses at this layer is typed here: flags, `--mount` options, network and
 * security modes, HEALTHCHECK timings, stage names.
 */
import type {
  ArgDeclaration,
  ArgInstruction,
  CommandForm,
  CommandInstruction,
  EscapeChar,
  FileInstruction,
  HealthcheckInstruction,
  Heredoc,
  KeyValue,
  KeyValueInstruction,
  OnbuildInstruction,
  Range,
  RunInstruction,
  TextInstruction,
  VolumeInstruction,
  Word,
  WordsInstruction,
} from "../../syntax/ast.js";

/** Raw text of a `--mount` option (CSV quoting removed), expanded by the dispatcher like every other value. */
export type MountText = string;

interface MountBase {
  /** The `--mount=…` flag it came from. */
  readonly range: Range;
}

/** Mode, owner and group of the mounted file or directory (cache, secret, ssh). Raw; null when not set. */
export interface MountOwnership {
  /** Octal permission bits (`mode=0644`); BuildKit's default depends on the mount type. */
  readonly mode: MountText | null;
  readonly uid: MountText | null;
  readonly gid: MountText | null;
}

/** `type=bind` (the default): a directory of the build context, or of a stage or image (`from`). */
export interface BindMount extends MountBase {
  readonly type: "bind";
  /** Where it appears; null means the working directory. */
  readonly target: MountText | null;
  /** Path inside the context or `from`; null means its root. */
  readonly source: MountText | null;
  /** A stage name or image; null means the build context. BuildKit forbids variables here. */
  readonly from: string | null;
  /** Read-only unless `rw` was given. */
  readonly readOnly: boolean;
}

export type CacheSharing = "shared" | "private" | "locked";

/** `type=cache`: a directory kept between builds. */
export interface CacheMount extends MountBase, MountOwnership {
  readonly type: "cache";
  readonly target: MountText | null;
  /** The cache's identity; null means BuildKit's default, the cleaned target path. */
  readonly id: MountText | null;
  /** Seeds a new cache from this path of `from` (or of an empty directory). */
  readonly source: MountText | null;
  readonly from: string | null;
  /** Concurrent use by other builds: `shared` unless set. */
  readonly sharing: CacheSharing;
  /** Writable unless `ro` was given. */
  readonly readOnly: boolean;
}

/** `type=tmpfs`: an empty in-memory file system. */
export interface TmpfsMount extends MountBase {
  readonly type: "tmpfs";
  readonly target: MountText | null;
  /** Size limit in go-units RAM syntax (`64m`); null means no limit. */
  readonly size: MountText | null;
  readonly readOnly: boolean;
}

/** `type=secret`: a build secret, as a file and/or an environment variable. */
export interface SecretMount extends MountBase, MountOwnership {
  readonly type: "secret";
  /** The secret's id: `source`, else `id`, else the base name of `target` (BuildKit's rule). */
  readonly id: MountText;
  /**
   * Where the file appears: as written, else `/run/secrets/<base name of id>`
   * (BuildKit's default, derived here from the raw id); null when the secret
   * is only exposed through `env`.
   */
  readonly target: MountText | null;
  /** Environment variable that receives the secret; an empty name means BuildKit's default. */
  readonly env: MountText | null;
  /** Fail the build when the secret is not provided (instead of skipping the mount). */
  readonly required: boolean;
}

/** `type=ssh`: the build client's SSH agent socket. */
export interface SshMount extends MountBase, MountOwnership {
  readonly type: "ssh";
  /** Which forwarded agent or key: `default` unless set. */
  readonly id: MountText;
  /** Socket path; null means BuildKit's default (`/run/buildkit/ssh_agent.N`). */
  readonly target: MountText | null;
  readonly required: boolean;
}

export type Mount = BindMount | CacheMount | TmpfsMount | SecretMount | SshMount;
export type MountType = Mount["type"];

export type NetworkMode = "default" | "none" | "host";
export type SecurityMode = "sandbox" | "insecure";

/** A command in exec (JSON) or shell form. */
export type ExecOrShell = Exclude<CommandForm, { readonly form: "none" }>;

export interface FromCommand {
  readonly kind: "FROM";
  readonly source: WordsInstruction;
  /** The base image or stage, raw (expanded with the global ARGs later). */
  readonly image: Word;
  /** `AS name`, lower-cased (stage names are case-insensitive); the range is the name as written. */
  readonly stageName: Word | null;
  /** `--platform`, raw. */
  readonly platform: Word | null;
}

export interface RunCommand {
  readonly kind: "RUN";
  readonly source: RunInstruction;
  /** As parsed; `none` for a bare RUN, which BuildKit accepts here. */
  readonly command: CommandForm;
  /** Heredoc bodies as written; BuildKit strips `<<-` tabs when it runs them. */
  readonly heredocs: readonly Heredoc[];
  readonly mounts: readonly Mount[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
}

export interface CmdCommand {
  readonly kind: "CMD";
  readonly source: CommandInstruction;
  /** `none` (a bare CMD) and an empty exec form both clear the command. */
  readonly command: CommandForm;
}

export interface EntrypointCommand {
  readonly kind: "ENTRYPOINT";
  readonly source: CommandInstruction;
  /** `none` and an empty exec form both reset the entrypoint. */
  readonly command: CommandForm;
}

export interface ShellCommand {
  readonly kind: "SHELL";
  readonly source: CommandInstruction;
  /** The shell and its leading arguments (JSON form only; never empty). */
  readonly shell: readonly Word[];
}

/** `HEALTHCHECK NONE`: disable the check inherited from the base image. */
export interface HealthcheckNoneCommand {
  readonly kind: "HEALTHCHECK";
  readonly type: "NONE";
  readonly source: HealthcheckInstruction;
}

/**
 * `HEALTHCHECK CMD …`. Durations are in nanoseconds (beyond 2^53 ns, about
 * 104 days, precision is lost); 0 means "inherit" for every timing, as in
 * the image config, whether the flag was absent, empty or zero.
 */
export interface HealthcheckCmdCommand {
  readonly kind: "HEALTHCHECK";
  readonly type: "CMD";
  readonly source: HealthcheckInstruction;
  /** Exec form becomes `CMD`, shell form `CMD-SHELL` in the image config. */
  readonly command: ExecOrShell;
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

export type HealthcheckCommand = HealthcheckNoneCommand | HealthcheckCmdCommand;

/** A source of COPY or ADD given inline as a heredoc (`COPY <<EOF /dest`). */
export interface HeredocSource {
  /** The heredoc's name, which is also the name of the file it creates. */
  readonly name: string;
  /** The body; for `<<-`, leading tabs already stripped (BuildKit does it here). */
  readonly content: string;
  /** False when the name was quoted: the body is copied without variable expansion. */
  readonly expand: boolean;
  /** The `<<EOF` argument. */
  readonly marker: Word;
}

/** What COPY and ADD share. Paths and flag values are raw. */
interface FileCommandBase {
  readonly source: FileInstruction;
  /** Source paths (URLs or git refs for ADD), excluding heredocs. */
  readonly sources: readonly Word[];
  readonly heredocSources: readonly HeredocSource[];
  readonly dest: Word;
  readonly chown: Word | null;
  /** Octal mode; a literal value is already checked, one with variables is checked once expanded. */
  readonly chmod: Word | null;
  readonly link: boolean;
  /** `--exclude` patterns, in order. */
  readonly exclude: readonly Word[];
}

export interface CopyCommand extends FileCommandBase {
  readonly kind: "COPY";
  /** `--from`: a stage, image or named context. */
  readonly from: Word | null;
  readonly parents: boolean;
}

export interface AddCommand extends FileCommandBase {
  readonly kind: "ADD";
  readonly checksum: Word | null;
  readonly keepGitDir: boolean;
  /** `--unpack`; null leaves BuildKit's default (unpack local archives, not remote ones). */
  readonly unpack: boolean | null;
}

export interface EnvCommand {
  readonly kind: "ENV";
  readonly source: KeyValueInstruction;
  readonly pairs: readonly KeyValue[];
}

export interface LabelCommand {
  readonly kind: "LABEL";
  readonly source: KeyValueInstruction;
  readonly pairs: readonly KeyValue[];
}

export interface ArgCommand {
  readonly kind: "ARG";
  readonly source: ArgInstruction;
  readonly args: readonly ArgDeclaration[];
}

export interface WorkdirCommand {
  readonly kind: "WORKDIR";
  readonly source: TextInstruction;
  readonly path: Word;
}

export interface UserCommand {
  readonly kind: "USER";
  readonly source: TextInstruction;
  readonly user: Word;
}

export interface StopSignalCommand {
  readonly kind: "STOPSIGNAL";
  readonly source: TextInstruction;
  readonly signal: Word;
}

export interface MaintainerCommand {
  readonly kind: "MAINTAINER";
  readonly source: TextInstruction;
  readonly maintainer: Word;
}

export interface VolumeCommand {
  readonly kind: "VOLUME";
  readonly source: VolumeInstruction;
  /** Each path with surrounding white space removed (never empty). */
  readonly volumes: readonly Word[];
}

export interface ExposeCommand {
  readonly kind: "EXPOSE";
  readonly source: WordsInstruction;
  /** Raw port specs, sorted as BuildKit sorts them (by bytes, before expansion). */
  readonly ports: readonly Word[];
}

export interface OnbuildCommand {
  readonly kind: "ONBUILD";
  readonly source: OnbuildInstruction;
  /** The trigger as BuildKit stores it in the image config: its text, then each heredoc body and terminator. */
  readonly expression: string;
}

export type Command =
  | FromCommand
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | ShellCommand
  | HealthcheckCommand
  | CopyCommand
  | AddCommand
  | EnvCommand
  | LabelCommand
  | ArgCommand
  | WorkdirCommand
  | UserCommand
  | VolumeCommand
  | ExposeCommand
  | StopSignalCommand
  | MaintainerCommand
  | OnbuildCommand;

export interface ToCommandOptions {
  /** The file's escape character (`# escape=`), used when checking values BuildKit expands later. Default `\`. */
  readonly escape?: EscapeChar;
}
