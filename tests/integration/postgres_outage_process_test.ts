/** Issue 17, as operators run it: the ChEMBL PostgreSQL database goes away while questions are being answered → every answer is either
 * a normal one or the typed 503 `upstream_unavailable` envelope, the server does not crash, and it answers again
 * once the database is back, without a restart. A throwaway PostgreSQL 15 cluster (tests/services.ts, never the
 * shared instance) loaded by `deno task data:postgres`; a real server process with CHEMAGENT_DATA=postgres; real
 * HTTP clients. */
import assert from "node:assert/strict";
import { ROOT, spawnListening } from "../helpers.ts";
import { type PostgresProcess, startPostgres } from "../services.ts";

/** Questions that need the database: a lookup, similarity and substructure pushed down to the cartridge. */
const QUESTIONS = [
  "What is the molecular weight of imatinib?",
  "Find compounds similar to aspirin",
  "Find compounds containing the substructure c1ccncc1",
  "What are the targets of imatinib?",
];

interface Answer {
  status: number;
  body: {
    status?: string;
    error?: { code: string; message: string };
    provenance?: { source: string }[];
  };
  retryAfter: string | null;
}

async function loadChembl(pg: PostgresProcess): Promise<string> {
  const url = pg.urlFor("chembl");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "data:postgres"],
    cwd: ROOT,
    env: { DATABASE_URL: url },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `deno task data:postgres failed:\n${text.slice(-1500)}`);
  return url;
}

Deno.test({
  name: "the database stopped mid-load: typed 503s, no crash, answers again when it is back (no restart)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const pg = await startPostgres();
    let server: Awaited<ReturnType<typeof spawnListening>> | undefined;
    try {
      const databaseUrl = await loadChembl(pg);
      server = await spawnListening(
        ["--allow-net", "--allow-read", "--allow-env", "--allow-write=.chemagent", "--allow-sys", "main.ts"],
        {
          CHEMAGENT_PORT: "0",
          CHEMAGENT_DATA: "postgres",
          DATABASE_URL: databaseUrl,
          CACHE_WARM: "false",
          LOG_LEVEL: "info",
        },
      );
      const { url, p } = server;
      let exited = false;
      p.status.then(() => exited = true);

      const ask = async (query: string): Promise<Answer> => {
        const r = await fetch(`${url}/api/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          // Uncached: every answer has to come from the database.
          body: JSON.stringify({ query, options: { cache: false, llm: "off" } }),
        });
        return { status: r.status, body: await r.json(), retryAfter: r.headers.get("retry-after") };
      };

      // Up: every question answered from PostgreSQL.
      for (const q of QUESTIONS) {
        const a = await ask(q);
        assert.equal(a.status, 200, `${q}: ${JSON.stringify(a.body).slice(0, 300)}`);
        assert.equal(a.body.status, "success", `${q}: ${JSON.stringify(a.body).slice(0, 300)}`);
      }
      assert.equal((await fetch(`${url}/ready`)).status, 200);

      // Load: looping clients; the database is killed (immediate shutdown = crash) while they run.
      const answers: Answer[] = [];
      const failures: string[] = [];
      let stopAt = Infinity;
      let killedAt = Infinity;
      const after: Answer[] = [];
      const clients = Array.from({ length: 6 }, async (_, c) => {
        for (let i = c; performance.now() < stopAt; i++) {
          const sent = performance.now();
          try {
            const a = await ask(QUESTIONS[i % QUESTIONS.length]);
            answers.push(a);
            if (sent > killedAt) after.push(a);
          } catch (e) {
            failures.push(String(e));
          }
        }
      });
      await new Promise((r) => setTimeout(r, 1_500));
      await pg.stop("immediate");
      killedAt = performance.now();
      await new Promise((r) => setTimeout(r, 3_000));
      stopAt = performance.now();
      await Promise.all(clients);

      assert.deepEqual(failures, [], "every request got an HTTP answer (no dropped connection, no crash)");
      assert.equal(exited, false, "the server process is still running");
      const unexpected = answers.filter((a) =>
        !(a.status === 200 && ["success", "partial"].includes(a.body.status ?? "")) &&
        !(a.status === 503 && a.body.error?.code === "upstream_unavailable")
      );
      assert.deepEqual(unexpected.map((a) => [a.status, a.body.error]), [], "only answers or typed 503s");
      assert.ok(after.length > 0, "questions were sent while the database was down");
      const down = after.filter((a) => a.status === 503);
      assert.ok(down.length > 0, "the outage was noticed (negative control: not served from somewhere else)");
      for (const a of down) {
        assert.doesNotMatch(
          a.body.error!.message,
          /\n\s+at |postgres:\/\/|ECONNREFUSED/i,
          "no stack, no URL",
        );
      }
      assert.equal(
        (await fetch(`${url}/health`)).status,
        200,
        "liveness stays up: restarting would not help",
      );
      const ready = await fetch(`${url}/ready`);
      assert.equal(ready.status, 503, "readiness reports the database");
      await ready.body?.cancel();

      // Back: the same process answers again once the database is up.
      await pg.start();
      const deadline = performance.now() + 30_000;
      let back: Answer | undefined;
      while (performance.now() < deadline) {
        back = await ask(QUESTIONS[0]);
        if (back.status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(back?.status, 200, `answers again: ${JSON.stringify(back?.body).slice(0, 300)}`);
      for (const q of QUESTIONS) {
        const a = await ask(q);
        assert.equal(
          a.body.status,
          "success",
          `${q} after recovery: ${JSON.stringify(a.body).slice(0, 300)}`,
        );
      }
      assert.equal((await fetch(`${url}/ready`)).status, 200);
      assert.equal(exited, false);
    } catch (e) {
      // The server's own lines explain most failures (a crash, a start-up error).
      throw new Error(`${(e as Error).message}\nserver:\n${server?.lines.slice(-30).join("\n")}`, {
        cause: e,
      });
    } finally {
      if (server) {
        try {
          server.p.kill("SIGTERM");
        } catch { /* already exited: the assertions say so */ }
        await server.p.status;
        await server.pumped;
      }
      await pg.destroy();
    }
  },
});

Deno.test({
  name: "start-up with the ChEMBL database unreachable stops with one clear line and exit 1 (no stack trace)",
  async fn() {
    // A port nothing listens on: the catalogue cannot be read, so nothing could be answered.
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        "--allow-write=.chemagent",
        "--allow-sys",
        "main.ts",
      ],
      cwd: ROOT,
      env: {
        CHEMAGENT_PORT: "0",
        CHEMAGENT_DATA: "postgres",
        DATABASE_URL: `postgres://chemagent_ro:not-logged@127.0.0.1:${port}/chembl`,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = (new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr)).trim().split(
      "\n",
    );
    assert.equal(out.code, 1, lines.join("\n"));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^cannot start: The ChEMBL database is unavailable/);
    assert.doesNotMatch(lines[0], /\bat file:|Uncaught|not-logged/);
  },
});
