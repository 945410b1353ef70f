/** `deno task bench`: every benchmark, printing side-by-side numbers and ratios measured in this run. */
import { benchCache } from "./cache.ts";
import { benchChemistry } from "./chemistry.ts";
import { benchConversation } from "./conversation.ts";
import { benchHttp } from "./http.ts";
import { benchWs } from "./ws.ts";
import { benchObservability } from "./observability.ts";

const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
console.log(
  `# ChemAgent benchmarks — ${
    new Date().toISOString()
  } — ${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
for (const l of await benchChemistry()) console.log(l);
for (const l of await benchHttp(seconds)) console.log(l);
for (const l of await benchCache(seconds)) console.log(l);
for (const l of await benchConversation()) console.log(l);
for (const l of await benchWs()) console.log(l);
for (const l of await benchObservability(seconds)) console.log(l);
