/**
 * Debian's docker-registry (distribution 2.8) on a free port on 127.0.0.1,
 * for the tests that push and pull for real.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, command))) return join(dir, command);
  }
  return existsSync(`/usr/bin/${command}`) ? `/usr/bin/${command}` : undefined;
}

export const dockerRegistry = findOnPath("docker-registry");
if (dockerRegistry === undefined && process.env["CI"] !== undefined) {
  throw new Error("docker-registry is not installed, and CI must run the registry tests (apt-get install docker-registry)");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  stop(): void;
}

/** Starts a registry storing its data under `dir`, and waits until it answers. */
export async function startRegistry(dir: string): Promise<RunningRegistry> {
  if (dockerRegistry === undefined) throw new Error("docker-registry is not installed");
  mkdirSync(dir, { recursive: true });
  const address = `127.0.0.1:${await freePort()}`;
  const config = join(dir, "config.yml");
  writeFileSync(config, ["version: 0.1", "log:", "  level: error", "storage:", "  filesystem:", `    rootdirectory: ${join(dir, "data")}`, "http:", `  addr: ${address}`, ""].join("\n"));
  const child = spawn(dockerRegistry, ["serve", config], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://${address}/v2/`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not answer on ${address} within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { address, stop: () => child.kill() };
}
