import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { applyLayer } from "../../../src/exec/local/layers.js";
import { MEDIA_TYPES, type Descriptor } from "../../../src/exec/local/oci.js";
import {
  parseChallenge,
  parseImageReference,
  pullImage,
  pushImage,
  RegistryError,
  selectPlatformManifest,
} from "../../../src/exec/local/registry.js";
import { parsePlatform, type Platform } from "../../../src/platform/index.js";
import { dockerRegistry, freePort, startRegistry } from "./registry-server.js";

const LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
const CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "dfc-registry-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const sha256 = (content: Buffer): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;

function freshDir(name: string): string {
  const dir = join(work, `${name}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------
// An OCI image layout, written by hand

interface TestImage {
  readonly platform: { os: string; architecture: string; variant?: string };
  /** Written to /marker.txt in the image's one layer and to $MARKER. */
  readonly marker: string;
}

interface WrittenImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layer: Descriptor;
}

function writeBlob(layout: string, content: Buffer, mediaType: string): Descriptor {
  const digest = sha256(content);
  writeFileSync(join(layout, "blobs", "sha256", digest.slice("sha256:".length)), content);
  return { mediaType, digest, size: content.length };
}

async function writeImage(layout: string, image: TestImage): Promise<WrittenImage> {
  const source = freshDir("layer-source");
  writeFileSync(join(source, "marker.txt"), image.marker);
  const tarFile = join(source, "..", `${randomUUID()}.tar.gz`);
  await createTar({ gzip: true, portable: true, cwd: source, file: tarFile }, ["marker.txt"]);
  const layerBytes = readFileSync(tarFile);
  const layer = writeBlob(layout, layerBytes, LAYER_TYPE);
  const configJson = {
    ...image.platform,
    config: { Env: ["PATH=/bin", `MARKER=${image.marker}`], WorkingDir: "/work", User: "1000", Cmd: ["sh"] },
    rootfs: { type: "layers", diff_ids: [sha256(gunzipSync(layerBytes))] },
  };
  const config = writeBlob(layout, Buffer.from(JSON.stringify(configJson)), CONFIG_TYPE);
  const manifestJson = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [layer] };
  const manifest = writeBlob(layout, Buffer.from(JSON.stringify(manifestJson)), MEDIA_TYPES.ociManifest);
  return { manifest: { ...manifest, platform: image.platform }, config, layer };
}

async function writeLayout(images: readonly TestImage[]): Promise<{ dir: string; images: WrittenImage[] }> {
  const dir = freshDir("layout");
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const written: WrittenImage[] = [];
  for (const image of images) written.push(await writeImage(dir, image));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: written.map((image) => image.manifest) }));
  return { dir, images: written };
}

const AMD64: TestImage = { platform: { os: "linux", architecture: "amd64" }, marker: "amd64" };
const ARM64: TestImage = { platform: { os: "linux", architecture: "arm64" }, marker: "arm64" };

async function markerOf(layerFile: string): Promise<string> {
  const rootfs = freshDir("rootfs");
  await applyLayer(layerFile, LAYER_TYPE, rootfs);
  return readFileSync(join(rootfs, "marker.txt"), "utf8");
}

// ---------------------------------------------------------------------------
// Pure parts

describe("parseImageReference", () => {
  it("splits normalized references and picks the API endpoint", () => {
    expect(parseImageReference("docker.io/library/alpine:3.20")).toEqual({
      registry: "docker.io",
      endpoint: "https://registry-1.docker.io",
      repository: "library/alpine",
      tag: "3.20",
      digest: undefined,
    });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(parseImageReference(`ghcr.io/x/y@${digest}`)).toMatchObject({ endpoint: "https://ghcr.io", repository: "x/y", tag: undefined, digest });
    expect(parseImageReference("alpine")).toMatchObject({ registry: "docker.io", repository: "library/alpine", tag: "latest" });
  });

  it("uses plain HTTP for this machine only", () => {
    expect(parseImageReference("127.0.0.1:5000/base:latest").endpoint).toBe("http://127.0.0.1:5000");
    expect(parseImageReference("localhost:5000/base").endpoint).toBe("http://localhost:5000");
    expect(parseImageReference("[::1]:5000/base").endpoint).toBe("http://[::1]:5000");
    expect(parseImageReference("registry.lan:5000/base").endpoint).toBe("https://registry.lan:5000");
  });
});

describe("parseChallenge", () => {
  it("reads quoted parameters that contain commas", () => {
    const challenge = parseChallenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"');
    expect(challenge?.scheme).toBe("bearer");
    expect(Object.fromEntries(challenge?.params ?? [])).toEqual({
      realm: "https://auth.example/token",
      service: "reg",
      scope: "repository:a/b:pull,push",
    });
  });
});

describe("selectPlatformManifest", () => {
  const entry = (platform: string, extra: Partial<Descriptor> = {}): Descriptor => {
    const [os = "", architecture = "", variant] = platform.split("/");
    return {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: `sha256:${createHash("sha256").update(platform).digest("hex")}`,
      size: 1,
      platform: { os, architecture, ...(variant === undefined ? {} : { variant }) },
      ...extra,
    };
  };
  const pick = (entries: Descriptor[], wanted: string): string | undefined => {
    const chosen = selectPlatformManifest(entries, parsePlatform(wanted));
    const { os, architecture, variant } = chosen.platform ?? {};
    return [os, architecture, variant].filter(Boolean).join("/");
  };

  it("prefers the exact variant and falls back to an older one the platform runs", () => {
    const all = [entry("linux/arm/v5"), entry("linux/arm/v7"), entry("linux/arm/v6")];
    expect(pick(all, "linux/arm/v6")).toBe("linux/arm/v6");
    expect(pick(all, "linux/arm/v7")).toBe("linux/arm/v7");
    expect(pick([entry("linux/arm/v5"), entry("linux/arm/v6")], "linux/arm/v7")).toBe("linux/arm/v6");
  });

  it("never picks a newer variant than asked for", () => {
    expect(() => pick([entry("linux/arm/v7"), entry("linux/amd64")], "linux/arm/v6")).toThrow(
      "no manifest for linux/arm/v6 (available: linux/amd64, linux/arm/v7)",
    );
  });

  it("treats arm64/v8 as arm64", () => {
    expect(pick([entry("linux/amd64"), entry("linux/arm64/v8")], "linux/arm64")).toBe("linux/arm64/v8");
    expect(pick([entry("linux/arm64")], "linux/arm64/v8")).toBe("linux/arm64");
  });

  it("does not pick another architecture the platform could run, nor attestations", () => {
    const attestation = entry("unknown/unknown", { annotations: { "vnd.docker.reference.type": "attestation-manifest" } });
    expect(() => pick([entry("linux/386"), entry("linux/arm/v7"), attestation], "linux/amd64")).toThrow(
      "(available: linux/386, linux/arm/v7)",
    );
    expect(() => pick([entry("linux/arm/v7")], "linux/arm64")).toThrow(RegistryError);
  });
});

// ---------------------------------------------------------------------------
// A real registry: the Debian/Ubuntu docker-registry package (distribution 2.8)

describe.skipIf(dockerRegistry === undefined)("against a real registry", () => {
  let registry: string;
  let stop = (): void => {};
  let multi: { dir: string; images: WrittenImage[] };
  let pushedIndexDigest: string;

  beforeAll(async () => {
    const running = await startRegistry(freshDir("docker-registry"));
    registry = running.address;
    stop = running.stop;
    multi = await writeLayout([AMD64, ARM64]);
    pushedIndexDigest = (await pushImage(`${registry}/multi:latest`, multi)).digest;
  });

  afterAll(() => {
    stop();
  });

  it("pushes a multi-platform layout as an OCI index under the tag", async () => {
    const response = await fetch(`http://${registry}/v2/multi/manifests/latest`, { headers: { accept: MEDIA_TYPES.ociIndex } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(MEDIA_TYPES.ociIndex);
    const content = Buffer.from(await response.arrayBuffer());
    expect(sha256(content)).toBe(pushedIndexDigest);
    const index = JSON.parse(content.toString()) as { manifests: Descriptor[] };
    expect(index.manifests.map((manifest) => manifest.digest)).toEqual(multi.images.map((image) => image.manifest.digest));
  });

  it("pulls the manifest, config and layer of each platform", async () => {
    const blobDir = freshDir("blobs");
    for (const [index, platform] of ["linux/amd64", "linux/arm64"].entries()) {
      const image = await pullImage(`${registry}/multi:latest`, parsePlatform(platform), { blobDir });
      const expected = multi.images[index] as WrittenImage;
      expect(image.manifestDigest).toBe(expected.manifest.digest);
      expect(image.config).toEqual({
        env: ["PATH=/bin", `MARKER=${platform.split("/")[1]}`],
        workdir: "/work",
        user: "1000",
        entrypoint: null,
        cmd: ["sh"],
      });
      expect(image.layers).toEqual([
        { digest: expected.layer.digest, mediaType: LAYER_TYPE, file: join(blobDir, "sha256", expected.layer.digest.slice(7)) },
      ]);
      expect(await markerOf(image.layers[0]?.file as string)).toBe(platform.split("/")[1]);
    }
    expect(existsSync(join(blobDir, "sha256", (multi.images[0] as WrittenImage).config.digest.slice(7)))).toBe(true);
  });

  it("names the platforms there are when the wanted one is missing", async () => {
    const pulling = pullImage(`${registry}/multi:latest`, parsePlatform("linux/riscv64"), { blobDir: freshDir("blobs") });
    await expect(pulling).rejects.toThrow(
      new RegistryError(`pulling ${registry}/multi:latest: no manifest for linux/riscv64 (available: linux/amd64, linux/arm64)`),
    );
  });

  it("pulls by digest, of the index or of a manifest", async () => {
    const arm = multi.images[1] as WrittenImage;
    const byManifest = await pullImage(`${registry}/multi@${arm.manifest.digest}`, parsePlatform("linux/arm64"), { blobDir: freshDir("blobs") });
    expect(byManifest.manifestDigest).toBe(arm.manifest.digest);
    const byIndex = await pullImage(`${registry}/multi@${pushedIndexDigest}`, parsePlatform("linux/arm64"), { blobDir: freshDir("blobs") });
    expect(byIndex.layers[0]?.digest).toBe(arm.layer.digest);
  });

  it("pushes a single-platform layout as the manifest itself, and checks its platform on pull", async () => {
    const single = await writeLayout([ARM64]);
    const { digest } = await pushImage(`${registry}/single:v1`, single);
    expect(digest).toBe(single.images[0]?.manifest.digest);
    const image = await pullImage(`${registry}/single:v1`, parsePlatform("linux/arm64/v8"), { blobDir: freshDir("blobs") });
    expect(image.manifestDigest).toBe(digest);
    await expect(pullImage(`${registry}/single:v1`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs") })).rejects.toThrow(
      `pulling ${registry}/single:v1: no manifest for linux/amd64 (available: linux/arm64)`,
    );
  });

  it("reports the registry's error code for a missing tag", async () => {
    const error = await pullImage(`${registry}/multi:nope`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toMatch(
      new RegExp(`^pulling ${registry}/multi:nope: fetching manifest nope: HTTP 404 Not Found \\(MANIFEST_UNKNOWN: `),
    );
    expect((error as RegistryError).status).toBe(404);
    expect((error as RegistryError).codes).toEqual(["MANIFEST_UNKNOWN"]);
  });
});

