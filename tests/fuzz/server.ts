/** @module The server under fuzz: `main.ts` as its own process (as `deno task start` runs it), so a crash or a
 * blocked event loop is seen and recovered from (restart), never hidden; its peak RSS; and the normal chemistry
 * call that must still work after every batch. */
const root = new URL("../../", import.meta.url).pathname;
const START_PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "--allow-write=.chemagent",
  "--allow-sys",
];

export class FuzzServer {
  url = "";
  pid = 0;
  maxRssKb = 0;
  #child?: Deno.ChildProcess;
  #log: string[] = [];
  #exited = false;

  constructor(readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (probe.addr as Deno.NetAddr).port;
      probe.close();
      this.#exited = false;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...START_PERMISSIONS, "main.ts"],
        cwd: root,
        env: {
          CHEMAGENT_PORT: String(port),
          CHEMAGENT_HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          CACHE_WARM: "false",
          METRICS_DB_PATH: ":memory:",
          MEMORY_SQLITE_PATH: ":memory:",
          ...this.env,
        },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      this.#child = child;
      this.#log = [];
      this.pid = child.pid;
      this.url = `http://127.0.0.1:${port}`;
      child.status.then(() => (this.#exited = true));
      this.#drain(child.stdout);
      this.#drain(child.stderr);
      const deadline = Date.now() + 60_000;
      while (!this.#exited && Date.now() < deadline) {
        const ready: { indices_ready?: boolean } = await fetch(`${this.url}/ready`, {
          signal: AbortSignal.timeout(2000),
        }).then((r) => r.ok ? r.json() : (r.body?.cancel(), {})).catch(() => ({}));
        if (ready.indices_ready) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      await this.stop();
    }
    throw new Error(`fuzz server did not start:\n${this.logTail()}`);
  }

  /** Keeps the last lines of the server's output for failure reports. */
  async #drain(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.#log.push(...decoder.decode(chunk).split("\n").filter(Boolean));
      if (this.#log.length > 200) this.#log.splice(0, this.#log.length - 100);
    }
  }

  /** The server's last error lines (or last lines, when none is an error), shortened. */
  logTail(lines = 3): string {
    const errors = this.#log.filter((l) => !l.startsWith("{") || l.includes('"level":"error"'));
    return (errors.length ? errors : this.#log).slice(-lines).map((l) => l.slice(0, 300)).join("\n");
  }

  get exited(): boolean {
    return this.#exited;
  }

  async sampleRss(): Promise<number> {
    try {
      const status = await Deno.readTextFile(`/proc/${this.pid}/status`);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.maxRssKb = Math.max(this.maxRssKb, kb);
      return kb;
    } catch {
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.status;
    this.#child = undefined;
  }

  /** Liveness: /health answers within 2 s (a blocked event loop or a dead process does not). */
  async alive(): Promise<boolean> {
    if (this.#exited) return false;
    return await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.body?.cancel(), r.ok), () => false);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  #checks = 0;

  /** A normal chemistry call: aspirin's molecular weight is 180.16 (RDKit), within a generous deadline. A new
   * atom-map number each time (it changes no descriptor) makes the cache miss, so RDKit really runs. */
  async chemistryWorks(deadlineMs = 10_000): Promise<string | undefined> {
    try {
      const r = await fetch(`${this.url}/api/properties`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ smiles: `[CH3:${++this.#checks % 1000}]C(=O)Oc1ccccc1C(=O)O` }),
        signal: AbortSignal.timeout(deadlineMs),
      });
      const body = await r.json();
      const mw = body?.result?.properties?.molecular_weight;
      if (r.status === 200 && typeof mw === "number" && mw.toFixed(2) === "180.16") return undefined;
      return `aspirin → HTTP ${r.status}, molecular_weight ${mw}: ${JSON.stringify(body).slice(0, 200)}`;
    } catch (e) {
      return `aspirin → no answer within ${deadlineMs} ms (${(e as Error).name})`;
    }
  }
}
