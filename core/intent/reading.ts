/** @module What parsing reads and produces: the Reading of a question and the Parsed result. */
import type { SmilesChecker } from "../chem/smiles_checker.ts";
import type { Dataset } from "../data/dataset.ts";
import type { ChemAgentError } from "../errors.ts";
import type { Entities, Intent, Understanding } from "../types.ts";
import type { Action } from "./actions.ts";
import type { Recognised } from "./entities.ts";
import type { Constraints, propertyMentions } from "./numbers.ts";
import type { RelativeConstraint } from "./relative.ts";
import type { UnavailableAsk } from "./unavailable.ts";

export interface ParseContext {
  data: Dataset;
  /** SMILES verdicts for this question's tokens, decided in a chemistry worker beforehand. */
  chem: SmilesChecker;
  maxLength: number;
}

/** What parsing produced: an intent, and for unanswerable questions the error to report. */
export interface Parsed {
  intent: Intent;
  error?: ChemAgentError;
  /** Functional group or SMILES/SMARTS used as a substructure query. */
  substructure?: { query: string; label: string };
  /** Text not recognised that looked like a compound name (for not_found suggestions). */
  unknown: string[];
  /** Ordered follow-up actions for workflows. */
  actions: Action[];
  /** "their"/"them"/"it" with nothing to refer to in this question (session context may resolve it). */
  dangling: boolean;
  /** Names that are both a compound and a target, and names shared by different compounds. */
  ambiguous?: { text: string; compoundIds: string[]; targetId?: string }[];
  /** Why the LLM was not used when it could have been (unavailable, failed, over budget). */
  llmNote?: string;
  /** Which words were used, which were not, what was corrected (offsets into the question as sent). */
  understanding?: Understanding;
  /** Asks the offline data cannot serve (pKa, IC50…), named. */
  unavailable?: UnavailableAsk[];
  /** "the first one": a later step uses only this many items of the previous list. */
  pick?: number;
  /** Everything the question asked for is data the source lacks (only related data can be shown). */
  onlyUnavailable?: boolean;
  /** The question asks for potency values only (a source with bioactivities plans one potency step). */
  potencyOnly?: boolean;
}

/** Everything read from the text before deciding the intent. */
export interface Reading {
  text: string;
  constraints: Constraints;
  rec: Recognised;
  mentions: ReturnType<typeof propertyMentions>;
  entities: Entities;
  group?: [RegExp, string, string];
  unavailable: UnavailableAsk[];
  fields: { field: string; start: number; end: number; text: string }[];
  status?: { min_phase?: number; max_phase?: number; start: number; end: number; text: string };
  route?: { route: string; start: number; end: number };
  relative: RelativeConstraint[];
  unknown: string[];
  /** Unknown name-like words taken as compounds of a list ("compare X, Y and Z"). */
  listedUnknown: { text: string; start: number; end: number }[];
  ambiguous: NonNullable<Parsed["ambiguous"]>;
  substructure?: { query: string; label: string };
  actions: Action[];
  clauses: string[];
}
