/** @module JWT verification (npm:jose): HS256 shared secret or a JWKS URL. */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

export interface AuthConfig {
  required: boolean;
  secret?: string;
  jwksUrl?: string;
}

export interface Principal {
  sub: string;
  exp?: number;
}

export type Verifier = (token: string) => Promise<Principal>;

export function createVerifier(cfg: AuthConfig): Verifier | undefined {
  if (!cfg.secret && !cfg.jwksUrl) return undefined;
  const key = cfg.secret ? new TextEncoder().encode(cfg.secret) : undefined;
  const jwks = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
  return async (token: string) => {
    const { payload } = key
      ? await jwtVerify(token, key, { algorithms: ["HS256"] })
      : await jwtVerify(token, jwks!);
    return principal(payload);
  };
}

function principal(p: JWTPayload): Principal {
  return { sub: String(p.sub ?? "anonymous"), ...(p.exp ? { exp: p.exp } : {}) };
}

/** Token from `Authorization: Bearer …` or the WebSocket subprotocol list ("bearer, <token>"). */
export function tokenFromRequest(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  const protos = headers.get("sec-websocket-protocol")?.split(",").map((s) => s.trim()) ?? [];
  const i = protos.findIndex((p) => p.toLowerCase() === "bearer");
  return i >= 0 ? protos[i + 1] : undefined;
}
