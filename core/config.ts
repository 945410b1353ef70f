/** @module Configuration: environment variables → typed, validated config (DESIGN.md §6). */
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) =>
  ["true", "1", "yes"].includes(v)
);
const url = (name: string) => z.url({ error: `${name} must be a URL` });

const schema = z.object({
  CHEMAGENT_PORT: z.coerce.number({ error: "CHEMAGENT_PORT must be a number" }).int().min(0).max(65535)
    .default(8000),
  CHEMAGENT_HOST: z.string().default("0.0.0.0"),
  CHEMAGENT_DATA: z.enum(["embedded", "chembl"], { error: "CHEMAGENT_DATA must be embedded or chembl" })
    .default("embedded"),
  CHEMAGENT_ENV: z.enum(["dev", "staging", "prod"], { error: "CHEMAGENT_ENV must be dev, staging or prod" })
    .default("dev"),
  CHEMAGENT_FEATURES: z.string().default(""),
  CHEMAGENT_MAX_QUERY_LENGTH: z.coerce.number().int().min(10).max(100_000).default(2000),
  CHEMAGENT_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(64 * 1024),
  CHEMAGENT_MAX_URL_BYTES: z.coerce.number({ error: "CHEMAGENT_MAX_URL_BYTES must be a number of bytes" })
    .int()
    .min(256).max(65_536).default(16_384),
  CHEMAGENT_STEP_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(10_000),
  /** RDKit workers (default: one per core) and the deadline of one chemistry call. */
  CHEMAGENT_CHEM_WORKERS: z.coerce.number({ error: "CHEMAGENT_CHEM_WORKERS must be a number" }).int().min(1)
    .max(64).optional(),
  CHEMAGENT_CHEM_TIMEOUT_MS: z.coerce.number({ error: "CHEMAGENT_CHEM_TIMEOUT_MS must be a number" }).int()
    .min(50).max(600_000).default(5_000),
  CHEMBL_BASE_URL: url("CHEMBL_BASE_URL").default("https://www.ebi.ac.uk/chembl/api/data"),
  REDIS_URL: url("REDIS_URL").optional(),
  REDIS_SENTINELS: z.string().regex(
    /^[\w.-]+(:\d+)?(,[\w.-]+(:\d+)?)*$/,
    "REDIS_SENTINELS must be host:port,host:port",
  ).optional(),
  REDIS_SENTINEL_NAME: z.string().default("mymaster"),
  CACHE_ENABLED: bool.default(true),
  CACHE_TTL_S: z.coerce.number({ error: "CACHE_TTL_S must be a number of seconds" }).int().min(1).max(
    30 * 86400,
  ).default(3600),
  CACHE_L1_TTL_S: z.coerce.number({ error: "CACHE_L1_TTL_S must be a number of seconds" }).int().min(1).max(
    86400,
  ).default(600),
  CACHE_GRACE_S: z.coerce.number({ error: "CACHE_GRACE_S must be a number of seconds" }).int().min(0).max(
    86400,
  ).default(60),
  CACHE_L1_MAX_ENTRIES: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
  CACHE_L1_MAX_MB: z.coerce.number().min(1).max(64_000).default(128),
  CACHE_DISK_DIR: z.string().optional(),
  CACHE_DISK_MAX_MB: z.coerce.number().min(1).max(1_000_000).default(256),
  CACHE_WARM: bool.default(true),
  CACHE_L2_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(300),
  MEMORY_ENABLED: bool.default(true),
  MEMORY_SQLITE_PATH: z.string().default(".chemagent/sessions.db"),
  MEMORY_CONTEXT_WINDOW: z.coerce.number().int().min(1).max(50).default(5),
  MEMORY_MAX_EXCHANGES: z.coerce.number().int().min(1).max(10_000).default(50),
  MEMORY_TTL_HOURS: z.coerce.number().min(0.001).max(24 * 365).default(168),
  UPSTASH_REDIS_REST_URL: url("UPSTASH_REDIS_REST_URL").optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  LLM_PROVIDER: z.enum(["none", "openai", "anthropic", "ollama"], {
    error: "LLM_PROVIDER must be none, openai, anthropic or ollama",
  }).default("none"),
  LLM_BASE_URL: url("LLM_BASE_URL").optional(),
  LLM_MODEL: z.string().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_CONFIDENCE_THRESHOLD: z.coerce.number({ error: "LLM_CONFIDENCE_THRESHOLD must be a number" }).min(0)
    .max(1).default(0.8),
  LLM_TIMEOUT_MS: z.coerce.number({ error: "LLM_TIMEOUT_MS must be a number" }).int().min(50).max(60_000)
    .default(2000),
  LLM_RATE_PER_SEC: z.coerce.number().min(0.01).max(1000).default(2),
  LLM_BURST: z.coerce.number().int().min(1).max(1000).default(5),
  JWT_SECRET: z.string().min(32, { error: "JWT_SECRET must be at least 32 characters" }).optional(),
  JWT_JWKS_URL: url("JWT_JWKS_URL").optional(),
  AUTH_REQUIRED: bool.default(false),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_ROLES_CLAIM: z.string().regex(
    /^[\w-]+(\.[\w-]+)*$/,
    "JWT_ROLES_CLAIM must be a claim name (a.b for nested)",
  )
    .default("roles"),
  RATE_LIMIT_ENABLED: bool.default(true),
  RATE_LIMIT_RPS: z.coerce.number({ error: "RATE_LIMIT_RPS must be a number of requests per second" }).min(
    0.01,
  )
    .max(1_000_000).default(20),
  RATE_LIMIT_BURST: z.coerce.number({ error: "RATE_LIMIT_BURST must be a whole number" }).int().min(1)
    .max(1_000_000).default(100),
  RATE_LIMIT_LOOPBACK: bool.default(false),
  RATE_LIMIT_TRUST_PROXY: bool.default(false),
  CORS_ORIGINS: z.string().default("*"),
  /** Hosts/origins allowed to reach /mcp (DNS-rebinding protection); "localhost" = loopback, "*" = any. */
  MCP_ALLOWED_ORIGINS: z.string().default("localhost"),
  /** Authorization servers named in /.well-known/oauth-protected-resource (comma-separated URLs). */
  MCP_AUTHORIZATION_SERVERS: z.string().default(""),
  /** /mcp without sessions: every POST self-contained, any replica serves it (no resumability, no GET stream). */
  MCP_STATELESS: bool.default(false),
  METRICS_DB_PATH: z.string().default(".chemagent/metrics.db"),
  ALERT_EVAL_INTERVAL_S: z.coerce.number().min(1).max(3600).default(15),
  ALERT_WEBHOOK_URL: url("ALERT_WEBHOOK_URL").optional(),
  ALERT_WEBHOOK_SECRET: z.string().optional(),
  ALERT_SLACK_WEBHOOK_URL: url("ALERT_SLACK_WEBHOOK_URL").optional(),
  ALERT_PAGERDUTY_ROUTING_KEY: z.string().optional(),
  ALERT_PAGERDUTY_URL: url("ALERT_PAGERDUTY_URL").default("https://events.pagerduty.com/v2/enqueue"),
  ALERT_SMTP_HOST: z.string().optional(),
  ALERT_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  ALERT_SMTP_USER: z.string().optional(),
  ALERT_SMTP_PASS: z.string().optional(),
  ALERT_EMAIL_FROM: z.string().default("chemagent@localhost"),
  ALERT_EMAIL_TO: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url("OTEL_EXPORTER_OTLP_ENDPOINT").optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ error: "OTEL_TRACES_SAMPLER_ARG must be a ratio 0..1" }).min(0)
    .max(1).default(1),
  OTEL_SERVICE_NAME: z.string().default("chemagent"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], {
    error: "LOG_LEVEL must be debug, info, warn or error",
  }).default("info"),
});

