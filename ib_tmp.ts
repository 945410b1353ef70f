import { testAgent } from "/work/main/tests/helpers.ts";
const a = await testAgent();
const r = await a.query({ query: "ibuprofin" });
console.log(r.status, r.error?.code, r.intent.type);
