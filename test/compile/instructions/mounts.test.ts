/** `RUN --mount` parsing: BuildKit's keys, defaults, order rules and messages; values stay raw. */
import { describe, expect, it } from "vitest";
import type { Mount } from "../../../src/compile/instructions/index.js";
import { convertAs, errorOf, textAt } from "./helpers.js";

/** A mount without its range, for comparing with literals (distributes over the union). */
type WithoutRange<M> = M extends unknown ? Omit<M, "range"> : never;
type PlainMount = WithoutRange<Mount>;

/** The mounts of `RUN <flags> true`, without their ranges. */
function mounts(flags: string, escape = "\\"): PlainMount[] {
  const directive = escape === "\\" ? "" : `# escape=${escape}\n`;
  return convertAs("RUN", `${directive}RUN ${flags} true\n`).mounts.map(({ range: _range, ...mount }) => mount as PlainMount);
}

const mount = (spec: string): PlainMount => {
  const [only] = mounts(`--mount=${spec}`);
  if (only === undefined) throw new Error("no mount");
  return only;
};

const ownership = { mode: null, uid: null, gid: null };

describe("mount types and defaults", () => {
  it.each<[string, PlainMount]>([
    ["target=/src", { type: "bind", target: "/src", source: null, from: null, readOnly: true }],
    ["type=bind", { type: "bind", target: null, source: null, from: null, readOnly: true }],
    ["type=bind,source=/a,dst=/b,from=builder,rw", { type: "bind", target: "/b", source: "/a", from: "builder", readOnly: false }],
    ["type=BIND,src=a,destination=/b,readwrite=true", { type: "bind", target: "/b", source: "a", from: null, readOnly: false }],
    ["type=bind,target=.,readonly=false,ro", { type: "bind", target: ".", source: null, from: null, readOnly: true }],
    [
      "type=cache,target=/go/pkg/mod",
      { type: "cache", target: "/go/pkg/mod", id: null, source: null, from: null, sharing: "shared", readOnly: false, ...ownership },
    ],
    [
      "type=cache,id=apt,target=/var/cache/apt,sharing=LOCKED,ro,mode=0755,uid=1000,gid=0,from=base,source=/seed",
      { type: "cache", target: "/var/cache/apt", id: "apt", source: "/seed", from: "base", sharing: "locked", readOnly: true, mode: "0755", uid: "1000", gid: "0" },
    ],
    ["type=tmpfs,target=/tmp", { type: "tmpfs", target: "/tmp", size: null, readOnly: false }],
    ["type=tmpfs,target=/tmp,size=64m,ro=true", { type: "tmpfs", target: "/tmp", size: "64m", readOnly: true }],
    ["type=secret,id=npmrc", { type: "secret", id: "npmrc", target: "/run/secrets/npmrc", env: null, required: false, ...ownership }],
    ["type=secret,id=a/b/token", { type: "secret", id: "a/b/token", target: "/run/secrets/token", env: null, required: false, ...ownership }],
    ["type=secret,source=aws,target=/root/.aws/credentials,required", { type: "secret", id: "aws", target: "/root/.aws/credentials", env: null, required: true, ...ownership }],
    ["type=secret,target=/etc/token", { type: "secret", id: "token", target: "/etc/token", env: null, required: false, ...ownership }],
    ["type=secret,id=github_token,env=GITHUB_TOKEN", { type: "secret", id: "github_token", target: null, env: "GITHUB_TOKEN", required: false, ...ownership }],
    [
      "type=secret,id=t,env=T,target=/t,required=false,mode=0400,uid=1",
      { type: "secret", id: "t", target: "/t", env: "T", required: false, mode: "0400", uid: "1", gid: null },
    ],
    ["type=ssh", { type: "ssh", id: "default", target: null, required: false, ...ownership }],
    ["type=ssh,id=github,target=/ssh.sock,required=true,mode=0600", { type: "ssh", id: "github", target: "/ssh.sock", required: true, mode: "0600", uid: null, gid: null }],
    // Quotes reach the CSV reader only when the flag itself keeps them (here inside single quotes).
    [`'"type=cache","target=/a,b"'`, { type: "cache", target: "/a,b", id: null, source: null, from: null, sharing: "shared", readOnly: false, ...ownership }],
  ])("--mount=%s", (spec, expected) => {
    expect(mount(spec)).toEqual(expected);
  });

  it("ignores options that mean nothing for the type, as BuildKit does", () => {
    expect(mount("type=bind,target=/a,id=x,env=Y")).toEqual({ type: "bind", target: "/a", source: null, from: null, readOnly: true });
    expect(mount("type=tmpfs,target=/a,from=x,source=y")).toEqual({ type: "tmpfs", target: "/a", size: null, readOnly: false });
  });

  it("treats a literally empty value as absent", () => {
    expect(mount('type=bind,target=,source=""')).toMatchObject({ target: null, source: null });
  });

  it("keeps values raw: variables, quotes and escapes are left for the dispatcher", () => {
    expect(mount("type=cache,id=go-$TARGETPLATFORM,target=${GOPATH}/pkg,uid=$UID,mode=${MODE:-0755}")).toMatchObject({
      id: "go-$TARGETPLATFORM",
      target: "${GOPATH}/pkg",
      uid: "$UID",
      mode: "${MODE:-0755}",
    });
    expect(mount("type=secret,id=$ID")).toMatchObject({ id: "$ID", target: "/run/secrets/$ID" });
    expect(mount("type=cache,target=/a,uid=\\'1000\\'")).toMatchObject({ uid: "'1000'" });
  });

  it("reads several mounts in order, with each range on its own flag", () => {
    const source = "RUN --mount=type=cache,target=/a \\\n    --mount=type=tmpfs,target=/b true\n";
    const run = convertAs("RUN", source);
    expect(run.mounts.map((m) => m.type)).toEqual(["cache", "tmpfs"]);
    expect(run.mounts.map((m) => textAt(source, m.range))).toEqual(["--mount=type=cache,target=/a", "--mount=type=tmpfs,target=/b"]);
  });

  it("checks literal values with the file's escape character", () => {
    // The flag reader turns `\\` into one backslash; expansion then treats it as the escape character or not.
    expect(mount("type=cache,target=/a,uid=1\\\\0")).toMatchObject({ uid: "1\\0" });
    expect(() => mounts("--mount=type=cache,target=/a,uid=1\\\\0", "`")).toThrow("invalid value 1\\0 for uid");
  });
});

