/**
 * @module Makes the RDKit PostgreSQL cartridge usable on Debian's PostgreSQL 15 (idempotent).
 *
 * Debian's `postgresql-15-rdkit` (cartridge 4.2.0) ships an extension script that current PostgreSQL 15
 * minors reject ("commutator operator = is already the commutator of operator ="): its two `CREATE OPERATOR @=`
 * blocks declare `COMMUTATOR = '='` and `NEGATOR = '<>'`, which belong to the `=` operator. `@=` is its own
 * commutator and needs no negator, so each block gets `COMMUTATOR = '@='` and loses the NEGATOR line.
 *
 * Run: `deno task data:postgres:setup` (root to install the package and write the file; otherwise it only reports).
 */

export const EXTENSION_DIR = "/usr/share/postgresql/15/extension";
export const PACKAGE = "postgresql-15-rdkit";

/** The blocks that need the fix: `CREATE OPERATOR @= ( … );`. */
const AT_EQ_BLOCK = /CREATE OPERATOR @= \(([^;]*?)\);/g;

export interface PatchResult {
  text: string;
  /** Blocks changed now (0 when the script was already patched). */
  changed: number;
  /** `CREATE OPERATOR @=` blocks seen. */
  blocks: number;
}

/** Rewrites every `@=` operator block to `COMMUTATOR = '@='` without NEGATOR; already-fixed blocks stay as they are. */
export function patchExtensionSql(sql: string): PatchResult {
  let changed = 0;
  let blocks = 0;
  const text = sql.replace(AT_EQ_BLOCK, (block, body: string) => {
    blocks++;
    const fixed = body
      .replace(/COMMUTATOR\s*=\s*'='/, "COMMUTATOR = '@='")
      .replace(/\n[ \t]*NEGATOR\s*=\s*'<>'\s*,[ \t]*(?=\n)/, "");
    if (fixed === body) return block;
    changed++;
    return `CREATE OPERATOR @= (${fixed});`;
  });
  return { text, changed, blocks };
}

/** The installed extension scripts (`rdkit--<version>.sql`). */
export async function extensionScripts(dir = EXTENSION_DIR): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (/^rdkit--[\d.]+\.sql$/.test(e.name)) out.push(`${dir}/${e.name}`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

/** Patches one script file in place; says what it did. */
export async function patchFile(path: string, log: (line: string) => void): Promise<PatchResult> {
  const result = patchExtensionSql(await Deno.readTextFile(path));
  if (result.blocks === 0) log(`${path}: no CREATE OPERATOR @= block (nothing to patch)`);
  else if (result.changed === 0) log(`${path}: already patched (${result.blocks} @= operator blocks are fine)`);
  else {
    await Deno.writeTextFile(path, result.text);
    log(`${path}: patched ${result.changed} of ${result.blocks} @= operator blocks (COMMUTATOR '@=', no NEGATOR)`);
  }
  return result;
}

async function aptInstall(log: (line: string) => void): Promise<boolean> {
  log(`installing ${PACKAGE} (apt-get)`);
  const run = (args: string[]) =>
    new Deno.Command("apt-get", {
      args: ["-o", "DPkg::Lock::Timeout=600", ...args],
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).output().then((o) => o.success, () => false);
  return await run(["update", "-qq"]) && await run(["install", "-y", "-qq", PACKAGE]);
}

/** Installs the package when missing (root only) and patches its scripts; true when the cartridge is usable. */
export async function ensureCartridge(
  log: (line: string) => void,
  dir = EXTENSION_DIR,
): Promise<boolean> {
  let scripts = await extensionScripts(dir);
  const root = Deno.uid() === 0;
  if (scripts.length === 0) {
    if (!root) {
      log(`${PACKAGE} is not installed: sudo apt-get install -y ${PACKAGE}, then run this again as root`);
      return false;
    }
    if (!await aptInstall(log)) return false;
    scripts = await extensionScripts(dir);
    if (scripts.length === 0) return false;
  }
  for (const path of scripts) {
    if (!root && patchExtensionSql(await Deno.readTextFile(path)).changed > 0) {
      log(`${path} needs the @= operator fix; run as root: deno task data:postgres:setup`);
      return false;
    }
    await patchFile(path, log);
  }
  return true;
}

if (import.meta.main) {
  const ok = await ensureCartridge((line) => console.log(line), Deno.args[0] ?? EXTENSION_DIR);
  Deno.exit(ok ? 0 : 1);
}
