/**
 * @module compare_library: a library next to the approved drugs — the property profile of each (median and
 * quartiles) and, for the library structures, the nearest approved drug by Morgan r2/2048 Tanimoto.
 */
import { z } from "zod";
import { FP_WORDS } from "../chem/fingerprint.ts";
import { LIBRARY_DESCRIPTORS } from "../chem/standardize.ts";
import type { Compound } from "../data/model.ts";
import { defineTool, ref } from "./define.ts";
import { type NumericProperty, PROPERTY_INFO } from "./property_catalog.ts";
import { libraryOf, searchSpace } from "./search_space.ts";
import { summarize } from "./views.ts";
import { table } from "./render_md.ts";

const PROFILE: NumericProperty[] = ["molecular_weight", "clogp", "hbd", "hba", "tpsa", "rotatable_bonds"];
/** Library rows compared structure by structure (each against every approved drug); beyond it a sample. */
const MAX_ROWS = 5_000;

const quartiles = (values: number[]) => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number) => v.length ? v[Math.min(v.length - 1, Math.floor(q * (v.length - 1) + 0.5))] : null;
  return { q1: at(0.25), median: at(0.5), q3: at(0.75), n: v.length };
};

export const compareLibrary = defineTool({
  name: "compare_library",
  description:
    "A library next to the approved drugs: property profiles (quartiles) and each library structure's nearest " +
    "approved drug (Morgan r2/2048 Tanimoto).",
  args: z.object({
    library: z.string().trim().min(1).max(200),
    against: z.enum(["approved"]).default("approved"),
    limit: ref.limit(500, 10),
  }),
  run({ library, limit }, ctx) {
    const space = searchSpace(library, ctx);
    const lib = space.library!;
    const drugs: { c: Compound; i: number }[] = [];
    ctx.data.compounds.forEach((c, i) => {
      if (c.phase === 4 && c.descriptors && ctx.data.fpCounts[i]) drugs.push({ c, i });
    });
    const profile = Object.fromEntries(PROFILE.map((p) => {
      const j = (LIBRARY_DESCRIPTORS as readonly string[]).indexOf(p);
      const libValues = Array.from(
        { length: lib.size },
        (_, r) => lib.descriptors[r * LIBRARY_DESCRIPTORS.length + j],
      );
      const drugValues = drugs.map(({ c }) => c.descriptors![p as keyof typeof c.descriptors] as number);
      return [p, { library: quartiles(libValues), approved: quartiles(drugValues) }];
    }));
    // Nearest approved drug per library row (all rows up to MAX_ROWS, else an even sample).
    const step = Math.max(1, Math.ceil(lib.size / MAX_ROWS));
    const nearest: { row: number; drug: number; s: number }[] = [];
    const dfp = ctx.data.fingerprints, dcount = ctx.data.fpCounts;
    for (let r = 0; r < lib.size; r += step) {
      ctx.signal?.throwIfAborted();
      let best = -1, bestS = -1;
      const off = r * FP_WORDS, qc = lib.fpCounts[r];
      for (const { i } of drugs) {
        let both = 0;
        const o = i * FP_WORDS;
        for (let w = 0; w < FP_WORDS; w++) {
          let v = lib.fingerprints[off + w] & dfp[o + w];
          v = v - ((v >>> 1) & 0x55555555);
          v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
          both += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
        }
        const union = qc + dcount[i] - both;
        const s = union ? both / union : 0;
        if (s > bestS) [best, bestS] = [i, s];
      }
      nearest.push({ row: r, drug: best, s: bestS });
    }
    nearest.sort((a, b) => b.s - a.s || a.row - b.row);
    const bins = [0.9, 0.7, 0.5, 0.3].map((t) => ({
      threshold: t,
      count: nearest.filter((n) => n.s >= t).length,
    }));
    return {
      ...libraryOf(space),
      against: "approved drugs",
      approved_drugs: drugs.length,
      profile,
      compared_rows: nearest.length,
      sampled: step > 1,
      nearest_approved: nearest.slice(0, limit).map((n) => ({
        ...summarize(lib.compounds[n.row]),
        nearest_drug: summarize(ctx.data.compounds[n.drug]),
        similarity: Math.round(n.s * 1e4) / 1e4,
      })),
      similarity_bins: bins,
      provenance: [
        space.provenance,
        { source: "ChEMBL 18 + DrugCentral", note: `${drugs.length} approved drugs with a structure` },
        { source: `RDKit ${ctx.chem.version}`, note: "Morgan radius 2, 2048 bits, Tanimoto; descriptors" },
      ],
    };
  },
  render(x) {
    const lib = x.library!;
    const fmt = (v: number | null) => (v === null ? "—" : String(Math.round(v * 100) / 100));
    const profile = table(
      ["Property", `${lib.name} median (IQR)`, "Approved drugs median (IQR)"],
      Object.entries(x.profile).map(([p, v]) => [
        PROPERTY_INFO[p as NumericProperty].label,
        `${fmt(v.library.median)} (${fmt(v.library.q1)}–${fmt(v.library.q3)})`,
        `${fmt(v.approved.median)} (${fmt(v.approved.q1)}–${fmt(v.approved.q3)})`,
      ]),
    );
    const near = table(
      ["#", "Library compound", "Record", "Nearest approved drug", "Tanimoto"],
      x.nearest_approved.map((
        n,
        i,
      ) => [i + 1, n.name, n.id, `${n.nearest_drug.name} (${n.nearest_drug.id})`, n.similarity.toFixed(3)]),
    );
    const bins = x.similarity_bins.map((b) => `${b.count} ≥ ${b.threshold}`).join(", ");
    return `Library **${lib.name}** (${lib.size} structures) compared with ${x.approved_drugs} approved drugs.\n\n` +
      `${profile}\n\nLibrary structures closest to an approved drug (${x.compared_rows} compared` +
      `${x.sampled ? ", an even sample" : ""}; ${bins}):\n\n${near}`;
  },
});
