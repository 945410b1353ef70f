/** @module Small helpers shared by the benchmarks: percentiles, python RDKit runner, server process, load. */

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const fmt = (x: number, d = 2) => x.toFixed(d);

/** Runs a python snippet with Debian's python3-rdkit; null when it is not installed. */
export async function python(code: string, stdin = ""): Promise<string | null> {
  try {
    const p = new Deno.Command("/usr/bin/python3", {
      args: ["-c", code],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
    const out = await p.output();
    if (!out.success) return null;
    return new TextDecoder().decode(out.stdout);
  } catch {
    return null;
  }
}

/** Starts `deno run main.ts` on a free port and resolves once /ready answers 200. */
export async function startServerProcess(
  env: Record<string, string> = {},
  waitFor: "ready" | "indices" | "warmed" = "ready",
): Promise<{ url: string; readyMs: number; pid: number; stop(): Promise<void> }> {
  // A random port may be taken (e.g. by an ephemeral client port): if the server exits, try another.
  for (let attempt = 0;; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const t0 = performance.now();
    const args = [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      "--allow-write=.chemagent",
      "--allow-sys",
      "main.ts",
    ];
    const child = new Deno.Command(Deno.execPath(), {
      args,
      env: { CHEMAGENT_PORT: String(port), CHEMAGENT_HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    const status = child.status.then((s) => (exited = true, s));
    const stderr = new Response(child.stderr).text();
    const url = `http://127.0.0.1:${port}`;
    const ready = async (check: (b: Record<string, unknown>) => boolean, tries: number, delayMs: number) => {
      for (let i = 0; i < tries && !exited; i++) {
        try {
          const r = await fetch(url + "/ready");
          const b = r.ok ? await r.json() : (await r.body?.cancel(), {});
          if (r.ok && check(b)) return true;
        } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, delayMs));
      }
      return !exited;
    };
    const up = await ready(() => true, 1200, 5);
    const readyMs = performance.now() - t0;
    // Optionally wait for background work so measurements do not overlap start-up activity.
    const settled = up &&
      (waitFor === "ready" ||
        await ready((b) => !!(waitFor === "indices" ? b.indices_ready : b.cache_warmed), 1200, 25));
    if (!settled || exited) {
      if (!exited) child.kill("SIGKILL");
      await status;
      if (attempt < 2) continue;
      throw new Error(`server did not start: ${(await stderr).slice(-500)}`);
    }
    return {
      url,
      readyMs,
      pid: child.pid,
      async stop() {
        child.kill("SIGTERM");
        await status;
      },
    };
  }
}

/** Requests per second on one URL: wrk when installed, else a keep-alive fetch loop (bounded in time). */
export async function loadTest(
  url: string,
  opts: { seconds?: number; connections?: number; method?: string; body?: string; cpus?: string } = {},
): Promise<{ rps: number; tool: string; p50?: number; p99?: number }> {
  const seconds = opts.seconds ?? 5;
  const connections = opts.connections ?? 32;
  if (await hasWrk()) {
    const args = [opts.cpus ? "-t1" : "-t2", `-c${connections}`, `-d${seconds}s`, "--latency"];
    if (opts.body) {
      const script = await Deno.makeTempFile({ suffix: ".lua" });
      await Deno.writeTextFile(
        script,
        `wrk.method = "POST"\nwrk.body = ${
          JSON.stringify(opts.body)
        }\nwrk.headers["content-type"] = "application/json"\n`,
      );
      args.push("-s", script);
    }
    const out = await new Deno.Command(opts.cpus ? "taskset" : "wrk", {
      args: opts.cpus ? ["-c", opts.cpus, "wrk", ...args, url] : [...args, url],
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0);
    const ms = (re: RegExp) => {
      const m = re.exec(text);
      return m ? Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1) : undefined;
    };
    return { rps, tool: "wrk", p50: ms(/50%\s+([\d.]+)(us|ms|s)/), p99: ms(/99%\s+([\d.]+)(us|ms|s)/) };
  }
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const lat: number[] = [];
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const r = await fetch(
        url,
        opts.body ? { method: "POST", headers: { "content-type": "application/json" }, body: opts.body } : {},
      );
      await r.arrayBuffer();
      lat.push(performance.now() - t);
      n++;
    }
  }));
  return { rps: n / seconds, tool: "fetch loop", p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

let wrk: boolean | undefined;
async function hasWrk(): Promise<boolean> {
  if (wrk === undefined) {
    try {
      wrk = (await new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" }).output())
        .code !== 127;
    } catch {
      wrk = false;
    }
  }
  return wrk;
}
