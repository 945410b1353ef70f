/** @module Session memory: stores (SQLite, Redis), follow-up resolution, exchange summaries. */
export * from "./types.ts";
export { SqliteSessionStore } from "./drivers/sqlite.ts";
export { RedisSessionStore } from "./drivers/redis.ts";
export { answerClarification, resolveFollowUp } from "./followup.ts";
export { summarizeResponse } from "./summary.ts";
