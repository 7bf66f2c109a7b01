/**
 * Pulling and pushing images over the OCI distribution API
 * (https://github.com/opencontainers/distribution-spec), with Docker's
 * token authentication. Pulls verify every byte against its digest before
 * the blob is kept, so a lying registry or mirror cannot slip in content.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pLimit from "p-limit";
import { normalizeImageRef } from "../../compile/image-ref.js";
import { sha256 } from "../../graph/digest.js";
import { canRun, formatPlatform, normalizePlatform, type Platform } from "../../platform/index.js";
import { lstatOrNull } from "./lstat.js";
import { digestHex, layoutBlobPath, MEDIA_TYPES, type Descriptor } from "./oci.js";

/** A registry operation that failed, phrased for the person who ran the build. */
export class RegistryError extends Error {
  override readonly name = "RegistryError";

  constructor(
    message: string,
    /** The HTTP status that ended the operation, when it was an HTTP error. */
    readonly status?: number,
    /** Error codes from the registry's response body (`MANIFEST_UNKNOWN`, `DENIED`, …). */
    readonly codes: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RegistryOptions {
  readonly signal?: AbortSignal;
  /** Credentials by registry, keyed as written in references (`docker.io`, `127.0.0.1:5000`). */
  readonly credentials?: Readonly<Record<string, RegistryCredentials>>;
}

export interface PullOptions extends RegistryOptions {
  /** Where blobs are kept, as `<blobDir>/sha256/<hex>` (an OCI layout's `blobs` directory). */
  readonly blobDir: string;
}

export interface PulledImage {
  /** The digest of the platform's image manifest (not of the index that led to it). */
  readonly manifestDigest: string;
  readonly config: {
    env: string[];
    workdir: string;
    user: string;
    entrypoint: string[] | null;
    cmd: string[] | null;
  };
  /** Lowest layer first; `file` is the blob under `blobDir`. */
  readonly layers: readonly { digest: string; mediaType: string; file: string }[];
}

/** Where an image lives. */
export interface ImageLocation {
  /** The registry as written in the reference: `docker.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** The API base, e.g. `https://registry-1.docker.io`. */
  readonly endpoint: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}


const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const MANIFEST_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const MANIFEST_ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(", ");
/** Manifests are small; containerd refuses ones over 4 MiB, and so do we. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const PARALLEL_BLOBS = 4;
/** Hosts that are this machine: a registry there is a test or a cache, served over HTTP. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Splits a reference (normalized first, so `alpine` works too) into registry, repository, tag and digest. */
export function parseImageReference(ref: string): ImageLocation {
  const normalized = normalizeImageRef(ref);
  const at = normalized.indexOf("@");
  const name = at === -1 ? normalized : normalized.slice(0, at);
  const digest = at === -1 ? undefined : normalized.slice(at + 1);
  const slash = name.indexOf("/");
  const registry = name.slice(0, slash);
  const colon = name.indexOf(":", name.lastIndexOf("/"));
  const repository = colon === -1 ? name.slice(slash + 1) : name.slice(slash + 1, colon);
  const tag = colon === -1 ? undefined : name.slice(colon + 1);
  // Docker Hub's API is not served at the name it is referred to by.
  const apiHost = registry === "docker.io" || registry === "index.docker.io" ? "registry-1.docker.io" : registry;
  const hostname = registry.replace(/:\d+$/, "");
  const plainHttp = LOOPBACK_HOSTS.has(hostname);
  return { registry, endpoint: `${plainHttp ? "http" : "https"}://${apiHost}`, repository, tag, digest };
}


interface ManifestDocument {
  readonly mediaType?: string;
  readonly schemaVersion?: number;
  readonly manifests?: readonly Descriptor[];
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
}

/**
 * Fetches the image for `platform` — its manifest, config and layers — into
 * `options.blobDir`. Blobs already there are not fetched again.
 */
export async function pullImage(ref: string, platform: Platform, options: PullOptions): Promise<PulledImage> {
  return withContext(`pulling ${ref}`, options.signal, async () => {
    const client = new RegistryClient(parseImageReference(ref), options);
    const wanted = normalizePlatform(platform);
    const top = await client.getManifest(client.location.digest ?? client.location.tag ?? "latest");
    let manifest = top;
    if (INDEX_TYPES.has(top.mediaType)) {
      const chosen = selectPlatformManifest(top.document.manifests ?? [], wanted);
      manifest = await client.getManifest(chosen.digest);
    }
    if (!MANIFEST_TYPES.has(manifest.mediaType)) throw new RegistryError(`unsupported manifest type ${manifest.mediaType}`);
    const { config, layers } = manifest.document;
    if (config === undefined || layers === undefined) throw new RegistryError(`manifest ${manifest.digest} has no config or no layers`);

    const blobs = new BlobStore(options.blobDir);
    const configFile = await blobs.fetch(client, config);
    const imageConfig = parseJson(await readFile(configFile), `config ${config.digest}`) as ImageConfigDocument;
    if (manifest === top) checkSinglePlatform(imageConfig, wanted);
    const limit = pLimit(PARALLEL_BLOBS);
    const files = await Promise.all(layers.map((layer) => limit(() => blobs.fetch(client, layer))));
    return {
      manifestDigest: manifest.digest,
      config: runConfig(imageConfig),
      layers: layers.map((layer, index) => ({ digest: layer.digest, mediaType: layer.mediaType, file: files[index] as string })),
    };
  });
}

/**
 * Pushes the images of an OCI image layout to `ref`: all blobs, then each
 * manifest by digest, then the layout's image under the tag. That image is
 * the one index or manifest `index.json` lists, an index of all of them
 * when it lists several, or — when that would be an index of one single
 * platform manifest — the manifest itself.
 */
export async function pushImage(ref: string, layout: { dir: string }, options: RegistryOptions = {}): Promise<{ digest: string }> {
  return withContext(`pushing ${ref}`, options.signal, async () => {
    const client = new RegistryClient(parseImageReference(ref), options);
    const top = await layoutTop(layout.dir);
    const { tag, digest } = client.location;
    if (digest !== undefined && digest !== top.descriptor.digest) {
      throw new RegistryError(`the layout's image is ${top.descriptor.digest}, not ${digest}`);
    }
    const limit = pLimit(PARALLEL_BLOBS);
    // One upload per blob, however many manifests share it; a manifest waits for all of its blobs.
    const uploads = new Map<string, Promise<void>>();
    const upload = (blob: Descriptor): Promise<void> => {
      let uploading = uploads.get(blob.digest);
      if (uploading === undefined) {
        uploading = limit(() => client.pushBlob(blob, layoutBlobPath(layout.dir, blob.digest)));
        uploads.set(blob.digest, uploading);
      }
      return uploading;
    };

    const pushTree = async (descriptor: Descriptor, content: Buffer): Promise<void> => {
      const document = parseJson(content, `manifest ${descriptor.digest}`) as ManifestDocument;
      if (INDEX_TYPES.has(descriptor.mediaType)) {
        for (const child of document.manifests ?? []) await pushTree(child, await readLayoutBlob(layout.dir, child.digest));
      } else {
        const blobs = [document.config, ...(document.layers ?? [])].filter((blob) => blob !== undefined);
        await Promise.all(blobs.map(upload));
      }
      if (descriptor !== top.descriptor) await client.putManifest(descriptor.digest, descriptor.mediaType, content);
    };
    await pushTree(top.descriptor, top.content);
    await client.putManifest(digest ?? tag ?? "latest", top.descriptor.mediaType, top.content);
    return { digest: top.descriptor.digest };
  });
}

/**
 * Runs a registry operation, phrasing every failure as `<what>: <reason>`.
 * An abort is passed on as it is: it is not the registry's failure.
 */
async function withContext<T>(what: string, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (signal?.aborted === true) throw error;
    if (error instanceof RegistryError) throw new RegistryError(`${what}: ${error.message}`, error.status, error.codes, { cause: error });
    throw new RegistryError(`${what}: ${error instanceof Error ? error.message : String(error)}`, undefined, [], { cause: error });
  }
}

// ---------------------------------------------------------------------------
// Platform selection

/**
 * The index entry to pull for `wanted`, by containerd's strict matching:
 * same OS and architecture, a variant the platform can run (arm/v7 runs an
 * arm/v6 image, not the reverse; arm64 without variant is arm64/v8), the
 * exact variant first, otherwise the most capable one. Entries that are not
 * images (attestations, `unknown/unknown`) are never chosen.
 */
export function selectPlatformManifest(manifests: readonly Descriptor[], wanted: Platform): Descriptor {
  const images = manifests.flatMap((descriptor) => {
    const platform = descriptorPlatform(descriptor);
    return platform === undefined || !MANIFEST_TYPES.has(descriptor.mediaType) ? [] : [{ descriptor, platform }];
  });
  const candidates = images.filter(
    ({ platform }) => platform.os === wanted.os && platform.architecture === wanted.architecture && canRun(wanted, platform),
  );
  // The one that can run all the others is the newest variant: the exact
  // one when it is there, since every candidate is one `wanted` can run.
  const best =
    candidates.find((candidate) => candidates.every((other) => canRun(candidate.platform, other.platform))) ??
    candidates[0];
  if (best !== undefined) return best.descriptor;
  const available = [...new Set(images.map(({ platform }) => formatPlatform(platform)))].sort();
  throw new RegistryError(
    `no manifest for ${formatPlatform(wanted)} (available: ${available.length > 0 ? available.join(", ") : "none"})`,
  );
}

function descriptorPlatform(descriptor: Descriptor): Platform | undefined {
  const { os, architecture, variant } = descriptor.platform ?? {};
  if (os === undefined || architecture === undefined || os === "unknown") return undefined;
  try {
    return normalizePlatform({ os, architecture, variant, osVersion: descriptor.platform?.["os.version"] });
  } catch {
    // A platform we cannot read is one we cannot want.
    return undefined;
  }
}

interface ImageConfigDocument {
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly config?: {
    readonly Env?: string[] | null;
    readonly WorkingDir?: string;
    readonly User?: string;
    readonly Entrypoint?: string[] | null;
    readonly Cmd?: string[] | null;
  };
}

/** A tag naming a single-platform image: it must be for the platform asked for, as containerd checks. */
function checkSinglePlatform(config: ImageConfigDocument, wanted: Platform): void {
  if (config.os === undefined || config.architecture === undefined) return;
  const platform = normalizePlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
  if (platform.os === wanted.os && platform.architecture === wanted.architecture && canRun(wanted, platform)) return;
  throw new RegistryError(`no manifest for ${formatPlatform(wanted)} (available: ${formatPlatform(platform)})`);
}

function runConfig(document: ImageConfigDocument): PulledImage["config"] {
  const config = document.config ?? {};
  return {
    env: config.Env ?? [],
    workdir: config.WorkingDir ?? "",
    user: config.User ?? "",
    entrypoint: config.Entrypoint ?? null,
    cmd: config.Cmd ?? null,
  };
}

// ---------------------------------------------------------------------------
// Blobs on disk

class BlobStore {
  constructor(private readonly dir: string) {}