describe("mount errors", () => {
  it.each([
    ["", "failed to parse csv mounts: EOF"],
    ['type=bind,targ\\"et=/a', 'failed to parse csv mounts: parse error on line 1, column 15: bare " in non-quoted-field'],
    ['\\"type=bind', 'failed to parse csv mounts: parse error on line 1, column 2: extraneous or missing " in quoted-field'],
    ['\\"type=bind\\"x', 'failed to parse csv mounts: parse error on line 1, column 11: extraneous or missing " in quoted-field'],
    ["type=bind,target", "invalid field 'target' must be a key=value pair"],
    ["type=bind,,target=/a", "invalid field '' must be a key=value pair"],
    ["type=volume,target=/a", 'unsupported mount type "volume"'],
    ["type=cahce,target=/a", 'unsupported mount type "cahce" (did you mean cache?)'],
    ["type=Secrets,id=a", 'unsupported mount type "Secrets" (did you mean secret?)'],
    ["type=cache,target=/a,sharing=lockd", 'unsupported sharing value "lockd" (did you mean locked?)'],
    ["type=cache,target=/a,sharing=none", 'unsupported sharing value "none"'],
    ["type=bind,target=/a,bogus=bar", "unexpected key 'bogus' in 'bogus=bar'"],
    ["type=bind,target=/a,foo=bar", "unexpected key 'foo' in 'foo=bar' (did you mean from?)"],
    ["type=bind,traget=/a", "unexpected key 'traget' in 'traget=/a' (did you mean target?)"],
    ["type=bind,Sorce=/a", "unexpected key 'sorce' in 'Sorce=/a' (did you mean source?)"],
    ["type=bind,target=/a,ro=maybe", "invalid value for ro: maybe"],
    ["type=bind,target=/a,readwrite=", "invalid value for readwrite: "],
    ["type=secret,id=a,required=2", "invalid value for required: 2"],
    ["required,type=secret,id=a", "unexpected key 'required' for mount type 'bind'"],
    ["type=cache,target=/a,required=true", "unexpected key 'required' for mount type 'cache'"],
    ["type=cache,target=/a,size=1g", "unexpected key 'size' for mount type 'cache'"],
    ["type=tmpfs,target=/a,size=lots", "invalid value for size: lots"],
    ["type=tmpfs,target=/a,size=-1", "invalid value for size: -1"],
    ["type=cache,target=/a,mode=0789", "invalid value 0789 for mode"],
    ["type=cache,target=/a,mode=0o755", "invalid value 0o755 for mode"],
    ["type=cache,target=/a,uid=-1", "invalid value -1 for uid"],
    ["type=cache,target=/a,uid=", "invalid value  for uid"],
    ["type=cache,target=/a,gid=4294967296", "invalid value 4294967296 for gid"],
    ["type=bind,target=/a,mode=0755", 'mode not allowed for "bind" type mounts'],
    ["type=tmpfs,target=/a,uid=0", 'uid not allowed for "tmpfs" type mounts'],
    ["type=bind,target=/a,gid=0", 'gid not allowed for "bind" type mounts'],
    ["type=secret,id=a,from=x", "secret mount should not have a from"],
    ["type=secret,id=a,sharing=locked", "secret mount should not define sharing"],
    ["type=secret", "invalid secret mount. one of source, target required"],
    ["type=secret,env=X", "invalid secret mount. one of source, target required"],
    ["type=secret,source=a,id=b", "both source and id can't be set"],
    ["type=bind,target=/a,sharing=shared", "invalid cache sharing set for bind mount"],
    ["type=ssh,sharing=private", "invalid cache sharing set for ssh mount"],
    ["type=ssh,source=/key", "ssh does not support source"],
    ["type=bind,target=/a,from=$STAGE", "'from' doesn't support variable expansion, define alias stage instead"],
    ["type=bind,target=/a,from=a${B}", "'from' doesn't support variable expansion, define alias stage instead"],
    ["type=$KIND,target=/a", "dfc does not support variables in mount option 'type': $KIND"],
    ["type=cache,target=/a,sharing=${S}", "dfc does not support variables in mount option 'sharing': ${S}"],
    ["type=bind,target=/a,ro=$RO", "dfc does not support variables in mount option 'ro': $RO"],
    // The shell lexer's own message, as BuildKit's dispatcher would report it.
    ["type=cache,target=/a,uid=${U", 'failed to process "${U": unsupported modifier (\uFFFD) in substitution'],
  ])("--mount=%s → %s", (spec, message) => {
    expect(errorOf(`RUN --mount=${spec} true\n`).message).toBe(message);
  });

  it("accepts a trailing $ in from, which cannot expand", () => {
    expect(mount("type=bind,target=/a,from=stage$")).toMatchObject({ from: "stage$" });
  });

  it("points mount errors at the --mount flag", () => {
    const source = "RUN --network=none --mount=type=bind,target=/a,mode=1 true\n";
    expect(textAt(source, errorOf(source).range)).toBe("--mount=type=bind,target=/a,mode=1");
  });
});

describe("network and security", () => {
  it("default to default and sandbox", () => {
    expect(convertAs("RUN", "RUN true\n")).toMatchObject({ network: "default", security: "sandbox", mounts: [] });
  });

  it.each(["default", "none", "host"] as const)("--network=%s", (network) => {
    expect(convertAs("RUN", `RUN --network=${network} true\n`).network).toBe(network);
  });

  it.each(["sandbox", "insecure"] as const)("--security=%s", (security) => {
    expect(convertAs("RUN", `RUN --security=${security} true\n`).security).toBe(security);
  });

  it.each([
    ["--network=bridge", 'invalid network mode "bridge"'],
    ["--network=NONE", 'invalid network mode "NONE"'],
    ["--network=$NET", 'invalid network mode "$NET"'],
    ["--security=privileged", 'security "privileged" is not valid'],
    // BuildKit checks mounts before the network mode.
    ["--network=x --mount=type=nope", 'unsupported mount type "nope"'],
  ])("%s → %s", (flags, message) => {
    expect(errorOf(`RUN ${flags} true\n`).message).toBe(message);
  });
});
