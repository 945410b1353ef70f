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
// tsc is a build tool, not a runtime dependency: run without the project config so deno.lock (what start
// installs) never lists it; it also builds where tests/ is absent (the container image). The version is pinned.
await run(Deno.execPath(), [
  "run",
  "-A",
  "--no-config",
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
