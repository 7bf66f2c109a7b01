/**
 * A small, forgiving reader of POSIX shell text (RUN scripts), for analysis
 * such as the linter's multi-platform rules: where `$TARGETARCH` is used,
 * what a `case` or a `[ … = … ]` compares, which commands run inside an
 * architecture branch, and which command a word belongs to. It is not a shell: it never fails
 * (unbalanced input just ends where it ends), does not expand anything, and
 * keeps every offset so that findings point into the Dockerfile.
 *
 * Offsets are into the text given to {@link parseShell}; nested command
 * substitutions are parsed in place, so their offsets are too.
 */

/** `$NAME`, `${NAME…}`, PowerShell's `$env:NAME` or cmd's `%NAME%`. */
export interface VarRef {
  readonly name: string;
  /** From the `$` (or `%`) to the end of the reference. */
  readonly start: number;
  readonly end: number;
  /** For `${NAME<op><operand>}`: `:-`, `-`, `:=`, `##`, `%`, `:+`, …; null for `$NAME` and `${NAME}`. */
  readonly op: string | null;
  readonly operand: string | null;
  /** Inside single quotes the shell does not expand it (a nested `sh -c` may). */
  readonly singleQuoted: boolean;
}

export type WordPart =
  | { readonly kind: "literal"; readonly text: string; readonly quoted: boolean; readonly start: number; readonly end: number }
  | { readonly kind: "ref"; readonly ref: VarRef; readonly start: number; readonly end: number }
  | { readonly kind: "substitution"; readonly script: ShellScript; readonly start: number; readonly end: number }
  | { readonly kind: "arithmetic"; readonly start: number; readonly end: number };

export interface ShellWord {
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  readonly parts: readonly WordPart[];
  /** Quotes and escapes removed; null when the word expands something. */
  readonly literal: string | null;
  readonly refs: readonly VarRef[];
}

export interface CaseArm {
  readonly patterns: readonly ShellWord[];
  readonly start: number;
  readonly end: number;
}

export interface CaseClause {
  readonly subject: ShellWord;
  readonly arms: readonly CaseArm[];
  readonly frames: readonly Frame[];
  readonly start: number;
}

/** What encloses a command. */
export type Frame =
  | { readonly kind: "if"; readonly part: "condition" | "then" | "else"; readonly conditions: readonly SimpleCommand[] }
  | { readonly kind: "case"; readonly clause: CaseClause; readonly arm: CaseArm }
  | { readonly kind: "loop"; readonly head: readonly ShellWord[] }
  /** A later element of an and-or list (`test && cmd`): `before` ran first. */
  | { readonly kind: "andor"; readonly before: readonly SimpleCommand[] }
  /** Inside a command substitution (`$(…)` or backquotes). */
  | { readonly kind: "substitution" };

export interface SimpleCommand {
  /** Leading `NAME=value` words. */
  readonly assignments: readonly ShellWord[];
  /** The command name and its arguments (redirections excluded). */
  readonly args: readonly ShellWord[];
  /** Redirection targets (`> file`, `<<EOF`). */
  readonly redirects: readonly { readonly op: string; readonly target: ShellWord }[];
  readonly frames: readonly Frame[];
  readonly start: number;
  readonly end: number;
}

