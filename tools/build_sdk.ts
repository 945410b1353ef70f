/** Builds sdk/dist: an ES module bundle (deno bundle) and .d.ts generated from the source (tsc). */
const run = async (cmd: string, args: string[], cwd = ".") => {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
};
await Deno.mkdir("sdk/dist", { recursive: true });
await run(Deno.execPath(), [
  "bundle",
  "--platform",
  "browser",
  "-o",
  "sdk/dist/chemagent-sdk.js",
  "sdk/mod.ts",
]);
// tsc is a build tool: it resolves through the dev/test config (tests/deno.json), so start never installs it.
await run(Deno.execPath(), [
  "run",
  "-A",
  "--config",
  "tests/deno.json",
  "npm:typescript@5.9.3/tsc",
  "-p",
  "sdk/tsconfig.json",
]);
const dts = await Deno.readTextFile("sdk/dist/client.d.ts");
console.log(
  `sdk/dist: chemagent-sdk.js (${
    (await Deno.stat("sdk/dist/chemagent-sdk.js")).size
  } bytes), client.d.ts (${dts.length} chars)`,
);
