/** @module Markdown building blocks tool renderers share: tables, names, phases, collapsed sections. */

/** Escapes a table cell (pipes, newlines); null/undefined become an em dash. */
export const esc = (s: unknown): string => String(s ?? "—").replace(/\|/g, "\\|").replace(/\n/g, " ");

/** "approved", "phase 2" or an em dash. */
export const phaseLabel = (p: unknown): string =>
  p === 4 ? "approved" : typeof p === "number" && p > 0 ? `phase ${p}` : "—";

/** A GitHub-style markdown table. */
export const table = (head: string[], rows: unknown[][]): string =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");

/** "Aspirin (CHEMBL25)", or the SMILES for a structure that is not in the dataset. */
export const name = (c: { name?: string; id?: string; smiles?: string | null } | null | undefined): string =>
  c?.name ? `${c.name} (${c.id})` : c?.smiles ? `\`${c.smiles}\`` : "—";

/** A section shown folded (HTML details/summary, which markdown renderers pass through). */
export const collapsed = (summary: string, body: string): string =>
  `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
