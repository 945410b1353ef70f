/** @module The `postgres` data source: ChEMBL's PostgreSQL release with the RDKit cartridge (`rdk` schema). */
import { Dataset } from "../../dataset.ts";
import type { DataSource } from "../../source.ts";
import { readCatalogue } from "./catalogue.ts";
import { guarded } from "./errors.ts";
import type { PoolOptions } from "./pool.ts";
import { postgresStore } from "./store.ts";

export { isConnectionError } from "./errors.ts";

/** Loads the catalogue from `DATABASE_URL` and keeps the pool for searches, potency and readiness. */
export function postgresSource(opts: PoolOptions): DataSource {
  return {
    name: "postgres",
    async load() {
      // The driver is imported on first use: the embedded default never loads it.
      const { openPool } = await import("./pool.ts");
      const sql = openPool(opts);
      try {
        const provisional = "ChEMBL (PostgreSQL)";
        const cat = await guarded("loading the catalogue", () => readCatalogue(sql, provisional));
        const [{ n }] = await sql`select to_regclass('activities') is not null as n`;
        const info = {
          driver: "postgres" as const,
          label: `${cat.release} (PostgreSQL)`,
          release: cat.release,
        };
        if (!cat.side) {
          for (const c of cat.file.compounds) c.sources = [info.label];
          for (const t of cat.file.targets) t.sources = [info.label];
          for (const m of cat.file.mechanisms) m.source = info.label;
        }
        return new Dataset(cat.file, new Uint32Array(0), postgresStore(sql, cat, info, Boolean(n)));
      } catch (e) {
        await sql.end({ timeout: 1 }).catch(() => {});
        throw e;
      }
    },
  };
}
