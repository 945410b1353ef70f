/** @module JWT verification (npm:jose): HS256 shared secret or a JWKS URL; `exp` required, `iss`/`aud` when set. */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

export interface AuthConfig {
  required: boolean;
  secret?: string;
  jwksUrl?: string;
  /** Expected `iss` (JWT_ISSUER); tokens from another issuer are refused. */
  issuer?: string;
  /** Expected `aud` (JWT_AUDIENCE). */
  audience?: string;
  /** Claim holding the user's roles (JWT_ROLES_CLAIM, default `roles`; dotted paths reach nested claims). */
  rolesClaim?: string;
}

export interface Principal {
  sub: string;
  exp?: number;
  /** Roles from the configured claim (`admin` opens the operator endpoints). */
  roles?: string[];
}

export type Verifier = (token: string) => Promise<Principal>;

/**
 * Builds the token verifier, or undefined when no key is configured.
 *
 * @example
 * ```ts
 * const verify = createVerifier({ required: true, secret: "x".repeat(32), issuer: "https://id.example" });
 * ```
 */
export function createVerifier(cfg: AuthConfig): Verifier | undefined {
  if (!cfg.secret && !cfg.jwksUrl) return undefined;
  const key = cfg.secret ? new TextEncoder().encode(cfg.secret) : undefined;
  const jwks = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
  // A token without `exp` would be valid forever: refuse it.
  const checks = {
    requiredClaims: ["exp", "sub"],
    ...(cfg.issuer ? { issuer: cfg.issuer } : {}),
    ...(cfg.audience ? { audience: cfg.audience } : {}),
  };
  const rolesClaim = cfg.rolesClaim ?? "roles";
  return async (token: string) => {
    const { payload } = key
      ? await jwtVerify(token, key, { algorithms: ["HS256"], ...checks })
      : await jwtVerify(token, jwks!, checks);
    return principal(payload, rolesClaim);
  };
}

function principal(p: JWTPayload, rolesClaim: string): Principal {
  return {
    sub: String(p.sub),
    ...(p.exp ? { exp: p.exp } : {}),
    roles: rolesOf(p, rolesClaim),
  };
}

/** Roles as an array claim (`["admin"]`) or a space/comma separated string (`"admin ops"`). */
function rolesOf(p: JWTPayload, claim: string): string[] {
  let v: unknown = p;
  for (const part of claim.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
  if (Array.isArray(v)) return v.filter((r): r is string => typeof r === "string");
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** Token from `Authorization: Bearer …` or the WebSocket subprotocol list ("bearer, <token>"). */
export function tokenFromRequest(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  const protos = headers.get("sec-websocket-protocol")?.split(",").map((s) => s.trim()) ?? [];
  const i = protos.findIndex((p) => p.toLowerCase() === "bearer");
  return i >= 0 ? protos[i + 1] : undefined;
}
