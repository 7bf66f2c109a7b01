/**
 * Deterministic synthetic Dockerfiles for benchmarks.
 *
 * `syntheticDockerfile(bytes, seed)` returns a realistic multi-stage
 * Dockerfile of exactly `bytes` UTF-8 bytes: stages are generated one after
 * another from a seeded PRNG (never `Math.random`), and the space left after
 * the last stage that fits is filled with comment lines. The same seed gives
 * the same stages in the same order, so a 1 MB file is (but for its padding)
 * a prefix of the 8 MB one and sizes can be compared for growth.
 *
 * What the stages contain, in the proportions real Dockerfiles have them:
 * `FROM --platform=$BUILDPLATFORM … AS name`, ARG and ENV (both the `k=v` and
 * the legacy `k v` form), long `\`-continued RUN scripts with comments inside
 * the continuation, `RUN --mount`, JSON-form CMD/ENTRYPOINT, COPY with
 * `--from`/`--chown`/`--link`, heredocs (`RUN <<EOF`, `COPY <<-EOT /f`),
 * LABEL, HEALTHCHECK, ONBUILD, EXPOSE/USER/VOLUME/STOPSIGNAL, and dfc's IFARCH
 * blocks, with TAGARCH inside `IFARCH arm7 rpi`, around instructions and
 * around whole stages. A little non-ASCII text keeps bytes and characters apart.
 */

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `count` distinct items (fewer if the list is shorter), in list order. */
  some<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    const want = Math.min(count, items.length);
    while (chosen.size < want) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((index) => items[index] as T);
  }
}

const BUILD_IMAGES = ["golang:${GO_VERSION}-alpine", "node:${NODE_VERSION}-bookworm", "rust:1.79-slim-bookworm", "python:3.12-slim", "maven:3.9-eclipse-temurin-21", "gcc:14"];
const RUNTIME_IMAGES = ["${BASE_IMAGE}", "debian:bookworm-slim", "alpine:3.20", "gcr.io/distroless/static-debian12:nonroot", "ubuntu:24.04", "eclipse-temurin:21-jre"];
const PACKAGES = [
  "ca-certificates", "curl", "git", "gnupg", "dirmngr", "tzdata", "build-essential", "pkg-config", "libssl-dev",
  "zlib1g-dev", "libffi-dev", "libpq-dev", "unzip", "xz-utils", "procps", "netbase", "wget", "tini", "jq",
  "openssh-client", "locales", "file", "make", "autoconf", "automake", "libtool", "bison", "flex", "gettext",
];
const WORDS = [
  "build", "cache", "layer", "stage", "runtime", "binary", "assets", "config", "plugins", "modules", "vendor",
  "release", "debug", "static", "shared", "tools", "docs", "schema", "locale", "certs", "fonts", "data",
];
const COMMENTS = [
  "install the toolchain first so that the layer is cached",
  "keep this in sync with the CI matrix",
  "verify the download before unpacking it",
  "the upstream tarball is not reproducible; pin the checksum",
  "cleanup happens in the same layer to keep the image small",
  "see https://github.com/example/project/issues/1234",
  "build for the target platform, not the build platform",
  "dépendances optionnelles — laissées de côté pour l'image minimale",
  "runs as an unprivileged user (uid 10001)",
];
const PORTS = ["80", "443", "8080/tcp", "9090", "5432", "6379/tcp", "53/udp", "3000"];
const SIGNALS = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL"];

function hex(rng: Prng, length: number): string {
  let out = "";
  for (let index = 0; index < length; index++) out += "0123456789abcdef"[rng.int(0, 15)];
  return out;
}

function version(rng: Prng): string {
  return `${rng.int(0, 4)}.${rng.int(0, 30)}.${rng.int(0, 15)}`;
}

function path(rng: Prng, depth = rng.int(1, 4)): string {
  const parts: string[] = [];
  for (let index = 0; index < depth; index++) parts.push(rng.pick(WORDS));
  return "/" + parts.join("/");
}

