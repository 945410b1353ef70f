/** @module What the ChEMBL database answers beyond the catalogue: cartridge searches, potency, readiness. */
import type { Activity, ActivityQuery, SimilarityHit, SourceInfo, SourceStore } from "../../source.ts";
import { POTENCY_TYPES } from "../../source.ts";
import type { Catalogue } from "./catalogue.ts";
import { guarded } from "./errors.ts";
import type { Sql } from "./pool.ts";

/** Cancels the running statement when the query's signal aborts. */
async function cancellable<T>(q: Promise<T> & { cancel(): void }, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  const stop = () => q.cancel();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    return await q;
  } catch (e) {
    // The server's "canceling statement due to user request" (57014) is our own cancel: report the reason.
    if (signal?.aborted) throw signal.reason;
    throw e;
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}

export function postgresStore(sql: Sql, cat: Catalogue, info: SourceInfo, potency: boolean): SourceStore {
  const index = (molregno: unknown) => cat.indexOf.get(Number(molregno));
  return {
    info,
    capabilities: { potency, tradeNames: true, structureSearch: true },

    similar({ smiles, threshold, limit, exclude }, signal) {
      return guarded("similarity search", async () => {
        const skip = exclude === undefined ? -1 : cat.molregnos[exclude];
        // One transaction so the session settings (Morgan 2048 bits like the embedded fingerprints, the
        // threshold the GiST index uses for `%`) apply to this query only. Ranking and the limit run in SQL;
        // ties go by molregno, which is dataset order (the loader numbers compounds in that order; a plain
        // ChEMBL's catalogue is read in molregno order).
        const rows = await sql.begin(async (tx) => {
          await tx`select set_config('rdkit.morgan_fp_size', '2048', true),
            set_config('rdkit.tanimoto_threshold', ${String(threshold)}, true)`;
          return await cancellable(
            tx`with q as (select morganbv_fp(mol_from_smiles(${smiles}::cstring)) as fp)
              select f.molregno, tanimoto_sml(q.fp, f.mfp2) as s, count(*) over () as total
              from rdk.fps f, q where f.mfp2 % q.fp and f.molregno <> ${skip}
              order by s desc, f.molregno limit ${limit}`,
            signal,
          );
        });
        const hits: SimilarityHit[] = [];
        for (const r of rows) {
          const i = index(r.molregno);
          if (i !== undefined) hits.push({ index: i, similarity: r.s });
        }
        return { hits, total: rows.length ? Number(rows[0].total) : 0 };
      });
    },

    substructure(pattern, limit, signal) {
      return guarded("substructure search", async () => {
        const rows = await cancellable(
          sql`select molregno, count(*) over () as total from rdk.mols
            where m @> qmol_from_smarts(${pattern}::cstring) order by molregno limit ${limit}`,
          signal,
        );
        const hits: number[] = [];
        for (const r of rows) {
          const i = index(r.molregno);
          if (i !== undefined) hits.push(i);
        }
        return { hits, total: rows.length ? Number(rows[0].total) : 0 };
      });
    },

    activities: potency ? (q: ActivityQuery) => activities(sql, cat, q) : undefined,

    check() {
      return guarded("readiness", async () => void await sql`select 1`);
    },

    close() {
      return sql.end({ timeout: 5 });
    },
  };
}

/** Activity rows (ChEMBL activities → assays → target) for the compounds/targets asked, best potency first. */
function activities(
  sql: Sql,
  cat: Catalogue,
  q: ActivityQuery,
): Promise<{ rows: Activity[]; total: number }> {
  return guarded("activities", async () => {
    const types = q.types?.length ? q.types : [...POTENCY_TYPES];
    const mols = q.compounds?.map((id) => cat.molregnoOf.get(id)).filter((m) => m !== undefined);
    const tids = q.targets?.map((id) => cat.tids.get(id)).filter((t) => t !== undefined);
    if ((q.compounds?.length && !mols?.length) || (q.targets?.length && !tids?.length)) {
      return { rows: [], total: 0 };
    }
    const rows = await sql`
      select act.activity_id, coalesce(h.parent_molregno, act.molregno) as molregno, a.tid,
        act.standard_type, act.standard_relation, act.standard_value, act.standard_units, act.pchembl_value,
        a.chembl_id as assay, count(*) over () as total
      from activities act join assays a using (assay_id)
        left join molecule_hierarchy h on h.molregno = act.molregno
      where act.standard_type = any(${types}::text[]) and act.standard_value is not null
        ${mols?.length ? sql`and coalesce(h.parent_molregno, act.molregno) = any(${mols}::bigint[])` : sql``}
        ${tids?.length ? sql`and a.tid = any(${tids}::bigint[])` : sql``}
        ${
      q.maxNm !== undefined
        ? sql`and act.standard_units = 'nM' and act.standard_relation in ('=', '<', '<=')
              and act.standard_value <= ${q.maxNm}`
        : sql``
    }
        ${q.minPchembl !== undefined ? sql`and act.pchembl_value >= ${q.minPchembl}` : sql``}
      order by act.pchembl_value desc nulls last, act.standard_value, act.activity_id
      limit ${q.limit}`;
    const out: Activity[] = [];
    for (const r of rows) {
      const i = cat.indexOf.get(Number(r.molregno));
      const target = cat.targetIds.get(Number(r.tid));
      if (i === undefined || !target) continue;
      out.push({
        compound: cat.file.compounds[i].id,
        target,
        type: r.standard_type,
        relation: r.standard_relation ?? null,
        value: r.standard_value === null ? null : Number(r.standard_value),
        units: r.standard_units ?? null,
        pchembl: r.pchembl_value === null ? null : Number(r.pchembl_value),
        assay: r.assay,
        activity_id: Number(r.activity_id),
      });
    }
    return { rows: out, total: rows.length ? Number(rows[0].total) : 0 };
  });
}
