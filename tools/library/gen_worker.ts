/// <reference lib="deno.worker" />
/** @module Library generator worker: RDKit validates each candidate and returns its canonical SMILES and packed
 * Morgan r2/2048 fingerprint (the same call as core/chem's engine.fingerprint). */
import { createChemEngine, packFingerprint } from "../../core/mod.ts";

const engine = await createChemEngine();
const MORGAN = JSON.stringify({ radius: 2, nBits: 2048 });

self.onmessage = (e: MessageEvent<{ batch: number; smiles: string[] }>) => {
  const { batch, smiles } = e.data;
  const out: string[] = [];
  const fps = new Uint32Array(smiles.length * 64);
  let n = 0;
  for (const s of smiles) {
    try {
      engine.withMol(s, (m) => {
        const canonical = m.get_smiles();
        if (!canonical || canonical.includes(".")) return;
        fps.set(packFingerprint(m.get_morgan_fp_as_uint8array(MORGAN)), n * 64);
        out.push(canonical);
        n++;
      });
    } catch { /* invalid candidate: skipped */ }
  }
  const rows = fps.slice(0, n * 64);
  self.postMessage({ batch, smiles: out, fps: rows }, [rows.buffer]);
};
self.postMessage({ ready: true, version: engine.version });
