/** @module GET /ws: origin check, token from header/subprotocol (or a first auth message), then the hub. */
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { ChemAgentError } from "../../core/mod.ts";
import { type Principal, tokenFromRequest, type Verifier } from "../ws/auth.ts";
import type { Hub } from "../ws/hub.ts";

export interface WsRouteOptions {
  hub: Hub;
  verifier?: Verifier;
  authRequired: boolean;
  origins: string[];
  /** Seconds without traffic before the server pings and, unanswered, closes. */
  idleTimeoutS?: number;
}

export function wsRoutes({ hub, verifier, authRequired, origins, idleTimeoutS = 30 }: WsRouteOptions) {
  const app = new Hono<{ Variables: { principal?: Principal } }>();
  app.get(
    "/",
    async (c, next) => {
      const origin = c.req.header("origin");
      if (origin && !origins.includes("*") && !origins.includes(origin)) {
        throw new ChemAgentError("forbidden", `Origin ${origin} is not allowed.`);
      }
      if (hub.draining) {
        throw new ChemAgentError("upstream_unavailable", "Server is draining; connect to another instance.");
      }
      const token = tokenFromRequest(c.req.raw.headers);
      if (token && verifier) {
        try {
          c.set("principal", await verifier(token));
        } catch {
          throw new ChemAgentError("unauthorized", "Invalid or expired token.");
        }
      } else if (token && authRequired) {
        throw new ChemAgentError("unauthorized", "Token verification is not configured.");
      }
      await next();
    },
    upgradeWebSocket((c) => {
      const principal = c.get("principal");
      return {
        onOpen: (_e, ws) => {
          hub.attach(ws.raw as WebSocket, principal);
        },
      };
    }, { idleTimeout: idleTimeoutS }),
  );
  return app;
}