/** A long `\`-continued shell script, with a comment line or two inside the continuation. */
function runScript(rng: Prng): string[] {
  const lines: string[] = ["RUN set -eux; \\"];
  if (rng.chance(0.7)) {
    lines.push("\tapt-get update; \\", "\tapt-get install -y --no-install-recommends \\");
    for (const pkg of rng.some(PACKAGES, rng.int(3, 14))) lines.push(`\t\t${pkg} \\`);
    lines.push("\t; \\");
  }
  if (rng.chance(0.5)) lines.push(`# ${rng.pick(COMMENTS)}`);
  const name = rng.pick(WORDS);
  const ver = version(rng);
  lines.push(
    `\tdpkgArch="$(dpkg --print-architecture)"; \\`,
    `\tcase "\${dpkgArch##*-}" in \\`,
    `\t\tamd64) arch='x86_64'; sha256='${hex(rng, 64)}' ;; \\`,
    `\t\tarm64) arch='aarch64'; sha256='${hex(rng, 64)}' ;; \\`,
    `\t\t*) echo >&2 "unsupported architecture: \${dpkgArch}"; exit 1 ;; \\`,
    `\tesac; \\`,
    `\turl="https://downloads.example.org/${name}/${ver}/${name}-${ver}-linux-\${arch}.tar.gz"; \\`,
    `\twget -O ${name}.tgz "$url" --progress=dot:giga; \\`,
    `\techo "$sha256 *${name}.tgz" | sha256sum -c -; \\`,
  );
  if (rng.chance(0.4)) lines.push("    # the archive has a top-level folder; strip it");
  lines.push(
    `\tmkdir -p /opt/${name}; \\`,
    `\ttar -xzf ${name}.tgz -C /opt/${name} --strip-components=1; \\`,
    `\trm ${name}.tgz; \\`,
  );
  for (let index = rng.int(0, 4); index > 0; index--) {
    lines.push(`\tln -s /opt/${name}/bin/${rng.pick(WORDS)} /usr/local/bin/${rng.pick(WORDS)}-${index}; \\`);
  }
  lines.push("\trm -rf /var/lib/apt/lists/* /tmp/*; \\", `\t${name} --version`);
  return lines;
}

function runHeredoc(rng: Prng): string[] {
  const lines = [rng.pick(["RUN <<EOF", "RUN <<'EOF' bash", "RUN --network=none <<EOF"])];
  lines.push("set -e");
  for (let index = rng.int(2, 8); index > 0; index--) {
    lines.push(rng.pick([
      `echo "configuring ${rng.pick(WORDS)}" >> /var/log/setup.log`,
      `mkdir -p ${path(rng)} && chmod 0755 ${path(rng)}`,
      `sed -i 's/^#\\(${rng.pick(WORDS)}\\)/\\1/' /etc/${rng.pick(WORDS)}.conf`,
      `if [ -f /etc/os-release ]; then . /etc/os-release; echo "$ID $VERSION_ID"; fi`,
      `useradd --system --uid ${rng.int(1000, 65000)} --no-create-home app || true`,
    ]));
  }
  lines.push("EOF");
  return lines;
}

function copyHeredoc(rng: Prng): string[] {
  const lines = [`COPY <<-EOT ${path(rng, 2)}/${rng.pick(WORDS)}.toml`];
  lines.push(`\t# generated at build time — ne pas modifier`);
  for (let index = rng.int(2, 7); index > 0; index--) {
    lines.push(`\t${rng.pick(WORDS)}_${index} = "${rng.pick(WORDS)}-${version(rng)}"`);
  }
  lines.push("\tEOT");
  return lines;
}

function envLines(rng: Prng): string[] {
  if (rng.chance(0.3)) return [`ENV ${rng.pick(WORDS).toUpperCase()}_HOME /opt/${rng.pick(WORDS)}`];
  const lines = [`ENV PATH=/opt/${rng.pick(WORDS)}/bin:$PATH \\`];
  for (let index = rng.int(1, 4); index > 0; index--) {
    lines.push(`    ${rng.pick(WORDS).toUpperCase()}_VERSION=${version(rng)} \\`);
  }
  lines.push(`    LANG="C.UTF-8"`);
  return lines;
}

function labelLines(rng: Prng, stage: string): string[] {
  return [
    `LABEL org.opencontainers.image.title="${stage}" \\`,
    `      org.opencontainers.image.version="${version(rng)}" \\`,
    `      org.opencontainers.image.source="https://github.com/example/${rng.pick(WORDS)}" \\`,
    `      maintainer="Zoë Müller <zoe@example.org>"`,
  ];
}

interface StageState {
  readonly index: number;
  /** Names of the stages generated so far (for `COPY --from`). */
  readonly earlier: readonly string[];
}

function buildStage(rng: Prng, state: StageState): { name: string; lines: string[] } {
  const name = `build${state.index}`;
  const lines = [
    `# --- stage ${state.index}: ${rng.pick(COMMENTS)}`,
    `FROM --platform=$BUILDPLATFORM ${rng.pick(BUILD_IMAGES)} AS ${name}`,
    "ARG TARGETOS TARGETARCH",
    `ARG VERSION=${version(rng)}`,
    `WORKDIR /src/${rng.pick(WORDS)}`,
  ];
  lines.push(...envLines(rng));
  lines.push(`COPY --link go.mod go.sum ./`);
  lines.push(
    "RUN --mount=type=cache,target=/root/.cache/go-build \\",
    "    --mount=type=cache,target=/go/pkg/mod \\",
    "    go mod download",
  );
  lines.push(...runScript(rng));
  if (rng.chance(0.4)) lines.push(...runHeredoc(rng));
  if (rng.chance(0.5)) {
    lines.push(
      "IFARCH amd64",
      `RUN CGO_ENABLED=1 GOAMD64=v3 go build -trimpath -o /out/${rng.pick(WORDS)} ./cmd/...`,
      "ENDIFARCH",
    );
  }
  lines.push(
    `RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \\`,
    `    -ldflags "-s -w -X main.version=\${VERSION}" \\`,
    `    -o /out/app ./cmd/app`,
  );
  return { name, lines };
}

