/** @module The system tools the tests drive for real, the Debian packages that provide them, and their
 * installation: with apt-get as root they are installed; otherwise the exact install command is returned. */

export interface SystemTool {
  /** What the tests run (a name looked up on PATH, or an absolute path). */
  tool: string;
  /** The Debian package that provides it. */
  pkg: string;
  /** Which tests need it, for the message. */
  why: string;
}

export const SYSTEM_TOOLS: SystemTool[] = [
  { tool: "promtool", pkg: "prometheus", why: "/metrics exposition and alert rules" },
  { tool: "pdftotext", pkg: "poppler-utils", why: "dashboard PDF export" },
  { tool: "pdftoppm", pkg: "poppler-utils", why: "dashboard PDF export" },
  { tool: "/usr/bin/chromium", pkg: "chromium", why: "browser e2e (console, dashboard)" },
  { tool: "nginx", pkg: "nginx", why: "reverse-proxy config and the cluster test" },
  { tool: "shellcheck", pkg: "shellcheck", why: "deploy scripts" },
  { tool: "kubectl", pkg: "kubernetes-client", why: "Kubernetes manifests (kustomize)" },
  { tool: "redis-server", pkg: "redis-server", why: "cache, rooms and memory drivers against real Redis" },
  { tool: "psql", pkg: "postgresql-client-15", why: "throwaway PostgreSQL clusters (tests/services.ts)" },
  {
    tool: "/usr/lib/postgresql/15/bin/initdb",
    pkg: "postgresql-15",
    why: "throwaway PostgreSQL clusters (tests/services.ts)",
  },
];

// nginx lives in /usr/sbin, which is not on every user's PATH.
const EXTRA_DIRS = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

async function isExecutable(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The absolute path of `tool` (PATH lookup for bare names), or undefined. */
export async function findTool(tool: string, path = Deno.env.get("PATH") ?? ""): Promise<string | undefined> {
  if (tool.startsWith("/")) return await isExecutable(tool) ? tool : undefined;
  for (const dir of [...path.split(":").filter(Boolean), ...EXTRA_DIRS]) {
    if (await isExecutable(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  return undefined;
}

export async function missingTools(tools = SYSTEM_TOOLS): Promise<SystemTool[]> {
  const found = await Promise.all(tools.map((t) => findTool(t.tool)));
  return tools.filter((_, i) => !found[i]);
}

/** The Debian packages for `missing`, each once, in a stable order. */
export function packagesFor(missing: SystemTool[]): string[] {
  return [...new Set(missing.map((t) => t.pkg))];
}

/** The command a person runs to install `pkgs` (with sudo unless already root). */
export function installCommand(pkgs: string[], root = Deno.uid() === 0): string {
  const sudo = root ? "" : "sudo ";
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${pkgs.join(" ")}`;
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  const out = await new Deno.Command(cmd, {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "null",
    stderr: "inherit",
  }).output();
  return out.success;
}

/** apt-get waits up to 10 minutes for a dpkg lock held by another installation; a failed run is retried. */
async function aptInstall(pkgs: string[], log: (line: string) => void): Promise<void> {
  const lock = ["-o", "DPkg::Lock::Timeout=600"];
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (
      await run("apt-get", [...lock, "update", "-qq"]) &&
      await run("apt-get", [...lock, "install", "-y", "-qq", ...pkgs])
    ) return;
    log(`apt-get failed (attempt ${attempt} of 3)`);
    if (attempt < 3) await new Promise((r) => setTimeout(r, 10_000));
  }
}

export type ProvisionResult =
  | { ok: true; installed: string[] }
  | { ok: false; missing: SystemTool[]; command: string };

/** Installs the missing tools' packages when it can (root and apt-get); never skips silently. */
export async function provision(log: (line: string) => void): Promise<ProvisionResult> {
  const missing = await missingTools();
  if (missing.length === 0) return { ok: true, installed: [] };
  const pkgs = packagesFor(missing);
  const canInstall = Deno.uid() === 0 && await findTool("apt-get") !== undefined;
  if (canInstall) {
    log(`installing ${pkgs.join(" ")} (apt-get) for: ${missing.map((t) => t.tool).join(", ")}`);
    await aptInstall(pkgs, log);
    const still = await missingTools(missing);
    if (still.length === 0) return { ok: true, installed: pkgs };
    return { ok: false, missing: still, command: installCommand(packagesFor(still)) };
  }
  return { ok: false, missing, command: installCommand(pkgs) };
}
