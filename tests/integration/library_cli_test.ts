/** `deno task cli import FILE --name NAME` as a user runs it: a real process, a gzip SDF, the report, then a
 * question over the library in a second process (the state directory is the hand-over). */
import assert from "node:assert/strict";
import { ROOT, runCli } from "../helpers.ts";

const MOL = (name: string, element: string, order = 1) =>
  `${name}\n  test\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n` +
  `    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n` +
  `    1.2990    0.7500    0.0000 ${element.padEnd(3)} 0  0  0  0  0  0  0  0  0  0  0  0\n` +
  `  1  2  ${order}  0\nM  END\n$$$$\n`;

Deno.test({
  name:
    "cli: import FILE --name NAME reports bad records and duplicates by number; the library is then searchable",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = `.chemagent/test-cli-${crypto.randomUUID().slice(0, 8)}`;
    const file = await Deno.makeTempFile({ suffix: ".sdf.gz" });
    const env = {
      CHEMAGENT_LIBRARY_DIR: dir,
      LOG_LEVEL: "warn",
      CACHE_WARM: "false",
      MEMORY_ENABLED: "false",
    };
    try {
      // Record 2 has an impossible valence (C=F), record 3 repeats record 1, record 4 has no connection table.
      const sdf = MOL("methanol-ish", "O") + MOL("bad", "F", 2) + MOL("again", "O") + "broken\n$$$$\n" +
        MOL("chloromethane", "Cl");
      await Deno.writeFile(
        file,
        new Uint8Array(
          await new Response(new Blob([sdf]).stream().pipeThrough(new CompressionStream("gzip")))
            .arrayBuffer(),
        ),
      );
      const usage = await runCli(["import", file], { env });
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /import FILE --name NAME/);

      const r = await runCli(["import", file, "--name", "tiny"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /2 structures from 5 records \(sdf\); 2 rejected, 1 duplicates/);
      assert.match(r.stdout, /rejected record 2 \(line 10\)/);
      assert.match(r.stdout, /rejected record 4 \(line 28\): no molfile/);
      assert.match(r.stdout, /duplicate record 3 \(line 19\) of record 1/);
      assert.match(r.stdout, /molecules\/s/);

      const list = await runCli(["libraries", "--json"], { env });
      const libs = JSON.parse(list.stdout).result.libraries;
      assert.deepEqual(libs.map((l: { name: string; size: number }) => [l.name, l.size]), [["tiny", 2]]);

      const q = await runCli(["--json", "filter tiny to MW < 40"], { env });
      const res = JSON.parse(q.stdout);
      assert.equal(res.status, "success", q.stdout.slice(0, 500));
      assert.deepEqual(res.result.filtered.compounds.map((c: { name: string }) => c.name), ["methanol-ish"]);
    } finally {
      await Deno.remove(file).catch(() => {});
      await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
    }
  },
});