function runtimeStage(rng: Prng, state: StageState): { name: string; lines: string[] } {
  const name = `runtime${state.index}`;
  const from = state.earlier.length > 0 ? rng.pick(state.earlier) : "scratch";
  const lines = [`# --- stage ${state.index}: runtime image`, `FROM ${rng.pick(RUNTIME_IMAGES)} AS ${name}`];
  lines.push(...labelLines(rng, name));
  if (rng.chance(0.6)) lines.push(...runScript(rng));
  lines.push(`COPY --from=${from} --chown=app:app --link /out/app /usr/local/bin/app`);
  if (rng.chance(0.5)) lines.push(...copyHeredoc(rng));
  if (rng.chance(0.5)) {
    lines.push(
      "IFARCH arm7 rpi",
      "TAGARCH arm7 rpi",
      `ENV GOARM=${rng.pick(["6", "7"])} QEMU_CPU=cortex-a7`,
      `RUN apt-get update && apt-get install -y --no-install-recommends libraspberrypi0 \\`,
      `    && rm -rf /var/lib/apt/lists/*`,
      "ENDIFARCH",
    );
  }
  if (rng.chance(0.3)) lines.push(`ONBUILD COPY . /app/src`, `ONBUILD RUN make -C /app/src ${rng.pick(WORDS)}`);
  lines.push(`EXPOSE ${rng.some(PORTS, rng.int(1, 3)).join(" ")}`);
  if (rng.chance(0.5)) lines.push(`VOLUME ["/var/lib/${rng.pick(WORDS)}"]`);
  lines.push(
    `HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\`,
    `  CMD curl -fsS http://localhost:${rng.int(1024, 9999)}/healthz || exit 1`,
  );
  lines.push(`USER ${rng.pick(["app", "10001:10001", "nobody"])}`);
  if (rng.chance(0.3)) lines.push(`STOPSIGNAL ${rng.pick(SIGNALS)}`);
  lines.push(`ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/app"]`);
  lines.push(`CMD ["serve", "--config", "/etc/app/config.toml", "--listen", ":${rng.int(1024, 9999)}"]`);
  return { name, lines };
}

/** A stage built only for arm: the whole stage sits in an IFARCH block. */
function armStage(rng: Prng, state: StageState): { name: string; lines: string[] } {
  const inner = runtimeStage(rng, state);
  const lines = inner.lines.filter((line) => !line.startsWith("IFARCH") && !line.startsWith("TAGARCH") && !line.startsWith("ENDIFARCH"));
  const from = lines.findIndex((line) => line.startsWith("FROM "));
  lines.splice(from + 1, 0, "TAGARCH arm7 rpi");
  return { name: inner.name, lines: ["IFARCH arm7 rpi", ...lines, "ENDIFARCH"] };
}

function header(rng: Prng): string {
  return [
    "# syntax=docker/dockerfile:1.7",
    "",
    `# Synthetic multi-stage Dockerfile for dfc's benchmarks (seeded, deterministic).`,
    `ARG BASE_IMAGE=debian:bookworm-slim`,
    `ARG GO_VERSION=1.${rng.int(20, 23)}`,
    `ARG NODE_VERSION=${rng.int(18, 22)}`,
    "",
  ].join("\n") + "\n";
}

/** Comment lines totalling exactly `bytes` bytes (ASCII). */
function padding(bytes: number): string {
  let out = "";
  let left = bytes;
  while (left > 0) {
    if (left === 1) {
      out += "\n";
      left = 0;
      break;
    }
    const length = Math.min(left, 72);
    out += "#" + "=".repeat(length - 2) + "\n";
    left -= length;
  }
  return out;
}

/**
 * A Dockerfile of exactly `bytes` UTF-8 bytes (at least the header's size).
 * Same `bytes` and `seed`, same text.
 */
export function syntheticDockerfile(bytes: number, seed = 0x5eed): string {
  const rng = new Prng(seed);
  const parts: string[] = [header(rng)];
  let size = Buffer.byteLength(parts[0] as string, "utf8");
  const names: string[] = [];
  for (let index = 1; ; index++) {
    const state: StageState = { index, earlier: names.slice(-4) };
    const roll = rng.next();
    const stage = roll < 0.5 ? buildStage(rng, state) : roll < 0.9 ? runtimeStage(rng, state) : armStage(rng, state);
    const text = stage.lines.join("\n") + "\n\n";
    const length = Buffer.byteLength(text, "utf8");
    if (size + length > bytes) break;
    parts.push(text);
    size += length;
    names.push(stage.name);
  }
  if (size < bytes) parts.push(padding(bytes - size));
  return parts.join("");
}
