/** WebSocket load: N concurrent connections each running queries against a separate server process;
 * reports connections held, event latency p50/p99, server RSS per connection and delivery.
 * CI-sized by default (WS_CONNECTIONS=200); `bash bench/ws_10k.sh` raises the fd limit and runs 10,000. */
import { cpuUsage } from "node:process";
import { fmt, percentile, startServerProcess } from "./lib.ts";

export async function benchWs(
  connections = Number(Deno.env.get("WS_CONNECTIONS") ?? 200),
  seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 5),
  rate = Number(Deno.env.get("WS_QPS") ?? 1000),
): Promise<string[]> {
  const server = await startServerProcess({ CACHE_WARM: "false", LOG_LEVEL: "warn" }, "indices");
  const pid = await serverPid(server.url);
  const wsUrl = server.url.replace("http", "ws") + "/ws";
  const rssBefore = await rss(pid);
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let received = 0, expected = 0, opened = 0;
  const expectedBy = new Map<string, number>();
  const seenBy = new Map<string, number>();
  const questions = [
    "targets of aspirin",
    "molecular weight of caffeine",
    "ligands of EGFR",
    "Is ibuprofen drug-like?",
    "compare aspirin and ibuprofen",
  ];
  // Open in batches so the accept queue is not overrun.
  for (let i = 0; i < connections; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, connections - i) }, () =>
        new Promise<void>((res) => {
          const ws = new WebSocket(wsUrl);
          ws.onopen = () => {
            opened++;
            res();
          };
          ws.onerror = () => res();
          ws.onmessage = (m) => {
            const e = JSON.parse(String(m.data));
            if (!e.seq) return;
            received++;
            latencies.push(Date.now() - Date.parse(e.timestamp));
            seenBy.set(e.query_id, (seenBy.get(e.query_id) ?? 0) + 1);
            if (e.type === "result" || e.type === "error") expectedBy.set(e.query_id, e.seq);
          };
          sockets.push(ws);
        })),
    );
  }
  const rssConnected = await rss(pid);
  const cpu0 = await cpuMs(pid), self0 = cpuUsage();
  // Queries at a fixed total rate, spread over the connections, for `seconds`.
  const interval = 1000 / rate;
  const end = performance.now() + seconds * 1000;
  let sent = 0;
  let next = performance.now();
  while (performance.now() < end) {
    const ws = sockets[sent % sockets.length];
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ action: "query", query: questions[sent % questions.length] }));
      sent++;
    }
    next += interval;
    const wait = next - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  await new Promise((r) => setTimeout(r, 1500)); // let in-flight queries finish
  const serverCpu = (await cpuMs(pid)) - cpu0;
  const self1 = cpuUsage();
  const clientCpu = (self1.user + self1.system - self0.user - self0.system) / 1000;
  for (const [, n] of expectedBy) expected += n;
  const complete = [...expectedBy.entries()].filter(([q, n]) => seenBy.get(q) === n).length;
  for (const ws of sockets) ws.close();
  await server.stop();
  const perConn = (rssConnected - rssBefore) / Math.max(1, opened);
  return [
    `WebSocket: ${opened}/${connections} connections held; ${sent} queries sent at ${rate}/s for ${seconds}s; ${expectedBy.size} finished`,
    `  event latency p50 ${fmt(percentile(latencies, 50))} ms, p99 ${
      fmt(percentile(latencies, 99))
    } ms (ms timestamps, same host)  [target p99 < 20 ms at 1,000 q/s; CI floor < 100 ms]`,
    `  delivery ${
      fmt((received / Math.max(1, expected)) * 100, 3)
    }% (${received}/${expected} events; ${complete}/${expectedBy.size} queries complete and gap-free)  [target 100%; CI floor ≥ 99.9%]`,
    `  CPU per query: server ${fmt(serverCpu / Math.max(1, sent) * 1000, 0)} µs, this client ${
      fmt(clientCpu / Math.max(1, sent) * 1000, 0)
    } µs (server busy ${fmt(serverCpu / (seconds * 10), 0)}% of one core; both share this machine's cores)`,
    `  server RSS ${fmt(rssBefore / 2 ** 20, 0)} MiB idle → ${
      fmt(rssConnected / 2 ** 20, 0)
    } MiB with ${opened} connections: ${
      perConn > 0
        ? `${fmt(perConn / 1024, 1)} KiB per connection`
        : "below the GC noise at this size (bench/ws_10k.sh measures 10,000)"
    }`,
  ];
}

async function serverPid(url: string): Promise<number | undefined> {
  const port = new URL(url).port;
  const out = await new Deno.Command("sh", {
    args: ["-c", `ss -ltnp 'sport = :${port}' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2`],
    stdout: "piped",
  }).output();
  const pid = Number(new TextDecoder().decode(out.stdout).trim());
  return pid || undefined;
}

/** User + system CPU time of a process (ms), from /proc (clock ticks of 10 ms). */
async function cpuMs(pid?: number): Promise<number> {
  if (!pid) return 0;
  const f = (await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "")).split(") ")[1]?.split(" ") ?? [];
  return (Number(f[11] ?? 0) + Number(f[12] ?? 0)) * 10;
}

async function rss(pid?: number): Promise<number> {
  if (!pid) return 0;
  const s = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024;
}

if (import.meta.main) {
  for (const l of await benchWs()) console.log(l);
  Deno.exit(0); // idle chemistry workers would keep the process alive
}
