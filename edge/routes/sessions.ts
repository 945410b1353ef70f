/** @module /api/sessions: create, read and delete conversations (the caller's own, when auth is on). */
import { type Context, Hono } from "hono";
import { type Agent, ChemAgentError } from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import type { AuthVariables } from "../middleware/auth/index.ts";
import type { Access } from "../ws/access.ts";

const ID = /^[\w:.-]{1,100}$/;

/** `s_` + 128 random bits (hex): not guessable, unlike a counter. */
export function newSessionId(): string {
  return `s_${
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/** Refuses (404, as if it did not exist) a session that belongs to another user; claims a free one. */
export async function assertSessionAccess(c: Context, access: Access | undefined, id: string | undefined) {
  if (!id || !access?.enforced) return;
  const principal = (c as Context<{ Variables: AuthVariables }>).get("principal");
  if (!(await access.claimSession(principal, id))) throw new ChemAgentError("not_found", `No session ${id}.`);
}

export function sessionRoutes(agent: Agent, access?: Access) {
  const app = new Hono<{ Variables: AuthVariables }>();
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
  /** The caller's session, or not_found (another user's session is indistinguishable from none). */
  const own = async (c: Context<{ Variables: AuthVariables }>, id: string) => {
    const s = await store().get(checkId(id));
    if (!s || (access && !access.ownsSession(c.get("principal"), s))) {
      throw new ChemAgentError("not_found", `No session ${id} (never used, deleted or expired).`);
    }
    return s;
  };

  app.post("/", async (c) => {
    const t0 = performance.now();
    const id = newSessionId();
    // With auth on, the new session is the caller's from the start.
    await assertSessionAccess(c, access, id);
    return ok(c, { session_id: id }, t0);
  });

  app.get("/:id", async (c) => {
    const t0 = performance.now();
    const s = await own(c, c.req.param("id"));
    return ok(c, { ...s }, t0);
  });

  app.delete("/:id", async (c) => {
    const t0 = performance.now();
    await own(c, c.req.param("id"));
    const removed = await store().delete(c.req.param("id"));
    if (!removed) throw new ChemAgentError("not_found", `No session ${c.req.param("id")}.`);
    return ok(c, { deleted: true }, t0);
  });

  return app;
}