  /** The blob's file, downloaded and verified unless it is already here. */
  async fetch(client: RegistryClient, descriptor: Descriptor): Promise<string> {
    const hex = digestHex(descriptor.digest);
    const dir = join(this.dir, "sha256");
    const file = join(dir, hex);
    // Only verified blobs are ever renamed into place, so presence is proof.
    if ((await lstatOrNull(file)) !== null) return file;
    await mkdir(dir, { recursive: true });
    const temporary = join(dir, `.${hex}.${randomUUID()}.partial`);
    try {
      const response = await client.getBlob(descriptor.digest);
      if (response.body === null) throw new RegistryError(`blob ${descriptor.digest}: empty response`);
      const hash = createHash("sha256");
      let size = 0;
      await pipeline(
        response.body,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            // Stop a registry that sends more than it promised, rather than fill the disk.
            if (size > descriptor.size) break;
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: "wx" }),
      );
      const actual = `sha256:${hash.digest("hex")}`;
      if (size !== descriptor.size || actual !== descriptor.digest) {
        const got = size > descriptor.size ? `more than ${descriptor.size} bytes` : `${size} bytes with digest ${actual}`;
        throw new RegistryError(`blob ${descriptor.digest} is corrupt: expected ${descriptor.size} bytes, got ${got}`);
      }
      await rename(temporary, file);
      return file;
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

function readLayoutBlob(dir: string, digest: string): Promise<Buffer> {
  return readFile(layoutBlobPath(dir, digest));
}

/** The image a layout holds, as described on `pushImage`. */
async function layoutTop(dir: string): Promise<{ descriptor: Descriptor; content: Buffer }> {
  const index = parseJson(await readFile(join(dir, "index.json")), `${dir}/index.json`) as ManifestDocument;
  const manifests = index.manifests ?? [];
  if (manifests.length === 0) throw new RegistryError(`the OCI layout ${dir} holds no image`);
  let top: { descriptor: Descriptor; content: Buffer };
  if (manifests.length === 1) {
    const descriptor = manifests[0] as Descriptor;
    top = { descriptor, content: await readLayoutBlob(dir, descriptor.digest) };
  } else {
    const content = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
    top = { descriptor: { mediaType: MEDIA_TYPES.ociIndex, digest: sha256(content), size: content.length }, content };
  }
  if (INDEX_TYPES.has(top.descriptor.mediaType)) {
    const children = (parseJson(top.content, `index ${top.descriptor.digest}`) as ManifestDocument).manifests ?? [];
    const only = children[0];
    if (children.length === 1 && only !== undefined && MANIFEST_TYPES.has(only.mediaType)) {
      top = { descriptor: only, content: await readLayoutBlob(dir, only.digest) };
    }
  }
  return top;
}


function parseJson(content: Buffer, what: string): unknown {
  try {
    return JSON.parse(content.toString("utf8"));
  } catch (error) {
    throw new RegistryError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------
// HTTP and authentication

interface FetchedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly document: ManifestDocument;
}

/** A parsed `WWW-Authenticate` challenge; parameter names in lower case. */
export interface Challenge {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

/** One repository on one registry, with the authorization it has earned so far. */
class RegistryClient {
  /**
   * Authorization header values by token scope, reused for the client's
   * life. Promises, so that requests sent in parallel share one token
   * request instead of each fetching its own.
   */
  private readonly authorizations = new Map<string, Promise<string>>();

  constructor(
    readonly location: ImageLocation,
    private readonly options: RegistryOptions,
  ) {}

  async getManifest(reference: string): Promise<FetchedManifest> {
    const response = await this.request("GET", `manifests/${reference}`, "pull", { headers: { accept: MANIFEST_ACCEPT } });
    await expectStatus(response, [200], `fetching manifest ${reference}`);
    const content = Buffer.from(await response.arrayBuffer());
    if (content.length > MAX_MANIFEST_BYTES) throw new RegistryError(`manifest ${reference} is larger than 4 MiB`);
    const digest = sha256(content);
    const byDigest = reference.includes(":");
    if (byDigest) digestHex(reference);
    if (byDigest && reference !== digest) {
      throw new RegistryError(`manifest ${reference} is corrupt: its content has digest ${digest}`);
    }
    const document = parseJson(content, `manifest ${reference}`) as ManifestDocument;
    if (document.schemaVersion === 1) throw new RegistryError(`manifest ${reference} uses Docker schema 1, which is not supported`);
    // The document's own mediaType wins: some registries answer with a generic Content-Type.
    const mediaType = document.mediaType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    return { digest, mediaType, document };
  }

  async getBlob(digest: string): Promise<Response> {
    const response = await this.request("GET", `blobs/${digest}`, "pull");
    await expectStatus(response, [200], `fetching blob ${digest}`);
    return response;
  }

  async pushBlob(descriptor: Descriptor, file: string): Promise<void> {
    const head = await this.request("HEAD", `blobs/${descriptor.digest}`, "push");
    if (head.status === 200) return;
    const started = await this.request("POST", "blobs/uploads/", "push");
    await expectStatus(started, [202], `starting the upload of ${descriptor.digest}`);
    const location = started.headers.get("location");
    if (location === null) throw new RegistryError(`starting the upload of ${descriptor.digest}: no Location header in the response`);
    // The Location may be relative; the digest query joins any the registry put there (upload state).
    const url = new URL(location, started.url || this.url("blobs/uploads/"));
    url.searchParams.set("digest", descriptor.digest);
    const blob = await openAsBlob(file);
    const finished = await this.request("PUT", url, "push", {
      headers: { "content-type": "application/octet-stream" },
      body: () => blob,
    });
    await expectStatus(finished, [201, 204], `uploading ${descriptor.digest}`);
  }

  async putManifest(reference: string, mediaType: string, content: Buffer): Promise<void> {
    const response = await this.request("PUT", `manifests/${reference}`, "push", {
      headers: { "content-type": mediaType },
      body: () => content,
    });
    await expectStatus(response, [201, 202, 204], `pushing manifest ${reference}`);
  }

  private url(path: string): URL {
    return new URL(`${this.location.endpoint}/v2/${this.location.repository}/${path}`);
  }

  /**
   * Sends a request, anonymously or with what an earlier challenge earned;
   * on 401 answers the challenge (Bearer token or Basic) and sends it again.
   * `body` is a function because a retried request needs a fresh body.
   */
  private async request(
    method: string,
    target: string | URL,
    action: "pull" | "push",
    init: { headers?: Record<string, string>; body?: () => Buffer | Blob } = {},
  ): Promise<Response> {
    const url = typeof target === "string" ? this.url(target) : target;
    const scope = `repository:${this.location.repository}:${action === "push" ? "pull,push" : "pull"}`;
    const send = (authorization: string | undefined): Promise<Response> =>
      this.fetch(url, {
        method,
        headers: { ...init.headers, ...(authorization === undefined ? {} : { authorization }) },
        body: init.body?.(),
      });
    const sentWith = await this.authorizations.get(scope)?.catch(() => undefined);
    const response = await send(sentWith);
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get("www-authenticate"));
    await response.body?.cancel();
    if (challenge === undefined) throw new RegistryError(`${method} ${url.pathname}: HTTP 401 without an authentication challenge`, 401);
    return send(await this.reauthorize(scope, challenge, sentWith));
  }

  /**
   * The authorization to retry with after `rejected` earned a 401: one a
   * parallel request obtained meanwhile, or a new answer to the challenge.
   */
  private async reauthorize(scope: string, challenge: Challenge, rejected: string | undefined): Promise<string> {
    const current = this.authorizations.get(scope);
    if (current !== undefined) {
      const value = await current.catch(() => undefined);
      const latest = this.authorizations.get(scope);
      if (latest !== undefined && latest !== current) return latest;
      if (value !== undefined && value !== rejected) return value;
    }
    const fresh = this.answer(challenge, scope);
    this.authorizations.set(scope, fresh);
    return fresh;
  }

  private async answer(challenge: Challenge, scope: string): Promise<string> {
    const credentials = this.credentials();
    if (challenge.scheme === "basic") {
      if (credentials === undefined) throw new RegistryError(`${this.location.registry} requires a login, and no credentials were given`, 401);
      return basicAuthorization(credentials);
    }
    if (challenge.scheme !== "bearer") throw new RegistryError(`unsupported authentication scheme ${challenge.scheme}`, 401);
    const realm = challenge.params.get("realm");
    if (realm === undefined) throw new RegistryError(`the Bearer challenge of ${this.location.registry} names no realm`, 401);
    const tokenUrl = new URL(realm);
    const service = challenge.params.get("service");
    if (service !== undefined) tokenUrl.searchParams.set("service", service);
    tokenUrl.searchParams.append("scope", scope);
    const asked = challenge.params.get("scope");
    // The registry may name a scope of its own (another repository, a different order of actions).
    if (asked !== undefined && !scopeCovers(scope, asked)) tokenUrl.searchParams.append("scope", asked);
    const response = await this.fetch(tokenUrl, {
      headers: credentials === undefined ? {} : { authorization: basicAuthorization(credentials) },
    });
    await expectStatus(response, [200], `getting a token from ${tokenUrl.origin}${tokenUrl.pathname}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined || token === "") throw new RegistryError(`the token service ${tokenUrl.host} returned no token`);
    return `Bearer ${token}`;
  }

  private credentials(): RegistryCredentials | undefined {
    const all = this.options.credentials ?? {};
    return all[this.location.registry] ?? all[new URL(this.location.endpoint).host];
  }

  /** fetch, with network failures named after the host that could not be reached. */
  private async fetch(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: this.options.signal ?? null });
    } catch (error) {
      if (this.options.signal?.aborted === true) throw error;
      throw new RegistryError(`cannot reach ${url.host} (${url.protocol.slice(0, -1)}): ${fetchFailure(error)}`, undefined, [], { cause: error });
    }
  }
}

/** Why fetch failed: it says only "fetch failed", and the reason (refused, unknown host, TLS) is its cause. */
export function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
}

/** Whether scope `ours` (`repository:name:actions`) grants everything `theirs` asks for. */
function scopeCovers(ours: string, theirs: string): boolean {
  const split = (scope: string): [string, string[]] => {
    const colon = scope.lastIndexOf(":");
    return [scope.slice(0, colon), scope.slice(colon + 1).split(",")];
  };
  const [ourResource, ourActions] = split(ours);
  const [theirResource, theirActions] = split(theirs);
  return ourResource === theirResource && theirActions.every((action) => ourActions.includes(action));
}

function basicAuthorization({ username, password }: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** `Bearer realm="…",service="…",scope="…"` (RFC 7235; quoted values may hold commas). */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header === null ? null : /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (match === null) return undefined;
  const params = new Map<string, string>();
  for (const param of (match[2] ?? "").matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const [, key = "", quoted, plain] = param;
    params.set(key.toLowerCase(), quoted === undefined ? (plain ?? "") : quoted.replace(/\\(.)/g, "$1"));
  }
  return { scheme: (match[1] ?? "").toLowerCase(), params };
}

/** Throws a RegistryError naming the status and the registry's error codes unless the status is expected. */
async function expectStatus(response: Response, expected: readonly number[], what: string): Promise<void> {
  if (expected.includes(response.status)) return;
  const text = await response.text().catch(() => "");
  const errors = registryErrors(text);
  const codes = errors.map((error) => error.code);
  const details = errors.map((error) => (error.message ? `${error.code}: ${error.message}` : error.code)).join("; ");
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  throw new RegistryError(`${what}: ${status}${details ? ` (${details})` : ""}`, response.status, codes);
}

/** The distribution spec's error body: `{"errors": [{"code", "message", "detail"}]}`. */
function registryErrors(text: string): { code: string; message: string | undefined }[] {
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    return (body.errors ?? []).flatMap((error) =>
      typeof error.code === "string"
        ? [{ code: error.code, message: typeof error.message === "string" ? error.message : undefined }]
        : [],
    );
  } catch {
    return [];
  }
}
