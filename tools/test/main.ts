/**
 * `deno task test [deno-test flags] [paths]`: the whole test suite, as README and CI run it.
 * 1. Provisions the Debian packages the tests drive (installed with apt-get as root; otherwise stops with the
 *    exact install command — never a silent skip).
 * 2. Runs every phase, even after a failing one: unit + integration in parallel, then the browser e2e, the
 *    cluster test and the fuzz tests one file at a time (timing-sensitive, load-heavy).
 * 3. Ends with one line `N passed, N failed, N skipped` summed over the phases (CI reads it).
 * With paths, runs just those (one phase); flags (e.g. --coverage=dir, --filter x) go to every phase.
 */
import { provision } from "./system_packages.ts";
import { ensureCartridge } from "../../data/postgres/cartridge.ts";
import { type Counts, finalLine, ignoredTest, parseSummary } from "./summary.ts";

const root = new URL("../../", import.meta.url).pathname;
const log = (line: string) => console.log(`test: ${line}`);
// Tests resolve through the dev/test config: runtime imports plus test-only packages, its own lockfile.
const base = ["test", "--allow-all", "--config", "tests/deno.json"];
// Timing-sensitive (browser) and load-heavy (cluster, fuzz, Redis failover with its 6-9 redis processes) files
// run after the rest, one at a time.
const serial = [
  "tests/e2e",
  "tests/integration/cluster_nginx_test.ts",
  "tests/integration/redis_failover_test.ts",
  "tests/integration/redis_topologies_test.ts",
  "tests/fuzz",
];
const phaseTimeoutMs = Number(Deno.env.get("TEST_PHASE_TIMEOUT_S") ?? 1800) * 1000;

interface Phase {
  name: string;
  args: string[];
}

const flags = Deno.args.filter((a) => a.startsWith("-"));
const paths = Deno.args.filter((a) => !a.startsWith("-"));
const phases: Phase[] = paths.length > 0 ? [{ name: paths.join(" "), args: [...flags, ...paths] }] : [
  {
    name: "unit + integration, in parallel",
    args: ["--parallel", `--ignore=${serial.join(",")}`, ...flags, "tests/"],
  },
  { name: "browser e2e, the cluster tests and fuzzing, one file at a time", args: [...flags, ...serial] },
];

/** Runs one `deno test` phase, streaming its output, and returns its counts (a crash counts as a failure). */
async function runPhase(phase: Phase, skipped: string[]): Promise<Counts> {
  log(`phase: ${phase.name}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...base, ...phase.args],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const timer = setTimeout(() => {
    log(`phase "${phase.name}" still running after ${phaseTimeoutMs / 1000} s: killed`);
    child.kill("SIGKILL");
  }, phaseTimeoutMs);
  let counts: Counts | undefined;
  let pending = "";
  const decoder = new TextDecoder();
  const scan = (line: string) => {
    counts = parseSummary(line) ?? counts;
    const ignored = ignoredTest(line);
    if (ignored) skipped.push(ignored);
  };
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
    pending = lines.pop() ?? "";
    lines.forEach(scan);
  }
  scan(pending);
  const status = await child.status;
  clearTimeout(timer);
  if (!counts) {
    log(`phase "${phase.name}" ended (exit ${status.code}) without a test summary: counted as 1 failure`);
    return { passed: 0, failed: 1, ignored: 0 };
  }
  if (!status.success && counts.failed === 0) {
    log(`phase "${phase.name}" exited ${status.code} after its summary: counted as 1 failure`);
    return { ...counts, failed: 1 };
  }
  return counts;
}

const ready = await provision(log);
if (!ready.ok) {
  log(`missing system tools: ${ready.missing.map((t) => `${t.tool} (${t.pkg}: ${t.why})`).join("; ")}`);
  log(`install them, then run the tests again:\n\n  ${ready.command}\n`);
  console.log(finalLine({ passed: 0, failed: 1, ignored: 0 }));
  Deno.exit(1);
}
if (ready.installed.length > 0) log(`installed ${ready.installed.join(" ")}`);
// The RDKit PostgreSQL cartridge (postgres data source tests): installed and its extension script fixed.
if (!await ensureCartridge(log)) {
  log("the RDKit PostgreSQL cartridge is not usable (see above)");
  console.log(finalLine({ passed: 0, failed: 1, ignored: 0 }));
  Deno.exit(1);
}

const total: Counts = { passed: 0, failed: 0, ignored: 0 };
const skipped: string[] = [];
for (const phase of phases) {
  const c = await runPhase(phase, skipped);
  total.passed += c.passed;
  total.failed += c.failed;
  total.ignored += c.ignored;
}
// Tests that need credentials for outside services (live LLM providers) are reported, never hidden.
if (skipped.length > 0) log(`skipped: ${skipped.join("; ")}`);
console.log(finalLine(total));
Deno.exit(total.failed === 0 ? 0 : 1);
