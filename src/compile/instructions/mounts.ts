/**
 * `RUN --mount=…` (BuildKit's instructions/commands_runmount.go `parseMount`,
 * plus the defaults and checks its dispatcher adds in convert_runmount.go,
 * convert_secrets.go and convert_ssh.go).
 *
 * A mount is a CSV record of `key=value` fields (and the bare flags `ro`,
 * `rw`, `required`), read left to right: `required=…` before `type=secret`
 * is an error, as in BuildKit. Values stay raw, because BuildKit expands
 * every one of them with the stage's build args at dispatch; a value that
 * refers to no variable is checked now (mode, uid, size, …), one that does
 * is checked by the dispatcher. The options that decide what kind of mount
 * this is (`type`, `sharing`, and the booleans) must be literal in dfc.
 */
import type { EscapeChar, Range } from "../../syntax/ast.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { CacheSharing, Mount, MountText, MountType } from "./commands.js";
import { csvFields } from "./csv.js";
import { InstructionError } from "./errors.js";
import type { FlagValue } from "./flags.js";
import { isRamSize, parseBool, parseUint32, pathBase } from "./go.js";
import { literalValue } from "./literal.js";
import { withSuggestion } from "./suggest.js";

const MOUNT_TYPES: readonly MountType[] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const SHARING_MODES: readonly CacheSharing[] = ["shared", "private", "locked"];
/** The keys BuildKit suggests from, in its order. */
const MOUNT_KEYS = [
  "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode", "uid", "gid",
  "src", "dst", "destination", "ro", "rw", "readwrite", "env",
];

/** The options read so far: BuildKit's `Mount` struct while it is being filled in. */
interface Options {
  type: MountType;
  from: string | null;
  source: MountText | null;
  target: MountText | null;
  id: MountText | null;
  env: MountText | null;
  /** null until `ro`/`rw` is given: then the type's default applies. */
  readOnly: boolean | null;
  required: boolean;
  sharing: CacheSharing | null;
  size: MountText | null;
  mode: MountText | null;
  uid: MountText | null;
  gid: MountText | null;
}

/** Parses one `--mount` value; throws InstructionError (at the flag) with BuildKit's message. */
export function parseMount(flag: FlagValue<string>, escape: EscapeChar): Mount {
  const fields = csvFields(flag.value);
  if (!Array.isArray(fields)) throw new InstructionError(`failed to parse csv mounts: ${fields.error}`, flag.range);
  const reader = new MountReader(flag.range, escape);
  for (const field of fields) reader.read(field);
  return reader.finish();
}

/** Reads the fields of one mount in order, then checks and completes the result. */
class MountReader {
  private readonly options: Options = {
    type: "bind",
    from: null,
    source: null,
    target: null,
    id: null,
    env: null,
    readOnly: null,
    required: false,
    sharing: null,
    size: null,
    mode: null,
    uid: null,
    gid: null,
  };

  constructor(
    private readonly range: Range,
    private readonly escape: EscapeChar,
  ) {}

  read(field: string): void {
    const equals = field.indexOf("=");
    const key = (equals === -1 ? field : field.slice(0, equals)).toLowerCase();
    if (equals === -1) this.readBare(key, field);
    else this.readKeyed(key, field.slice(equals + 1), field);
  }

  /** Only `ro`, `rw` and `required` may be written without a value. */
  private readBare(key: string, field: string): void {
    switch (key) {
      case "readonly":
      case "ro":
        this.options.readOnly = true;
        return;
      case "readwrite":
      case "rw":
        this.options.readOnly = false;
        return;
      case "required":
        this.requireTypes(key, ["secret", "ssh"]);
        this.options.required = true;
        return;
      default:
        this.fail(`invalid field '${field}' must be a key=value pair`);
    }
  }