// ---------------------------------------------------------------------------
// A fake registry, for what a real one will not do: lie, or demand tokens

interface FakeRegistry {
  readonly host: string;
  readonly blobs: Map<string, Buffer>;
  /** Blobs served as a response that never ends. */
  readonly endless: Set<string>;
  /** Every request, as `METHOD path`, and the Authorization it carried. */
  readonly requests: { line: string; authorization: string | undefined }[];
  readonly tokenRequests: URL[];
  close(): Promise<void>;
}

const TOKEN = "fake-token-1234";

function streamForever(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/octet-stream" });
  const chunk = Buffer.alloc(64 * 1024, 0x42);
  const write = (): void => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once("drain", write);
  };
  write();
}

/** A fake registry for the running test, closed when the test ends. */
async function fakeRegistry(auth: "none" | "bearer" | "basic"): Promise<FakeRegistry> {
  const fake = await startFakeRegistry(auth);
  onTestFinished(() => fake.close());
  return fake;
}

async function startFakeRegistry(auth: "none" | "bearer" | "basic"): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>();
  const endless = new Set<string>();
  const manifests = new Map<string, { mediaType: string; content: Buffer }>();
  const uploads = new Set<string>();
  const requests: FakeRegistry["requests"] = [];
  const tokenRequests: URL[] = [];
  const basic = `Basic ${Buffer.from("user:secret").toString("base64")}`;
  let host = "";

  const reply = (response: ServerResponse, status: number, headers: Record<string, string> = {}, body?: Buffer): void => {
    response.writeHead(status, { "content-length": String(body?.length ?? 0), ...headers });
    response.end(body);
  };
  const readBody = async (request: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", `http://${host}`);
    if (url.pathname === "/token") {
      tokenRequests.push(url);
      if (request.headers.authorization !== basic) return reply(response, 401);
      return reply(response, 200, { "content-type": "application/json" }, Buffer.from(JSON.stringify({ token: TOKEN })));
    }
    requests.push({ line: `${request.method} ${url.pathname}`, authorization: request.headers.authorization });
    const match = /^\/v2\/(.+?)\/(manifests|blobs\/uploads|blobs)\/?(.*)$/.exec(url.pathname);
    const repository = match?.[1] ?? "";
    if (auth === "bearer" && request.headers.authorization !== `Bearer ${TOKEN}`) {
      const scope = `repository:${repository}:${request.method === "GET" || request.method === "HEAD" ? "pull" : "push,pull"}`;
      return reply(response, 401, { "www-authenticate": `Bearer realm="http://${host}/token",service="fake",scope="${scope}"` });
    }
    if (auth === "basic" && request.headers.authorization !== basic) {
      return reply(response, 401, { "www-authenticate": 'Basic realm="fake"' });
    }
    if (match === null) return reply(response, 404);
    const [, , kind, reference = ""] = match;
    if (kind === "manifests") {
      if (request.method === "PUT") {
        const content = await readBody(request);
        const stored = { mediaType: request.headers["content-type"] ?? "", content };
        manifests.set(reference, stored);
        manifests.set(sha256(content), stored);
        return reply(response, 201);
      }
      const manifest = manifests.get(reference);
      if (manifest === undefined) return reply(response, 404);
      return reply(response, 200, { "content-type": manifest.mediaType }, manifest.content);
    }
    if (kind === "blobs") {
      if (endless.has(reference) && request.method === "GET") return streamForever(response);
      const blob = blobs.get(reference);
      if (blob === undefined) return reply(response, 404);
      return reply(response, 200, { "content-type": "application/octet-stream" }, request.method === "HEAD" ? undefined : blob);
    }
    if (request.method === "POST") {
      const id = randomUUID();
      uploads.add(id);
      // Relative, and with state of its own that the client must keep.
      return reply(response, 202, { location: `/v2/${repository}/blobs/uploads/${id}?state=s1` });
    }
    const content = await readBody(request);
    const digest = url.searchParams.get("digest") ?? "";
    if (!uploads.has(reference) || url.searchParams.get("state") !== "s1" || sha256(content) !== digest) return reply(response, 400);
    blobs.set(digest, content);
    return reply(response, 201);
  };

  const server: Server = createHttpServer((request, response) => {
    handle(request, response).catch(() => reply(response, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  host = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  return {
    host,
    blobs,
    endless,
    requests,
    tokenRequests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A client that walked away from an endless response leaves its socket to time out otherwise.
        server.closeAllConnections();
      }),
  };
}

describe("against a fake registry", () => {
  it("pushes with a relative upload Location and pulls blobs only once", async () => {
    const fake = await fakeRegistry("none");
    const layout = await writeLayout([AMD64, ARM64]);
    await pushImage(`${fake.host}/app:1`, layout);
    expect(fake.blobs.size).toBe(4);
    const blobDir = freshDir("blobs");
    await pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir });
    const blobRequests = () => fake.requests.filter((request) => request.line.startsWith("GET /v2/app/blobs/")).length;
    expect(blobRequests()).toBe(2);
    await pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir });
    expect(blobRequests()).toBe(2);
    // Pushing again finds every blob there already.
    const posts = fake.requests.filter((request) => request.line.startsWith("POST")).length;
    await pushImage(`${fake.host}/app:2`, layout);
    expect(fake.requests.filter((request) => request.line.startsWith("POST")).length).toBe(posts);
  });

  it("rejects a blob that does not match its digest, and keeps nothing of it", async () => {
    const fake = await fakeRegistry("none");
    const layout = await writeLayout([AMD64]);
    await pushImage(`${fake.host}/app:1`, layout);
    const layer = (layout.images[0] as WrittenImage).layer;
    const genuine = fake.blobs.get(layer.digest) as Buffer;
    fake.blobs.set(layer.digest, Buffer.alloc(genuine.length, 0x41));
    const blobDir = freshDir("blobs");
    const pulling = pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir });
    await expect(pulling).rejects.toThrow(
      new RegExp(`^pulling ${fake.host}/app:1: blob ${layer.digest} is corrupt: expected ${layer.size} bytes, got ${layer.size} bytes with digest sha256:`),
    );
    expect(readdirSync(join(blobDir, "sha256"))).toEqual([(layout.images[0] as WrittenImage).config.digest.slice(7)]);

    fake.blobs.set(layer.digest, Buffer.concat([genuine, Buffer.from("trailing")]));
    await expect(pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir })).rejects.toThrow(
      `got more than ${layer.size} bytes`,
    );
    expect(readdirSync(join(blobDir, "sha256"))).toHaveLength(1);

    // A response that never ends is cut off once it passes the promised size.
    fake.endless.add(layer.digest);
    await expect(pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir })).rejects.toThrow(
      `got more than ${layer.size} bytes`,
    );
    expect(readdirSync(join(blobDir, "sha256"))).toHaveLength(1);
  });

  it("answers a Bearer challenge with a token, fetched once per scope", async () => {
    const fake = await fakeRegistry("bearer");
    const credentials = { [fake.host]: { username: "user", password: "secret" } };
    const layout = await writeLayout([AMD64, ARM64]);
    await pushImage(`${fake.host}/team/app:1`, layout, { credentials });
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]?.searchParams.get("service")).toBe("fake");
    expect(fake.tokenRequests[0]?.searchParams.getAll("scope")).toEqual(["repository:team/app:pull,push"]);

    const pullStart = fake.requests.length;
    const image = await pullImage(`${fake.host}/team/app:1`, parsePlatform("linux/arm64"), { blobDir: freshDir("blobs"), credentials });
    expect(await markerOf(image.layers[0]?.file as string)).toBe("arm64");
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.tokenRequests[1]?.searchParams.getAll("scope")).toEqual(["repository:team/app:pull"]);
    // The token, once there, goes with every later request.
    const pulls = fake.requests.slice(pullStart);
    expect(pulls.filter((request) => request.authorization === undefined).map((request) => request.line)).toEqual(["GET /v2/team/app/manifests/1"]);
    expect(pulls.length).toBe(5);
  });

  it("explains a refused token", async () => {
    const fake = await fakeRegistry("bearer");
    const error = await pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs") }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`pulling ${fake.host}/app:1: getting a token from http://${fake.host}/token: HTTP 401 Unauthorized`);
    expect((error as RegistryError).status).toBe(401);
  });

  it("answers a Basic challenge with the credentials, and says when there are none", async () => {
    const fake = await fakeRegistry("basic");
    const layout = await writeLayout([AMD64]);
    const credentials = { [fake.host]: { username: "user", password: "secret" } };
    await pushImage(`${fake.host}/app:1`, layout, { credentials });
    const image = await pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs"), credentials });
    expect(image.manifestDigest).toBe(layout.images[0]?.manifest.digest);
    await expect(pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs") })).rejects.toThrow(
      `pulling ${fake.host}/app:1: ${fake.host} requires a login, and no credentials were given`,
    );
  });

  it("passes an abort on as it is", async () => {
    const fake = await fakeRegistry("none");
    await pushImage(`${fake.host}/app:1`, await writeLayout([AMD64]));
    const signal = AbortSignal.abort();
    const error = await pullImage(`${fake.host}/app:1`, parsePlatform("linux/amd64"), { blobDir: freshDir("blobs"), signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RegistryError);
    expect((error as Error).name).toBe("AbortError");
  });

  it("names the host it cannot reach", async () => {
    const port = await freePort();
    const platform: Platform = parsePlatform("linux/amd64");
    await expect(pullImage(`127.0.0.1:${port}/app:1`, platform, { blobDir: freshDir("blobs") })).rejects.toThrow(
      `pulling 127.0.0.1:${port}/app:1: cannot reach 127.0.0.1:${port} (http): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