const SECRET_VARS = new Set([
  "JWT_SECRET",
  "LLM_API_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
  "REDIS_URL",
  "UPSTASH_REDIS_REST_URL",
  "ALERT_WEBHOOK_SECRET",
  "ALERT_SLACK_WEBHOOK_URL",
  "ALERT_PAGERDUTY_ROUTING_KEY",
  "ALERT_SMTP_PASS",
]);

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  features: Set<string>;
  corsOrigins: string[];
}

export class ConfigError extends Error {}

/** Profile defaults: applied only to variables the environment leaves unset. */
const PROFILES: Record<RawConfig["CHEMAGENT_ENV"], Record<string, string>> = {
  dev: {},
  staging: { OTEL_TRACES_SAMPLER_ARG: "0.25" },
  prod: { OTEL_TRACES_SAMPLER_ARG: "0.05", LOG_LEVEL: "info" },
};

/** Secrets may come from files (Docker/Kubernetes secrets): NAME_FILE=/run/secrets/name. */
function readSecretFiles(
  env: Record<string, string>,
  readFile: (path: string) => string,
): Record<string, string> {
  const out = { ...env };
  for (const name of SECRET_VARS) {
    const path = env[`${name}_FILE`];
    if (!path) continue;
    if (env[name]) throw new ConfigError(`invalid configuration: set ${name} or ${name}_FILE, not both`);
    try {
      out[name] = readFile(path).replace(/\r?\n$/, "");
    } catch (e) {
      throw new ConfigError(
        `invalid configuration: ${name}_FILE: cannot read ${path} (${(e as Error).name})`,
      );
    }
    delete out[`${name}_FILE`];
  }
  return out;
}

