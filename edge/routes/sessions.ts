/** @module /api/sessions: create, read and delete conversations. */
import { Hono } from "hono";
import { type Agent, ChemAgentError } from "../../core/mod.ts";
import { newId } from "../../core/execute/events.ts";
import { ok } from "../envelope.ts";

const ID = /^[\w:.-]{1,100}$/;

export function sessionRoutes(agent: Agent) {
  const app = new Hono();
  const store = () => {
    if (!agent.memory) throw new ChemAgentError("invalid_request", "Session memory is disabled.");
    return agent.memory;
  };
  const checkId = (id: string) => {
    if (!ID.test(id)) {
      throw new ChemAgentError(
        "invalid_parameter",
        "session id may hold letters, digits and _ : . - (≤ 100)",
      );
    }
    return id;
  };

  app.post("/", (c) => ok(c, { session_id: newId("s") }, performance.now()));

  app.get("/:id", async (c) => {
    const t0 = performance.now();
    const s = await store().get(checkId(c.req.param("id")));
    if (!s) {
      throw new ChemAgentError(
        "not_found",
        `No session ${c.req.param("id")} (never used, deleted or expired).`,
      );
    }
    return ok(c, { ...s }, t0);
  });

  app.delete("/:id", async (c) => {
    const t0 = performance.now();
    const removed = await store().delete(checkId(c.req.param("id")));
    if (!removed) throw new ChemAgentError("not_found", `No session ${c.req.param("id")}.`);
    return ok(c, { deleted: true }, t0);
  });

  return app;
}
