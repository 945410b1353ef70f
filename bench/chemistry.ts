/** Similarity search p50 over the whole dataset and descriptor throughput, each against python RDKit in the same run. */
import { bulkTanimoto, createAgent, embeddedSource } from "../core/mod.ts";
import { fmt, percentile, python } from "./lib.ts";

export async function benchChemistry(): Promise<string[]> {
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await embeddedSource().load();
    loads.push(performance.now() - t);
  }
  const agent = await createAgent();
  const lines: string[] = [];
  // What precomputing saves: fingerprints + descriptors for every structure at start-up.
  const tc = performance.now();
  for (const c of agent.data.compounds) {
    if (c.smiles) {
      await agent.chem.facts(c.smiles, { trusted: true });
      await agent.chem.fingerprint(c.smiles, { trusted: true });
    }
  }
  lines.push(
    `dataset + indices load p50 ${
      fmt(percentile(loads, 50), 0)
    } ms [target < 300 ms]; computing descriptors+fingerprints at start-up instead would add ${
      fmt(performance.now() - tc, 0)
    } ms`,
  );
  const withFp = agent.data.compounds.filter((c) => agent.data.fingerprintOf(c));
  const queries = withFp.filter((_, i) => i % Math.floor(withFp.length / 100) === 0).slice(0, 100);

  // Full tool path (resolve + bulk Tanimoto + sort), and the bare kernel.
  const tool: number[] = [];
  for (const c of queries) {
    const t = performance.now();
    await agent.runTool("similarity_search", { compound: c.id, threshold: 0.5, limit: 20 });
    tool.push(performance.now() - t);
  }
  const kernel: number[] = [];
  for (const c of queries) {
    const fp = agent.data.fingerprintOf(c)!;
    const t = performance.now();
    bulkTanimoto(fp, agent.data.fingerprints, agent.data.fpCounts);
    kernel.push(performance.now() - t);
  }
  const py = await python(
    `import sys,time,json
from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import AllChem
RDLogger.DisableLog("rdApp.*")
smis=[l.strip() for l in sys.stdin if l.strip()]
fps=[AllChem.GetMorganFingerprintAsBitVect(Chem.MolFromSmiles(s),2,nBits=2048) for s in smis]
qs=fps[::max(1,len(fps)//100)][:100]
ts=[]
for q in qs:
  t=time.perf_counter(); DataStructs.BulkTanimotoSimilarity(q,fps); ts.append((time.perf_counter()-t)*1000)
ts.sort(); print(json.dumps({"p50":ts[len(ts)//2],"n":len(fps)}))`,
    withFp.map((c) => c.smiles).join("\n"),
  );
  const k50 = percentile(kernel, 50);
  lines.push(
    `similarity search over ${withFp.length} fingerprints: tool p50 ${fmt(percentile(tool, 50))} ms (p99 ${
      fmt(percentile(tool, 99))
    } ms), kernel p50 ${fmt(k50)} ms  [target p50 < 20 ms]`,
  );
  if (py) {
    const p = JSON.parse(py);
    lines.push(
      `  python RDKit BulkTanimotoSimilarity p50 ${fmt(p.p50)} ms over ${p.n} → time ratio ours/python ${
        fmt(k50 / p.p50)
      } (ours is ${fmt(p.p50 / k50)}× the speed of python)`,
    );
  } else lines.push("  python RDKit not installed: no ratio (apt-get install python3-rdkit)");

  // Descriptor throughput on 2,000 structures.
  const sample = withFp.slice(0, 2000).map((c) => c.smiles!);
  const t0 = performance.now();
  for (const s of sample) await agent.chem.descriptors(s, { trusted: true });
  const ours = sample.length / ((performance.now() - t0) / 1000);
  const pyd = await python(
    `import sys,time
from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, Crippen, rdMolDescriptors
RDLogger.DisableLog("rdApp.*")
smis=[l.strip() for l in sys.stdin if l.strip()]
t=time.perf_counter()
for s in smis:
  m=Chem.MolFromSmiles(s)
  (Descriptors.MolWt(m),Descriptors.ExactMolWt(m),Crippen.MolLogP(m),Crippen.MolMR(m),rdMolDescriptors.CalcNumHBD(m),rdMolDescriptors.CalcNumHBA(m),rdMolDescriptors.CalcTPSA(m),rdMolDescriptors.CalcNumRotatableBonds(m),rdMolDescriptors.CalcNumRings(m),rdMolDescriptors.CalcNumAromaticRings(m),m.GetNumHeavyAtoms(),rdMolDescriptors.CalcFractionCSP3(m),rdMolDescriptors.CalcMolFormula(m))
print(len(smis)/(time.perf_counter()-t))`,
    sample.join("\n"),
  );
  lines.push(
    `descriptors (parse + 14 descriptors + formula): ${fmt(ours, 0)} mol/s` +
      (pyd
        ? `; python RDKit ${fmt(Number(pyd), 0)} mol/s → ratio ours/python ${fmt(ours / Number(pyd))}`
        : "; python RDKit not installed"),
  );
  return lines;
}

if (import.meta.main) {
  for (const l of await benchChemistry()) console.log(l);
  Deno.exit(0); // idle chemistry workers would keep the process alive
}
