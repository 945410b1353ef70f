/** Start-up as an operator meets it (a real server process): a bad setting or an unopenable state file stops
 * the server with exit code 2 and one clear line naming the variable — no stack trace, no half-started server. */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
// The same permissions as `deno task start`.
const args = ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-write=.chemagent", "--allow-sys"];

async function start(env: Record<string, string>): Promise<{ code: number; lines: string[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args, "main.ts"],
    cwd: root,
    env: { CHEMAGENT_PORT: "0", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, lines: text.trim().split("\n").filter(Boolean) };
}

const cases: [string, Record<string, string>, RegExp][] = [
  ["a port that is not a number", { CHEMAGENT_PORT: "eighty" }, /CHEMAGENT_PORT must be a number/],
  ["prod profile with a wildcard CORS origin", { CHEMAGENT_ENV: "prod" }, /CORS_ORIGINS must list explicit/],
  [
    "a secret file that does not exist",
    { JWT_SECRET_FILE: "/nonexistent/jwt" },
    /JWT_SECRET_FILE: cannot read/,
  ],
  [
    "a metrics database outside the writable state directory",
    { METRICS_DB_PATH: "/proc/chemagent/metrics.db" },
    /cannot open METRICS_DB_PATH=\/proc\/chemagent\/metrics\.db/,
  ],
  [
    "a session database outside the writable state directory",
    { MEMORY_SQLITE_PATH: "/proc/chemagent/sessions.db", METRICS_DB_PATH: ":memory:" },
    /cannot open MEMORY_SQLITE_PATH=\/proc\/chemagent\/sessions\.db/,
  ],
];

for (const [what, env, re] of cases) {
  Deno.test(`start-up stops with one clear line: ${what}`, async () => {
    const { code, lines } = await start(env);
    assert.equal(code, 2, lines.join("\n"));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], re);
    assert.doesNotMatch(lines[0], /\bat file:|Uncaught/);
  });
}