export interface ShellScript {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Every simple command in source order, those in command substitutions included. */
  readonly commands: readonly SimpleCommand[];
  readonly cases: readonly CaseClause[];
  /** Every variable reference, in words and in expanded heredoc bodies. */
  readonly refs: readonly VarRef[];
  /** Names the script itself assigns (`NAME=…`, `export NAME=…`, `for NAME in`, `read NAME`, `${NAME:=…}`), first offset. */
  readonly assigned: ReadonlyMap<string, number>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL = /^(?:[0-9]|[@*#?$!-])/;
const RESERVED_END = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}", "in"]);
const MAX_DEPTH = 40;

/** Words that end a list inside a compound command (parseList's terminators). */
const NO_TERMINATORS: ReadonlySet<string> = new Set();
const UNTIL_BRACE: ReadonlySet<string> = new Set(["}"]);
const UNTIL_THEN: ReadonlySet<string> = new Set(["then"]);
const UNTIL_ELSE: ReadonlySet<string> = new Set(["elif", "else", "fi"]);
const UNTIL_FI: ReadonlySet<string> = new Set(["fi"]);
const UNTIL_ESAC: ReadonlySet<string> = new Set(["esac"]);
const UNTIL_DONE: ReadonlySet<string> = new Set(["done"]);
const UNTIL_DO: ReadonlySet<string> = new Set(["do"]);

type Token =
  | { readonly type: "word"; readonly word: ShellWord }
  | { readonly type: "op"; readonly op: string; readonly start: number; readonly end: number }
  | { readonly type: "newline"; readonly start: number }
  | { readonly type: "eof"; readonly start: number };

interface Shared {
  readonly text: string;
  readonly commands: SimpleCommand[];
  readonly cases: CaseClause[];
  readonly refs: VarRef[];
  readonly assigned: Map<string, number>;
}

/** Parses `text.slice(start, end)` (the whole text by default). */
export function parseShell(text: string, start = 0, end = text.length): ShellScript {
  const shared: Shared = { text, commands: [], cases: [], refs: [], assigned: new Map() };
  const parser = new Parser(shared, start, end, 0, false, []);
  parser.parseAll();
  shared.commands.sort((a, b) => a.start - b.start);
  return { text, start, end, commands: shared.commands, cases: shared.cases, refs: shared.refs, assigned: shared.assigned };
}

class Parser {
  private pos: number;
  private peeked: Token | null = null;
  private pendingHeredocs: { delimiter: string; chomp: boolean; expand: boolean }[] = [];

  constructor(
    private readonly shared: Shared,
    start: number,
    private readonly limit: number,
    private readonly depth: number,
    /** Inside `$(…)`: an unbalanced `)` ends the text. */
    private readonly inSubstitution: boolean,
    private readonly baseFrames: readonly Frame[],
  ) {
    this.pos = start;
  }

  get text(): string {
    return this.shared.text;
  }

  /** Parses to the end (or to the `)` that closes a substitution); returns where it stopped. */
  parseAll(): number {
    let guard = 0;
    for (;;) {
      this.parseList(NO_TERMINATORS, this.baseFrames);
      const token = this.peek();
      if (token.type === "eof") break;
      if (token.type === "op" && token.op === ")" && this.inSubstitution) {
        this.take();
        return token.end;
      }
      // Stray token (`fi`, `;;`, `)`): skip it and go on.
      this.take();
      if (++guard > 100000) break;
    }
    return this.pos;
  }

  // ---- tokens ------------------------------------------------------------

  private peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  private take(): Token {
    const token = this.peek();
    this.peeked = null;
    return token;
  }

  private lex(): Token {
    const text = this.text;
    for (;;) {
      let pos = this.pos;
      const limit = this.limit;
      while (pos < limit) {
        const code = text.charCodeAt(pos);
        if (code === 0x20 || code === 0x09 || code === 0x0d) pos++;
        else if (code === 0x5c && text.charCodeAt(pos + 1) === 0x0a) pos += 2;
        else if (code === 0x5c && text.charCodeAt(pos + 1) === 0x0d && text.charCodeAt(pos + 2) === 0x0a) pos += 3;
        else break;
      }
      this.pos = pos;
      if (this.pos >= this.limit) return { type: "eof", start: this.limit };
      const ch = text[this.pos] as string;
      if (ch === "#") {
        while (this.pos < this.limit && text[this.pos] !== "\n") this.pos++;
        continue;
      }
      if (ch === "\n") {
        const start = this.pos;
        this.pos++;
        this.skipHeredocBodies();
        return { type: "newline", start };
      }
      const op = this.operatorAt(this.pos);
      if (op !== null) {
        const start = this.pos;
        this.pos += op.length;
        return { type: "op", op, start, end: this.pos };
      }
      // `2>file`, `2>&1`: a file-descriptor number glued to a redirection.
      const code = text.charCodeAt(this.pos);
      const fd = code >= 0x30 && code <= 0x39 ? /^[0-9]+(?=[<>])/.exec(text.slice(this.pos, Math.min(this.limit, this.pos + 6))) : null;
      if (fd !== null) {
        const start = this.pos;
        const redirect = this.operatorAt(this.pos + fd[0].length);
        if (redirect !== null) {
          this.pos += fd[0].length + redirect.length;
          return { type: "op", op: redirect, start, end: this.pos };
        }
      }
      return { type: "word", word: this.readWord() };
    }
  }

  /** The operator at `at`, longest first; null when a word starts there. */
  private operatorAt(at: number): string | null {
    if (at >= this.limit) return null;
    const text = this.text;
    const next = at + 1 < this.limit ? text.charCodeAt(at + 1) : -1;
    const third = at + 2 < this.limit ? text.charCodeAt(at + 2) : -1;
    switch (text.charCodeAt(at)) {
      case 0x3c: // <
        if (next === 0x3c) return third === 0x3c ? "<<<" : third === 0x2d ? "<<-" : "<<";
        return next === 0x26 ? "<&" : next === 0x3e ? "<>" : "<";
      case 0x3e: // >
        return next === 0x3e ? ">>" : next === 0x26 ? ">&" : next === 0x7c ? ">|" : ">";
      case 0x26: // &
        if (next === 0x3e) return third === 0x3e ? "&>>" : "&>";
        return next === 0x26 ? "&&" : "&";
      case 0x7c: // |
        return next === 0x7c ? "||" : next === 0x26 ? "|&" : "|";
      case 0x3b: // ;
        if (next === 0x3b) return third === 0x26 ? ";;&" : ";;";
        return next === 0x26 ? ";&" : ";";
      case 0x28:
        return "(";
      case 0x29:
        return ")";
      default:
        return null;
    }
  }

  /** After a newline: the bodies of heredocs opened on the line before. */
  private skipHeredocBodies(): void {
    const text = this.text;
    while (this.pendingHeredocs.length > 0) {
      const heredoc = this.pendingHeredocs.shift() as { delimiter: string; chomp: boolean; expand: boolean };
      const bodyStart = this.pos;
      for (;;) {
        if (this.pos >= this.limit) break;
        let lineEnd = text.indexOf("\n", this.pos);
        if (lineEnd === -1 || lineEnd > this.limit) lineEnd = this.limit;
        let line = text.slice(this.pos, lineEnd).replace(/\r$/, "");
        if (heredoc.chomp) line = line.replace(/^\t+/, "");
        const lineStart = this.pos;
        this.pos = Math.min(this.limit, lineEnd + 1);
        if (line === heredoc.delimiter) {
          if (heredoc.expand) this.scanBodyRefs(bodyStart, lineStart);
          break;
        }
        if (this.pos >= this.limit && heredoc.expand) this.scanBodyRefs(bodyStart, this.pos);
      }
    }
  }

  /** References in an expanded heredoc body (as in double quotes). */
  private scanBodyRefs(start: number, end: number): void {
    const reader = new WordReader(this, start, end, "body");
    reader.readAll();
  }

  private readWord(): ShellWord {
    const reader = new WordReader(this, this.pos, this.limit, "word");
    const word = reader.read();
    this.pos = word.end;
    return word;
  }

  // Called by WordReader.
  recordRef(ref: VarRef): void {
    this.shared.refs.push(ref);
    if (ref.op !== null && (ref.op === ":=" || ref.op === "=")) this.assign(ref.name, ref.start);
  }

  /** Parses a `$(…)` or backquoted substitution starting at `start` (after the opener). */
  substitution(start: number, end: number, closing: "paren" | "backquote", frames: readonly Frame[]): { script: ShellScript; end: number } {
    if (this.depth >= MAX_DEPTH) {
      return { script: emptyScript(this.text, start, start), end: closing === "paren" ? matchParen(this.text, start, end) : end };
    }
    const before = this.shared.commands.length;
    const nested = new Parser(this.shared, start, end, this.depth + 1, closing === "paren", [...frames, { kind: "substitution" }]);
    const stop = nested.parseAll();
    const commands = this.shared.commands.slice(before);
    return { script: { text: this.text, start, end: stop, commands, cases: [], refs: [], assigned: new Map() }, end: stop };
  }

  /** The frames of the command being read (set while a simple command is collected). */
  currentFrames: readonly Frame[] = [];

  assign(name: string, at: number): void {
    if (!this.shared.assigned.has(name)) this.shared.assigned.set(name, at);
  }

  // ---- grammar -----------------------------------------------------------

  private skipSeparators(): void {
    for (;;) {
      const token = this.peek();
      if (token.type === "newline" || (token.type === "op" && (token.op === ";" || token.op === "&"))) this.take();
      else return;
    }
  }

  private skipNewlines(): void {
    while (this.peek().type === "newline") this.take();
  }

  private isWord(token: Token, value: string): boolean {
    return token.type === "word" && token.word.raw === value;
  }

  private parseList(terminators: ReadonlySet<string>, frames: readonly Frame[]): void {
    let guard = 0;
    for (;;) {
      this.currentFrames = frames;
      this.skipSeparators();
      const token = this.peek();
      if (token.type === "eof") return;
      if (token.type === "op" && (token.op === ")" || token.op === ";;" || token.op === ";&" || token.op === ";;&")) return;
      if (token.type === "word" && terminators.has(token.word.raw)) return;
      if (token.type === "word" && RESERVED_END.has(token.word.raw) && !terminators.has(token.word.raw) && terminators.size > 0) return;
      const before = this.pos;
      this.parseAndOr(frames);
      if (this.pos === before && this.peeked === token) {
        this.take();
      }
      if (++guard > 100000) return;
    }
  }

  private parseAndOr(frames: readonly Frame[]): void {
    const before: SimpleCommand[] = [];
    let current = frames;
    for (;;) {
      const start = this.shared.commands.length;
      this.currentFrames = current;
      this.parsePipeline(current);
      const commands = this.shared.commands;
      for (let index = start; index < commands.length; index++) before.push(commands[index] as SimpleCommand);
      const token = this.peek();
      if (token.type === "op" && (token.op === "&&" || token.op === "||")) {
        current = [...frames, { kind: "andor", before: [...before] }];
        this.currentFrames = current;
        this.take();
        this.skipNewlines();
        continue;
      }
      return;
    }
  }

  private parsePipeline(frames: readonly Frame[]): void {
    if (this.isWord(this.peek(), "!")) this.take();
    for (;;) {
      this.parseCommand(frames);
      const token = this.peek();
      if (token.type === "op" && (token.op === "|" || token.op === "|&")) {
        this.take();
        this.skipNewlines();
        continue;
      }
      return;
    }
  }

  private parseCommand(frames: readonly Frame[]): void {
    const token = this.peek();
    if (token.type === "op" && token.op === "(") {
      this.take();
      this.parseList(NO_TERMINATORS, frames);
      const close = this.peek();
      if (close.type === "op" && close.op === ")") this.take();
      this.skipRedirects();
      return;
    }
    if (token.type === "word") {
      switch (token.word.raw) {
        case "if":
          return this.parseIf(frames);
        case "case":
          return this.parseCase(frames);
        case "for":
        case "select":
          return this.parseFor(frames);
        case "while":
        case "until":
          return this.parseWhile(frames);
        case "{":
          this.take();
          this.parseList(UNTIL_BRACE, frames);
          if (this.isWord(this.peek(), "}")) this.take();
          this.skipRedirects();
          return;
        case "function":
          this.take();
          if (this.peek().type === "word") this.take();
          this.skipFunctionParens();
          this.skipNewlines();
          return this.parseCommand(frames);
        default:
          break;
      }
    }
    this.parseSimple(frames);
  }

  private skipFunctionParens(): void {
    const open = this.peek();
    if (open.type === "op" && open.op === "(") {
      this.take();
      const close = this.peek();
      if (close.type === "op" && close.op === ")") this.take();
    }
  }

  /** Redirections after a compound command (`{ …; } > log`, `done < list`). */
  private skipRedirects(): void {
    for (;;) {
      const token = this.peek();
      if (token.type !== "op" || !isRedirect(token.op)) return;
      this.take();
      const target = this.peek();
      if (target.type === "word") {
        this.take();
        if (token.op === "<<" || token.op === "<<-") this.openHeredoc(target.word, token.op === "<<-");
      }
    }
  }

  private openHeredoc(word: ShellWord, chomp: boolean): void {
    const quoted = /["'\\]/.test(word.raw);
    this.pendingHeredocs.push({ delimiter: word.raw.replace(/["'\\]/g, ""), chomp, expand: !quoted });
  }

  private parseSimple(frames: readonly Frame[]): void {
    const assignments: ShellWord[] = [];
    const args: ShellWord[] = [];
    const redirects: { op: string; target: ShellWord }[] = [];
    let start = -1;
    let end = this.pos;
    this.currentFrames = frames;
    const commandIndex = this.shared.commands.length;
    for (;;) {
      const token = this.peek();
      if (token.type === "word") {
        if (args.length === 0 && token.word.raw === "[[") {
          // `[[ … ]]`: everything up to `]]` is one command, `<`/`>`/`(`/`)` included.
          this.take();
          if (start === -1) start = token.word.start;
          args.push(token.word);
          end = token.word.end;
          for (;;) {
            const next = this.peek();
            if (next.type === "eof" || next.type === "newline") break;
            this.take();
            if (next.type === "word") {
              args.push(next.word);
              end = next.word.end;
              if (next.word.raw === "]]") break;
            } else end = next.end;
          }
          continue;
        }
        this.take();
        if (start === -1) start = token.word.start;
        end = token.word.end;
        if (args.length === 0 && isAssignment(token.word.raw)) {
          assignments.push(token.word);
          this.assign(token.word.raw.slice(0, token.word.raw.indexOf("=")).replace(/\+$/, ""), token.word.start);
        } else {
          args.push(token.word);
        }
        // `name() { … }`: a function definition.
        if (args.length === 1 && assignments.length === 0) {
          const next = this.peek();
          if (next.type === "op" && next.op === "(") {
            const save = this.pos;
            this.take();
            const close = this.peek();
            if (close.type === "op" && close.op === ")") {
              this.take();
              this.skipNewlines();
              this.parseCommand(frames);
              return;
            }
            // Not a function: `(` starts something else; stop the command here.
            this.pos = save;
            this.peeked = next;
            break;
          }
        }
        continue;
      }
      if (token.type === "op" && isRedirect(token.op)) {
        this.take();
        if (start === -1) start = token.start;
        const target = this.peek();
        if (target.type === "word") {
          this.take();
          end = target.word.end;
          redirects.push({ op: token.op, target: target.word });
          if (token.op === "<<" || token.op === "<<-") this.openHeredoc(target.word, token.op === "<<-");
        }
        continue;
      }
      break;
    }
    if (start === -1) return;
    const command: SimpleCommand = { assignments, args, redirects, frames, start, end };
    // Before the commands of its substitutions, which were read first (splice only then: it copies).
    if (commandIndex === this.shared.commands.length) this.shared.commands.push(command);
    else this.shared.commands.splice(commandIndex, 0, command);
    this.noteAssignments(command);
  }

  /** Names a command assigns: `export A=1`, `read A`, `local A=…`. */
  private noteAssignments(command: SimpleCommand): void {
    const name = command.args[0]?.literal;
    if (name === undefined || name === null) return;
    if (DECLARING.has(name)) {
      for (const arg of command.args.slice(1)) {
        if (isAssignment(arg.raw)) this.assign(arg.raw.slice(0, arg.raw.indexOf("=")), arg.start);
      }
    } else if (name === "read") {
      for (const arg of command.args.slice(1)) {
        if (arg.literal !== null && NAME.test(arg.literal) && NAME.exec(arg.literal)?.[0] === arg.literal) this.assign(arg.literal, arg.start);
      }
    }
  }

  private parseIf(frames: readonly Frame[]): void {
    this.take();
    const conditions: SimpleCommand[] = [];
    for (;;) {
      const before = this.shared.commands.length;
      this.parseList(UNTIL_THEN, [...frames, { kind: "if", part: "condition", conditions: [...conditions] }]);
      conditions.push(...this.shared.commands.slice(before));
      if (this.isWord(this.peek(), "then")) this.take();
      this.parseList(UNTIL_ELSE, [...frames, { kind: "if", part: "then", conditions: [...conditions] }]);
      const next = this.peek();
      if (this.isWord(next, "elif")) {
        this.take();
        continue;
      }
      if (this.isWord(next, "else")) {
        this.take();
        this.parseList(UNTIL_FI, [...frames, { kind: "if", part: "else", conditions: [...conditions] }]);
        if (this.isWord(this.peek(), "fi")) this.take();
      } else if (this.isWord(next, "fi")) {
        this.take();
      }
      this.skipRedirects();
      return;
    }
  }

  private parseCase(frames: readonly Frame[]): void {
    const open = this.take();
    const subjectToken = this.peek();
    if (subjectToken.type !== "word") return;
    this.currentFrames = frames;
    this.take();
    const arms: CaseArm[] = [];
    const clause: CaseClause = { subject: subjectToken.word, arms, frames, start: tokenStart(open) };
    this.shared.cases.push(clause);
    this.skipNewlines();
    if (this.isWord(this.peek(), "in")) this.take();
    let guard = 0;
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token.type === "eof") return;
      if (this.isWord(token, "esac")) {
        this.take();
        this.skipRedirects();
        return;
      }
      if (token.type === "op" && token.op === "(") this.take();
      const patterns: ShellWord[] = [];
      const armStart = tokenStart(this.peek());
      for (;;) {
        const pattern = this.peek();
        if (pattern.type !== "word") break;
        this.take();
        patterns.push(pattern.word);
        const bar = this.peek();
        if (bar.type === "op" && bar.op === "|") {
          this.take();
          continue;
        }
        break;
      }
      const close = this.peek();
      if (close.type === "op" && close.op === ")") this.take();
      else if (patterns.length === 0) {
        // Not a pattern: give up on this case clause gracefully.
        this.take();
        if (++guard > 10000) return;
        continue;
      }
      const arm: CaseArm = { patterns, start: armStart, end: this.pos };
      arms.push(arm);
      this.parseList(UNTIL_ESAC, [...frames, { kind: "case", clause, arm }]);
      (arm as { end: number }).end = this.pos;
      const end = this.peek();
      if (end.type === "op" && (end.op === ";;" || end.op === ";&" || end.op === ";;&")) this.take();
      if (++guard > 10000) return;
    }
  }

  private parseFor(frames: readonly Frame[]): void {
    this.take();
    const head: ShellWord[] = [];
    const variable = this.peek();
    if (variable.type === "word") {
      this.take();
      if (variable.word.literal !== null) this.assign(variable.word.literal, variable.word.start);
    } else {
      // `for ((…))`: skip to `do`.
      while (this.peek().type !== "eof" && !this.isWord(this.peek(), "do")) this.take();
    }
    this.skipNewlines();
    if (this.isWord(this.peek(), "in")) {
      this.take();
      this.currentFrames = frames;
      for (;;) {
        const token = this.peek();
        if (token.type !== "word") break;
        this.take();
        head.push(token.word);
      }
    }
    this.skipSeparators();
    if (this.isWord(this.peek(), "do")) this.take();
    this.parseList(UNTIL_DONE, [...frames, { kind: "loop", head }]);
    if (this.isWord(this.peek(), "done")) this.take();
    this.skipRedirects();
  }

  private parseWhile(frames: readonly Frame[]): void {
    this.take();
    this.parseList(UNTIL_DO, [...frames, { kind: "loop", head: [] }]);
    if (this.isWord(this.peek(), "do")) this.take();
    this.parseList(UNTIL_DONE, [...frames, { kind: "loop", head: [] }]);
    if (this.isWord(this.peek(), "done")) this.take();
    this.skipRedirects();
  }
}

function tokenStart(token: Token): number {
  return token.type === "word" ? token.word.start : token.start;
}

/** Builtins whose `NAME=value` arguments assign. */
const DECLARING: ReadonlySet<string> = new Set(["export", "local", "readonly", "declare", "typeset"]);

const REDIRECTS: ReadonlySet<string> = new Set(["<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"]);

function isRedirect(op: string): boolean {
  return REDIRECTS.has(op);
}

function isAssignment(raw: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(raw);
}

function emptyScript(text: string, start: number, end: number): ShellScript {
  return { text, start, end, commands: [], cases: [], refs: [], assigned: new Map() };
}

/** The offset just past the `)` that closes a `(` before `start`, counting quotes roughly. */
function matchParen(text: string, start: number, limit: number): number {
  let depth = 1;
  let quote = "";
  for (let index = start; index < limit; index++) {
    const ch = text[index];
    if (quote !== "") {
      if (ch === "\\" && quote === '"') index++;
      else if (ch === quote) quote = "";
      continue;
    }
    if (ch === "\\") index++;
    else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return index + 1;
  }
  return limit;
}

/** Characters that end an unquoted word: blanks, newlines and operator characters. */
function isWordEnd(code: number): boolean {
  switch (code) {
    case 0x20: // space
    case 0x09: // tab
    case 0x0d: // \r
    case 0x0a: // \n
    case 0x3b: // ;
    case 0x26: // &
    case 0x7c: // |
    case 0x28: // (
    case 0x29: // )
    case 0x3c: // <
    case 0x3e: // >
      return true;
    default:
      return false;
  }
}

/**
 * Characters an unquoted word reads as plain text, one after another: not a
 * word end, quote, escape, expansion or `%` (cmd's `%NAME%`). Glob
 * characters are plain text here; globOf finds them in the word's parts.
 */
function isPlainChar(code: number): boolean {
  if (isWordEnd(code)) return false;
  switch (code) {
    case 0x5c: // \
    case 0x27: // '
    case 0x22: // "
    case 0x24: // $
    case 0x60: // `
    case 0x25: // %
      return false;
    default:
      return true;
  }
}

/** Characters that are plain text inside double quotes: not the closing quote, an escape or an expansion. */
function isPlainQuoted(code: number): boolean {
  return code !== 0x22 && code !== 0x5c && code !== 0x24 && code !== 0x60;
}

/** Words without references share one empty list. */
const NO_REFS: readonly VarRef[] = Object.freeze([]);

/** Reads one word (or, in "body" mode, a heredoc body as if double-quoted) with its parts. */
class WordReader {
  private pos: number;
  // Lists are made at their first element: most words have one part and no
  // reference, and an empty array literal grows by 17 slots on its first push.
  private parts: WordPart[] | null = null;
  private refs: VarRef[] | null = null;
  private literal = "";
  private literalStart = -1;
  private literalQuoted = false;
  private expands = false;

  constructor(
    private readonly parser: Parser,
    private readonly start: number,
    private readonly limit: number,
    private readonly mode: "word" | "body" | "operand",
  ) {
    this.pos = start;
  }

  private get text(): string {
    return this.parser.text;
  }

  readAll(): void {
    while (this.pos < this.limit) {
      const ch = this.text[this.pos] as string;
      if (ch === "\\" && this.mode === "body") {
        this.pos = Math.min(this.limit, this.pos + 2);
        continue;
      }
      if (ch === "$") this.dollar(false);
      else if (ch === "`" && this.mode === "body") this.backquote();
      else this.pos++;
    }
  }

  read(): ShellWord {
    const text = this.text;
    while (this.pos < this.limit) {
      const code = text.charCodeAt(this.pos);
      if (isWordEnd(code)) break;
      const ch = text[this.pos] as string;
      if (ch === "\\") {
        const next = text[this.pos + 1];
        if (next === "\n") {
          this.pos = Math.min(this.limit, this.pos + 2);
          continue;
        }
        this.addLiteral(next ?? "", true, this.pos, Math.min(this.limit, this.pos + 2));
        this.pos = Math.min(this.limit, this.pos + 2);
        continue;
      }
      if (ch === "'") {
        const close = text.indexOf("'", this.pos + 1);
        const end = close === -1 || close >= this.limit ? this.limit : close;
        this.singleQuotedRefs(this.pos + 1, end);
        this.addLiteral(text.slice(this.pos + 1, end), true, this.pos, Math.min(this.limit, end + 1));
        this.pos = Math.min(this.limit, end + 1);
        continue;
      }
      if (ch === '"') {
        this.doubleQuoted();
        continue;
      }
      if (ch === "$") {
        if (text[this.pos + 1] === "'") {
          this.ansiC();
          continue;
        }
        this.dollar(false);
        continue;
      }
      if (ch === "`") {
        this.backquote();
        continue;
      }
      if (ch === "%") {
        const match = /^%([A-Za-z_][A-Za-z0-9_]*)%/.exec(text.slice(this.pos, Math.min(this.limit, this.pos + 80)));
        if (match !== null) {
          const ref: VarRef = { name: match[1] as string, start: this.pos, end: this.pos + match[0].length, op: null, operand: null, singleQuoted: false };
          this.pushRef(ref);
          this.pos = ref.end;
          continue;
        }
      }
      // A run of characters with no meaning of their own is one literal piece.
      // (Locals, not fields, in the scanning loops: they run once per character.)
      const runStart = this.pos;
      let end = runStart + 1;
      if (isPlainChar(text.charCodeAt(runStart))) {
        const limit = this.limit;
        while (end < limit && isPlainChar(text.charCodeAt(end))) end++;
      }
      this.pos = end;
      this.addLiteral(text.slice(runStart, end), false, runStart, end);
    }
    return this.finish();
  }

  private finish(): ShellWord {
    this.flushLiteral();
    const parts = this.parts ?? [];
    const only = parts.length === 1 ? parts[0] : undefined;
    // An unquoted word read without dropping anything (no line continuation) is its own text: one string
    // for both, as parsed scripts are kept while a file is linted.
    const plain = only?.kind === "literal" && !only.quoted && only.text.length === this.pos - this.start;
    const raw = plain ? only.text : this.text.slice(this.start, this.pos);
    // Most words are one literal piece.
    const literal = this.expands ? null : only?.kind === "literal" ? only.text : parts.map((part) => (part.kind === "literal" ? part.text : "")).join("");
    return { raw, start: this.start, end: this.pos, parts, literal, refs: this.refs ?? NO_REFS };
  }

  private addPart(part: WordPart): void {
    if (this.parts === null) this.parts = [part];
    else this.parts.push(part);
  }

  private addRefs(...refs: VarRef[]): void {
    if (this.refs === null) this.refs = refs;
    else this.refs.push(...refs);
  }

  private addLiteral(text: string, quoted: boolean, start: number, end: number): void {
    if (this.literalStart !== -1 && this.literalQuoted !== quoted) this.flushLiteral();
    if (this.literalStart === -1) {
      this.literalStart = start;
      this.literalQuoted = quoted;
    }
    this.literal += text;
    this.literalEnd = end;
  }

  private literalEnd = 0;

  private flushLiteral(): void {
    if (this.literalStart === -1) return;
    this.addPart({ kind: "literal", text: this.literal, quoted: this.literalQuoted, start: this.literalStart, end: this.literalEnd });
    this.literal = "";
    this.literalStart = -1;
  }

  private pushRef(ref: VarRef): void {
    this.flushLiteral();
    this.expands = true;
    this.addRefs(ref);
    this.addPart({ kind: "ref", ref, start: ref.start, end: ref.end });
    this.parser.recordRef(ref);
  }

  /** `$NAME` inside single quotes: the shell leaves it, but an `sh -c '…'` will expand it. */
  private singleQuotedRefs(start: number, end: number): void {
    const dollar = this.text.indexOf("$", start);
    if (dollar === -1 || dollar >= end) return;
    const pattern = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g;
    const text = this.text.slice(start, end);
    for (const match of text.matchAll(pattern)) {
      const at = start + (match.index ?? 0);
      const ref: VarRef = { name: (match[1] ?? match[2]) as string, start: at, end: at + match[0].length, op: null, operand: null, singleQuoted: true };
      this.addRefs(ref);
      this.parser.recordRef(ref);
    }
  }

  private doubleQuoted(): void {
    const text = this.text;
    const open = this.pos;
    this.pos++;
    let emptyQuotes = true;
    while (this.pos < this.limit) {
      const ch = text[this.pos] as string;
      if (ch === '"') {
        this.pos++;
        if (emptyQuotes) this.addLiteral("", true, open, this.pos);
        return;
      }
      emptyQuotes = false;
      if (ch === "\\") {
        const next = text[this.pos + 1] ?? "";
        if (next === "\n") {
          this.pos = Math.min(this.limit, this.pos + 2);
          continue;
        }
        const kept = "$`\"\\".includes(next) ? next : `\\${next}`;
        this.addLiteral(kept, true, this.pos, Math.min(this.limit, this.pos + 2));
        this.pos = Math.min(this.limit, this.pos + 2);
        continue;
      }
      if (ch === "$") {
        this.dollar(true);
        continue;
      }
      if (ch === "`") {
        this.backquote();
        continue;
      }
      const runStart = this.pos;
      const limit = this.limit;
      let end = runStart + 1;
      while (end < limit && isPlainQuoted(text.charCodeAt(end))) end++;
      this.pos = end;
      this.addLiteral(text.slice(runStart, end), true, runStart, end);
    }
  }

  private ansiC(): void {
    const text = this.text;
    const start = this.pos;
    let index = this.pos + 2;
    let value = "";
    while (index < this.limit && text[index] !== "'") {
      if (text[index] === "\\") {
        value += text[index + 1] ?? "";
        index += 2;
      } else {
        value += text[index];
        index++;
      }
    }
    this.pos = Math.min(this.limit, index + 1);
    this.addLiteral(value, true, start, this.pos);
  }

  private backquote(): void {
    const text = this.text;
    const start = this.pos;
    let index = this.pos + 1;
    while (index < this.limit && text[index] !== "`") index += text[index] === "\\" ? 2 : 1;
    const end = Math.min(index, this.limit);
    this.flushLiteral();
    this.expands = true;
    const { script } = this.parser.substitution(start + 1, end, "backquote", this.parser.currentFrames);
    this.pos = Math.min(this.limit, end + 1);
    this.addPart({ kind: "substitution", script, start, end: this.pos });
  }

  private dollar(inDoubleQuotes: boolean): void {
    const text = this.text;
    const start = this.pos;
    const next = text[this.pos + 1];
    if (next === "(") {
      this.flushLiteral();
      this.expands = true;
      if (text[this.pos + 2] === "(") {
        // Arithmetic: references only.
        const end = matchParen(text, this.pos + 2, this.limit);
        const inner = new WordReader(this.parser, this.pos + 3, Math.max(this.pos + 3, end - 2), "operand");
        inner.readAll();
        if (inner.refs !== null) this.addRefs(...inner.refs);
        this.pos = Math.min(this.limit, end + (text[end] === ")" ? 1 : 0));
        this.addPart({ kind: "arithmetic", start, end: this.pos });
        return;
      }
      const { script, end } = this.parser.substitution(this.pos + 2, this.limit, "paren", this.parser.currentFrames);
      this.pos = end;
      this.addPart({ kind: "substitution", script, start, end });
      return;
    }
    if (next === "{") {
      let depth = 1;
      let index = this.pos + 2;
      let quote = "";
      while (index < this.limit && depth > 0) {
        const ch = text[index];
        if (quote !== "") {
          if (ch === "\\" && quote === '"') index++;
          else if (ch === quote) quote = "";
        } else if (ch === "\\") index++;
        else if (ch === "'" && !inDoubleQuotes) quote = "'";
        else if (ch === '"') quote = '"';
        else if (ch === "{") depth++;
        else if (ch === "}") depth--;
        index++;
      }
      const end = Math.min(index, this.limit);
      const body = text.slice(this.pos + 2, depth === 0 ? end - 1 : end);
      const match = /^[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(body);
      if (match === null) {
        this.addLiteral(text.slice(start, end), inDoubleQuotes, start, end);
        this.pos = end;
        return;
      }
      const rest = body.slice(match[0].length);
      const opMatch = /^(?::?[-=?+]|##?|%%?|\/\/?|\^\^?|,,?|:)/.exec(rest);
      const op = opMatch === null ? (rest === "" ? null : rest) : opMatch[0];
      const operand = opMatch === null ? null : rest.slice(opMatch[0].length);
      const ref: VarRef = { name: match[1] as string, start, end, op: op === "" ? null : op, operand, singleQuoted: false };
      this.pushRef(ref);
      if (operand !== null && operand !== "") {
        const operandStart = this.pos + 2 + match[0].length + (opMatch?.[0].length ?? 0);
        const inner = new WordReader(this.parser, operandStart, operandStart + operand.length, "operand");
        inner.readAll();
        if (inner.refs !== null) this.addRefs(...inner.refs);
        for (const part of inner.parts ?? []) if (part.kind === "substitution") this.addPart(part);
      }
      this.pos = end;
      return;
    }
    const rest = text.slice(this.pos + 1, Math.min(this.limit, this.pos + 200));
    const powershell = /^env:([A-Za-z_][A-Za-z0-9_]*)/i.exec(rest);
    if (powershell !== null) {
      const ref: VarRef = { name: powershell[1] as string, start, end: start + 1 + powershell[0].length, op: null, operand: null, singleQuoted: false };
      this.pushRef(ref);
      this.pos = ref.end;
      return;
    }
    const name = NAME.exec(rest) ?? SPECIAL.exec(rest);
    if (name !== null) {
      const ref: VarRef = { name: name[0], start, end: start + 1 + name[0].length, op: null, operand: null, singleQuoted: false };
      this.pushRef(ref);
      this.pos = ref.end;
      return;
    }
    this.addLiteral("$", inDoubleQuotes, start, start + 1);
    this.pos++;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function globToRegExp(text: string): string {
  let out = "";
  for (let index = 0; index < text.length; index++) {
    const ch = text[index] as string;
    if (ch === "*") out += ".*";
    else if (ch === "?") out += ".";
    else if (ch === "[") {
      const close = text.indexOf("]", index + 2);
      if (close === -1) out += "\\[";
      else {
        const body = text.slice(index + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        index = close;
      }
    } else out += escapeRegExp(ch);
  }
  return out;
}

// ---- queries ---------------------------------------------------------------

/**
 * The word as a glob when it has an unquoted `*`, `?` or `[`; null when it
 * has none, expands something, or is not a valid pattern. (Built on demand:
 * `[` is a glob character, and every `[ … ]` test starts with one.)
 */
export function globOf(word: ShellWord): RegExp | null {
  if (word.literal === null || !word.parts.some((part) => part.kind === "literal" && !part.quoted && /[*?[]/.test(part.text))) return null;
  const source = word.parts.map((part) => (part.kind !== "literal" ? "" : part.quoted ? escapeRegExp(part.text) : globToRegExp(part.text))).join("");
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return null;
  }
}

/** The parts of a word that matter for its value: empty quoted literals dropped. */
function meaningful(parts: readonly WordPart[]): WordPart[] {
  return parts.filter((part) => !(part.kind === "literal" && part.text === ""));
}

/** The word is exactly one variable reference (`$A`, `"${A}"`, `${A##*-}`). */
export function soleRef(word: ShellWord, from = word.start): VarRef | null {
  const parts = meaningful(word.parts.filter((part) => part.start >= from));
  const only = parts[0];
  return parts.length === 1 && only?.kind === "ref" ? only.ref : null;
}

/** The word is exactly one command substitution (`$(uname -m)`, `"$(…)"`, `` `arch` ``). */
export function soleSubstitution(word: ShellWord, from = word.start): ShellScript | null {
  const parts = meaningful(word.parts.filter((part) => part.start >= from));
  const only = parts[0];
  return parts.length === 1 && only?.kind === "substitution" ? only.script : null;
}

/** For `NAME=value` words: the name and where the value starts. */
export function assignmentOf(word: ShellWord): { readonly name: string; readonly valueStart: number } | null {
  // Most words have no `=` at all.
  if (word.raw.indexOf("=") < 1) return null;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(word.raw);
  return match === null ? null : { name: match[1] as string, valueStart: word.start + match[0].length };
}

/** The command's name with wrappers removed (`sudo`, `env A=1`, `time`, `exec`, `nice`). */
export function commandName(command: SimpleCommand): { readonly name: string; readonly index: number } | null {
  let index = 0;
  while (index < command.args.length) {
    const word = command.args[index] as ShellWord;
    const value = word.literal;
    if (value === null) return { name: word.raw, index };
    const base = value.slice(value.lastIndexOf("/") + 1);
    if (["sudo", "time", "exec", "nice", "nohup", "command", "ccache", "eatmydata"].includes(base)) {
      index++;
      while (index < command.args.length && (command.args[index]?.raw.startsWith("-") ?? false)) index++;
      continue;
    }
    if (base === "env") {
      index++;
      while (index < command.args.length && ((command.args[index]?.raw.startsWith("-") ?? false) || isAssignment(command.args[index]?.raw ?? ""))) index++;
      continue;
    }
    return { name: base, index };
  }
  return null;
}

/** The words after the command name (see {@link commandName}). */
export function argumentsOf(command: SimpleCommand): readonly ShellWord[] {
  const name = commandName(command);
  return name === null ? [] : command.args.slice(name.index + 1);
}

/** `[ a = b ]`, `test a != b`, `[[ a == b ]]`: the comparisons in a test command. */
export interface Comparison {
  readonly left: ShellWord;
  readonly op: "=" | "!=";
  readonly right: ShellWord;
  /** In `[[ ]]` the right side of `==`/`!=` is a pattern. */
  readonly pattern: boolean;
  readonly command: SimpleCommand;
}

export function comparisonsOf(command: SimpleCommand): Comparison[] {
  const name = commandName(command);
  if (name === null) return [];
  const words = command.args.slice(name.index);
  const head = words[0]?.literal;
  let operands: readonly ShellWord[];
  let double = false;
  if (head === "[" || head === "test") operands = words.slice(1).filter((word, index, all) => !(index === all.length - 1 && word.literal === "]"));
  else if (head === "[[") {
    operands = words.slice(1).filter((word) => word.literal !== "]]");
    double = true;
  } else return [];
  const found: Comparison[] = [];
  for (let index = 1; index + 1 < operands.length; index++) {
    const op = operands[index]?.literal;
    if (op !== "=" && op !== "==" && op !== "!=") continue;
    const left = operands[index - 1] as ShellWord;
    const right = operands[index + 1] as ShellWord;
    found.push({ left, op: op === "!=" ? "!=" : "=", right, pattern: double, command });
  }
  return found;
}

