/** @module The parser's synchronous view of SMILES validity, decided beforehand for one question's tokens. */
import { ChemAgentError } from "../errors.ts";
import { checkSmiles } from "./bounds.ts";
import type { TokenVerdict } from "./protocol.ts";

/** What entity recognition asks about a token; answered without RDKit on the calling thread. */
export interface SmilesChecker {
  isValidSmiles(smiles: string): boolean;
  /** Canonical SMILES, or throws the token's invalid_smiles / input_too_complex error. */
  canonical(smiles: string): string;
  /** InChIKey of a valid SMILES (to recognise dataset compounds); throws like `canonical`. */
  inchikey(smiles: string): string;
  /** Succeeds when the token is a valid SMARTS/SMILES query; throws otherwise. */
  parseQuery(query: string): { delete(): void };
}

/** Same shape test as tools/resolve `looksLikeSmiles` (kept here so chem/ does not import tools/). */
function smilesShaped(text: string): boolean {
  if (!/^[A-Za-z0-9@+\-\[\]()=#$%\\/.:*~]+$/.test(text)) return false;
  return /[^A-Za-z]/.test(text) || /^(?:Cl|Br|[BCNOSPFI]|[cnosp])+$/.test(text);
}

/**
 * Every substring of a question that the recogniser might test as SMILES: each whitespace token with
 * leading quotes/brackets and trailing punctuation stripped in every combination. A superset is harmless
 * (one extra verdict); a plain English question yields none, so it costs no worker round trip.
 */
export function smilesCandidates(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\S+/g)) {
    const leads = [m[0]];
    let t = m[0];
    while (/^["'“‘(]/.test(t)) leads.push(t = t.slice(1));
    for (const lead of leads) {
      let core = lead;
      for (let i = 0; i < 4; i++) {
        for (const v of [core, core.replace(/['’]s$/i, "")]) {
          if (
            v.length >= 2 && (/[^A-Za-z]/.test(v) || v.length >= 3) && !/^\d+$/.test(v) && smilesShaped(v)
          ) {
            out.add(v);
          }
        }
        const next = core.replace(/[?!,;:]+$|\.+$|['"”’)]+$/, "");
        if (next === core) break;
        core = next;
      }
    }
  }
  return [...out];
}

/** Answers from verdicts computed in a worker; tokens never seen are treated as not SMILES. */
export class VerdictChecker implements SmilesChecker {
  constructor(private readonly verdicts: Map<string, TokenVerdict | ChemAgentError>) {}

  /** Throws input_too_complex for a token over the limits, so the question is refused by name. */
  isValidSmiles(smiles: string): boolean {
    const v = this.verdicts.get(smiles);
    if (v instanceof ChemAgentError) throw v;
    return !!v?.valid;
  }

  canonical(smiles: string): string {
    const v = this.verdicts.get(smiles);
    if (v instanceof ChemAgentError) throw v;
    if (v?.valid && v.canonical !== undefined) return v.canonical;
    const e = v?.error;
    throw new ChemAgentError(
      e?.code ?? "invalid_smiles",
      e?.message || `"${smiles}" is not a valid SMILES.`,
      {
        details: e?.details,
      },
    );
  }

  inchikey(smiles: string): string {
    this.canonical(smiles); // throws the token's error
    return this.verdicts.get(smiles) instanceof ChemAgentError
      ? ""
      : (this.verdicts.get(smiles) as TokenVerdict).inchikey ?? "";
  }

  parseQuery(query: string): { delete(): void } {
    const v = this.verdicts.get(query);
    if (v instanceof ChemAgentError) throw v;
    if (v?.smarts) return { delete() {} };
    throw new ChemAgentError("invalid_smiles", `"${query}" is not a valid SMARTS/SMILES query.`);
  }
}

/** Splits candidates into those refused by the bounds (no RDKit) and those a worker must judge. */
export function preScreen(candidates: string[]): { refused: Map<string, ChemAgentError>; toCheck: string[] } {
  const refused = new Map<string, ChemAgentError>();
  const toCheck: string[] = [];
  for (const c of candidates) {
    try {
      checkSmiles(c);
      toCheck.push(c);
    } catch (e) {
      refused.set(c, e as ChemAgentError);
    }
  }
  return { refused, toCheck };
}