/** Validates an environment; throws ConfigError with one line naming the first bad variable. */
export function loadConfig(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => Deno.readTextFileSync(p),
): Config {
  const given = readSecretFiles(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")) as Record<
      string,
      string
    >,
    readFile,
  );
  const profile = PROFILES[given.CHEMAGENT_ENV as RawConfig["CHEMAGENT_ENV"]] ?? {};
  const clean = { ...profile, ...given };
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? "config");
    const msg = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
    // Secrets (and URLs that may embed passwords) are never echoed back.
    const shown = SECRET_VARS.has(name) || clean[name] === undefined
      ? ""
      : ` (got ${JSON.stringify(clean[name].slice(0, 40))})`;
    throw new ConfigError(`invalid configuration: ${msg}${shown}`);
  }
  const c = parsed.data;
  if (c.AUTH_REQUIRED && !c.JWT_SECRET && !c.JWT_JWKS_URL) {
    throw new ConfigError("invalid configuration: AUTH_REQUIRED=true needs JWT_SECRET or JWT_JWKS_URL");
  }
  if (c.LLM_PROVIDER !== "none" && c.LLM_PROVIDER !== "ollama" && !c.LLM_API_KEY && !c.LLM_BASE_URL) {
    throw new ConfigError(
      `invalid configuration: LLM_PROVIDER=${c.LLM_PROVIDER} needs LLM_API_KEY (or LLM_BASE_URL for a compatible server)`,
    );
  }
  if (c.UPSTASH_REDIS_REST_URL && !c.UPSTASH_REDIS_REST_TOKEN) {
    throw new ConfigError("invalid configuration: UPSTASH_REDIS_REST_URL needs UPSTASH_REDIS_REST_TOKEN");
  }
  if (c.CHEMAGENT_ENV === "prod" && c.CORS_ORIGINS.split(",").some((o) => o.trim() === "*")) {
    throw new ConfigError(
      'invalid configuration: CORS_ORIGINS must list explicit origins when CHEMAGENT_ENV=prod (got "*")',
    );
  }
  return {
    ...c,
    features: new Set(c.CHEMAGENT_FEATURES.split(",").map((s) => s.trim()).filter(Boolean)),
    corsOrigins: c.CORS_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
  };
}