  private readKeyed(key: string, raw: string, field: string): void {
    const options = this.options;
    switch (key) {
      case "type":
        options.type = this.oneOf(key, raw, MOUNT_TYPES, (value) => `unsupported mount type ${goQuote(value)}`);
        return;
      case "from": {
        // BuildKit resolves mount sources before build args are known; a trailing `$` cannot expand.
        const dollar = raw.indexOf("$");
        if (dollar !== -1 && dollar !== raw.length - 1) this.fail(`'from' doesn't support variable expansion, define alias stage instead`);
        options.from = this.text(raw);
        return;
      }
      case "source":
      case "src":
        options.source = this.text(raw);
        return;
      case "target":
      case "dst":
      case "destination":
        options.target = this.text(raw);
        return;
      case "readonly":
      case "ro":
        options.readOnly = this.bool(key, raw);
        return;
      case "readwrite":
      case "rw":
        options.readOnly = !this.bool(key, raw);
        return;
      case "required":
        this.requireTypes(key, ["secret", "ssh"]);
        options.required = this.bool(key, raw);
        return;
      case "size": {
        this.requireTypes(key, ["tmpfs"]);
        const value = this.expanded(raw);
        if (value !== undefined && !isRamSize(value)) this.fail(`invalid value for ${key}: ${value}`);
        options.size = raw;
        return;
      }
      case "id":
        options.id = this.text(raw);
        return;
      case "sharing":
        options.sharing = this.oneOf(key, raw, SHARING_MODES, (value) => `unsupported sharing value ${goQuote(value)}`);
        return;
      case "mode":
        options.mode = this.number(key, raw, 8);
        return;
      case "uid":
        options.uid = this.number(key, raw, 10);
        return;
      case "gid":
        options.gid = this.number(key, raw, 10);
        return;
      case "env":
        options.env = raw;
        return;
      default:
        this.fail(withSuggestion(`unexpected key '${key}' in '${field}'`, key, MOUNT_KEYS, true));
    }
  }

  /** BuildKit's checks once every field is read, then the typed mount with its defaults. */
  finish(): Mount {
    const { type, from, source, target, id, env, readOnly, required, sharing, size, mode, uid, gid } = this.options;
    if (type === "bind" || type === "tmpfs") {
      if (mode !== null) this.fail(`mode not allowed for ${goQuote(type)} type mounts`);
      if (uid !== null) this.fail(`uid not allowed for ${goQuote(type)} type mounts`);
      if (gid !== null) this.fail(`gid not allowed for ${goQuote(type)} type mounts`);
    }
    if (type === "secret") {
      if (from !== null) this.fail("secret mount should not have a from");
      if (sharing !== null) this.fail("secret mount should not define sharing");
      if (source === null && target === null && id === null) this.fail("invalid secret mount. one of source, target required");
      if (source !== null && id !== null) this.fail("both source and id can't be set");
    }
    if (sharing !== null && type !== "cache") this.fail(`invalid cache sharing set for ${type} mount`);

    const range = this.range;
    // BuildKit ignores options that mean nothing for a type (an `id` on a bind mount, …).
    switch (type) {
      case "bind":
        return { type, range, target, source, from, readOnly: readOnly ?? true };
      case "cache":
        return { type, range, target, id, source, from, sharing: sharing ?? "shared", readOnly: readOnly ?? false, mode, uid, gid };
      case "tmpfs":
        return { type, range, target, size, readOnly: readOnly ?? false };
      case "secret": {
        // The checks above guarantee one of the three is set.
        const secretId = source ?? id ?? pathBase(target ?? "");
        const file = target ?? (env === null ? `/run/secrets/${pathBase(secretId)}` : null);
        return { type, range, id: secretId, target: file, env, required, mode, uid, gid };
      }
      case "ssh":
        if (source !== null) this.fail("ssh does not support source");
        return { type, range, id: id ?? "default", target, required, mode, uid, gid };
    }
  }

  private fail(message: string): never {
    throw new InstructionError(message, this.range);
  }

  /** The value `raw` expands to, or undefined when it refers to variables. */
  private expanded(raw: string): string | undefined {
    return literalValue(raw, this.escape, this.range);
  }

  /** For options that decide what the mount is: dfc needs them without variables. */
  private literal(key: string, raw: string): string {
    return this.expanded(raw) ?? this.fail(`dfc does not support variables in mount option '${key}': ${raw}`);
  }

  /** Raw text, or null when it is literally empty (BuildKit does not tell empty from absent). */
  private text(raw: string): MountText | null {
    return this.expanded(raw) === "" ? null : raw;
  }

  private bool(key: string, raw: string): boolean {
    const value = this.literal(key, raw);
    return parseBool(value) ?? this.fail(`invalid value for ${key}: ${value}`);
  }

  /** One of `choices`, compared case-insensitively, with BuildKit's "did you mean" hint otherwise. */
  private oneOf<T extends string>(key: string, raw: string, choices: readonly T[], message: (value: string) => string): T {
    const value = this.literal(key, raw);
    const lower = value.toLowerCase();
    return choices.find((choice) => choice === lower) ?? this.fail(withSuggestion(message(value), value, choices, true));
  }

  /** Raw text whose literal value, if it has one, must be an unsigned 32-bit number in `base`. */
  private number(key: string, raw: string, base: 8 | 10): MountText {
    const value = this.expanded(raw);
    if (value !== undefined && parseUint32(value, base) === undefined) this.fail(`invalid value ${value} for ${key}`);
    return raw;
  }

  private requireTypes(key: string, types: readonly MountType[]): void {
    if (!types.includes(this.options.type)) this.fail(`unexpected key '${key}' for mount type '${this.options.type}'`);
  }
}
