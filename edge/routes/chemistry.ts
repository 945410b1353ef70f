/** @module POST /api/properties, GET /api/depict, POST /api/tools/:name (any tool with JSON args). */
import { Hono } from "hono";
import { z } from "zod";
import { type Agent, ChemAgentError } from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import { readJson } from "../middleware/json-body/index.ts";
import { num, queryParams } from "../params.ts";

export const propertiesBody = z.object({
  smiles: z.string().max(100_000).optional(),
  compound: z.string().max(1000).optional(),
}).refine((b) => b.smiles !== undefined || b.compound !== undefined, { message: "give smiles or compound" });

export function chemistryRoutes(agent: Agent, maxBody: number) {
  const app = new Hono();

  app.post("/properties", async (c) => {
    const t0 = performance.now();
    const body = await readJson(c, propertiesBody, maxBody);
    if (body.smiles !== undefined && !body.smiles.trim()) {
      throw new ChemAgentError("invalid_smiles", "SMILES is empty.");
    }
    return ok(c, await agent.runTool("properties", body), t0);
  });

  app.post("/tools/:name", async (c) => {
    const t0 = performance.now();
    const body = await readJson(c, z.record(z.string(), z.unknown()), maxBody);
    return ok(c, await agent.runTool(c.req.param("name"), body), t0);
  });

  app.get("/depict", async (c) => {
    const q = queryParams(
      c,
      z.object({
        smiles: z.string({ error: "smiles is required" }).min(1, "smiles is required"),
        width: num("width", 50, 2000, true),
        height: num("height", 50, 2000, true),
        highlight: z.string().max(1000).optional(),
      }),
    );
    const known = agent.data.compoundById(q.smiles);
    const smiles = known?.canonical_smiles ?? q.smiles;
    // Dataset structures are trusted (some exceed the user-input limits); everything runs in a worker.
    const svg = await agent.chem.depict(smiles, {
      width: q.width,
      height: q.height,
      highlight: q.highlight,
      trusted: !!known,
    });
    return c.body(svg, 200, {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "public, max-age=86400",
    });
  });

  return app;
}
