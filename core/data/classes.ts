/** @module Drug classes from the data: curated names (NSAIDs, statins …) plus ATC levels, indication classes and target family × action. */
import type { Dataset } from "./dataset.ts";
import type { ClassDefinition, Compound, Mechanism } from "./model.ts";
import { normalizeName } from "./normalize.ts";
import { SuggestionIndex } from "./suggest.ts";

/** How a class is defined: by ATC code, indication class, curated mechanism, target family, drug type or a curated list. */
export type ClassKind = "atc" | "indication" | "mechanism" | "target_family" | "drug_type" | "curated_list";

export interface DrugClass {
  /** "nsaids" for curated classes; "atc:C10AA", "ind:antidepressant", "family:gpcr:agonist" for derived ones. */
  id: string;
  label: string;
  kind: ClassKind;
  /** Other names it is recognised by. */
  synonyms: string[];
  /** Human-readable definition, one entry per rule ("ATC M01A (…)", "curated mechanism: Kinase-family INHIBITOR"). */
  defined_by: string[];
  /** True for classes named in data/sources/drug_classes.tsv. */
  curated: boolean;
}

/** One member and the rule that made it one ("ATC M01AE01"). */
export interface ClassMember {
  compound: Compound;
  matched_by: string;
}

interface Condition {
  field: "atc" | "ind" | "type" | "name" | "mech" | "action" | "family" | "gene";
  value: string;
}
interface Rule {
  negate: boolean;
  conditions: Condition[];
}
interface Spec extends DrugClass {
  rules: Rule[];
}

/** Action types that read as a class when pluralised ("GPCR agonists"; not "antibody bindings"). */
const NAMED_ACTIONS = new Set(
  ["INHIBITOR", "AGONIST", "ANTAGONIST", "BLOCKER", "OPENER", "MODULATOR", "ACTIVATOR", "PARTIAL AGONIST"]
    .concat(["INVERSE AGONIST", "POSITIVE ALLOSTERIC MODULATOR", "NEGATIVE ALLOSTERIC MODULATOR"]),
);
const MECH_FIELDS = new Set(["mech", "action", "family", "gene"]);
/** Derived classes need this many members to be named (a class of one is just a drug). */
const MIN_DERIVED_MEMBERS = 3;

function parseRule(text: string): Rule {
  const negate = text.startsWith("-");
  const conditions = text.slice(negate ? 1 : 0).split("&").map((part) => {
    const i = part.indexOf(":");
    return { field: part.slice(0, i).trim() as Condition["field"], value: part.slice(i + 1).trim() };
  });
  return { negate, conditions };
}

/**
 * Spellings a class name is recognised by: as written, plus the plural of a singular name. Never the
 * singular of a plural: "sulfonamides" is a class, "a sulfonamide group" is a functional group.
 */
function nameKeys(name: string): string[] {
  const key = classKey(name);
  if (!key) return [];
  if (key.endsWith("s")) return [key];
  return [key, key.endsWith("y") ? key.slice(0, -1) + "ies" : key + "s"];
}

/** Normalised form of a class name; Greek letters spelt out first ("β-blockers" = "beta blockers"). */
export function classKey(text: string): string {
  return normalizeName(text.replace(/β/g, "beta").replace(/α/g, "alpha").replace(/γ/g, "gamma"));
}

const pluralOf = (name: string) => (name.endsWith("y") ? name.slice(0, -1) + "ies" : name + "s");

/** One-word ATC level names too generic to read as a class in a question ("Which enzymes …"). */
const GENERIC_ATC_NAMES = new Set(
  ("enzymes proteins other various allergens potassium magnesium calcium sodium zinc iron amides carbamates " +
    "benzamides sulfonamides skeleton enemas xanthines")
    .split(" "),
);

const title = (s: string) => s.toLowerCase().replace(/^./, (c) => c.toUpperCase());

/** Every class the data defines, with lookups by id, by typed name, and by member. */
export class ClassIndex {
  readonly #data: Dataset;
  readonly #specs = new Map<string, Spec>();
  readonly #keys = new Map<string, string>();
  readonly #members = new Map<string, ClassMember[]>();
  #suggestions?: SuggestionIndex;
  #atcIndex?: Map<string, Compound[]>;
  readonly #indTerms: Map<string, string[]>;
  readonly #indLabels = new Map<string, string>();
  readonly #mechs: Map<string, Mechanism[]>;

  constructor(data: Dataset, curated: ClassDefinition[], atcLevels: Record<string, string>) {
    this.#data = data;
    this.#indTerms = new Map();
    this.#mechs = new Map();
    for (const c of data.compounds) {
      if (c.indication_class) {
        const terms = c.indication_class.split(";").map((t) => t.trim());
        for (const t of terms) {
          if (!this.#indLabels.has(t.toLowerCase())) this.#indLabels.set(t.toLowerCase(), t);
        }
        this.#indTerms.set(c.id, terms.map((t) => t.toLowerCase()));
      }
      const curatedMechs = data.mechanismsOf(c.id).filter((m) => m.primary);
      if (curatedMechs.length) this.#mechs.set(c.id, curatedMechs);
    }
    for (const def of curated) {
      const rules = def.rules.map(parseRule);
      const first = rules.find((r) => !r.negate)?.conditions[0].field;
      this.#add({
        id: def.id,
        label: def.label,
        kind: first === "atc"
          ? "atc"
          : first === "ind"
          ? "indication"
          : first === "type"
          ? "drug_type"
          : first === "name"
          ? "curated_list"
          : first === "family"
          ? "target_family"
          : "mechanism",
        synonyms: def.synonyms,
        defined_by: rules.map((r) => this.#describe(r, atcLevels)),
        curated: true,
        rules,
      }, [def.label, ...def.synonyms]);
    }
    this.#addDerived(atcLevels);
  }

  /** Builds the index for a dataset (curated names and ATC level names come with the dataset file). */
  static for(data: Dataset): ClassIndex {
    return new ClassIndex(data, data.classDefinitions, data.atcLevels);
  }

  #add(spec: Spec, names: string[], recognisable = true): void {
    if (this.#specs.has(spec.id)) return;
    this.#specs.set(spec.id, spec);
    if (!recognisable) return;
    for (const n of names) {
      for (const k of nameKeys(n)) if (k.length >= 3 && !this.#keys.has(k)) this.#keys.set(k, spec.id);
    }
  }

  #addDerived(atcLevels: Record<string, string>): void {
    const counts = new Map<string, Set<string>>();
    const count = (id: string, compound: string) => {
      let s = counts.get(id);
      if (!s) counts.set(id, s = new Set());
      s.add(compound);
    };
    for (const c of this.#data.compounds) {
      for (const code of c.atc) for (const len of [3, 4, 5]) count(`atc:${code.slice(0, len)}`, c.id);
      for (const t of this.#indTerms.get(c.id) ?? []) count(`ind:${t}`, c.id);
      for (const m of this.#mechs.get(c.id) ?? []) {
        const fam = this.#data.targetById(m.target)?.family;
        if (fam && m.action_type && NAMED_ACTIONS.has(m.action_type)) {
          count(`family:${fam.toLowerCase()}:${m.action_type.toLowerCase()}`, c.id);
        }
      }
    }
    // Code-point order: deterministic and cheaper than locale collation for ~2,000 keys.
    for (const [key, members] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (members.size < MIN_DERIVED_MEMBERS) continue;
      const [kind, ...rest] = key.split(":");
      if (kind === "atc") {
        const code = rest[0];
        const name = atcLevels[code];
        if (!name) continue;
        const rule = parseRule(`atc:${code}`);
        // Names of ATC levels 2–4 are recognised in text unless they are also a compound's name.
        const named = !this.#data.hasCompoundName(normalizeName(name)) &&
          !GENERIC_ATC_NAMES.has(name.toLowerCase());
        this.#add({
          id: key,
          label: `${name} (ATC ${code})`,
          kind: "atc",
          synonyms: [name, `ATC ${code}`],
          defined_by: [this.#describe(rule, atcLevels)],
          curated: false,
          rules: [rule],
        }, [`ATC ${code}`, ...(code.length >= 4 ? [code] : []), ...(named ? [name] : [])]);
      } else if (kind === "ind") {
        const term = rest.join(":");
        const label = this.#indLabels.get(term) ?? term;
        const rule: Rule = { negate: false, conditions: [{ field: "ind", value: term }] };
        const named = !/[()]/.test(term) && !this.#data.hasCompoundName(normalizeName(term));
        this.#add(
          {
            id: `ind:${normalizeName(term)}`,
            label: `${label} drugs`,
            kind: "indication",
            synonyms: [label],
            defined_by: [this.#describe(rule, atcLevels)],
            curated: false,
            rules: [rule],
          },
          // Only the plural ("antibacterials"): the singular is an adjective ("antibacterial activity").
          named ? [pluralOf(label)] : [],
          named,
        );
      } else {
        const [fam, action] = rest;
        const rule: Rule = {
          negate: false,
          conditions: [{ field: "family", value: fam }, { field: "action", value: action }],
        };
        const famLabel = fam.length <= 4 ? fam.toUpperCase() : title(fam);
        const label = `${famLabel} ${action}${action.endsWith("s") ? "" : "s"}`;
        this.#add({
          id: key.replace(/\s+/g, "_"),
          label,
          kind: "target_family",
          synonyms: [],
          defined_by: [this.#describe(rule, atcLevels)],
          curated: false,
          rules: [rule],
        }, [label]);
      }
    }
  }

  #describe(rule: Rule, atcLevels: Record<string, string>): string {
    const mech = rule.conditions.filter((c) => MECH_FIELDS.has(c.field));
    const parts = rule.conditions.filter((c) => !MECH_FIELDS.has(c.field)).map((c) => {
      switch (c.field) {
        case "atc":
          return `ATC ${c.value}${atcLevels[c.value] ? ` (${atcLevels[c.value]})` : ""}`;
        case "ind":
          return `indication class "${c.value}"`;
        case "type":
          return `drug type ${c.value}`;
        default:
          return `curated list: ${c.value}`;
      }
    });
    if (mech.length) {
      const text = mech.find((c) => c.field === "mech")?.value;
      const action = mech.find((c) => c.field === "action")?.value;
      const family = mech.find((c) => c.field === "family")?.value;
      const gene = mech.find((c) => c.field === "gene")?.value;
      parts.push(
        "curated mechanism" +
          (text ? ` "${text}"` : "") +
          (action ? ` ${action.toUpperCase()}` : "") +
          (family ? ` of a ${family}-family target` : "") +
          (gene ? ` at ${gene}` : ""),
      );
    }
    return (rule.negate ? "excluding " : "") + parts.join(" and ");
  }

  /** The class a normalised phrase names ("nsaids", "betablockers"), if any. */
  idForKey(key: string): string | undefined {
    return this.#keys.get(key);
  }

  /** The class named by free text ("beta-blockers", "ATC C10AA") or given by id ("statins", "atc:C10AA"). */
  find(text: string): DrugClass | undefined {
    const spec = this.#specs.get(text) ?? this.#specs.get(text.trim().toLowerCase());
    if (spec) return this.#public(spec);
    const id = this.#keys.get(classKey(text));
    return id ? this.#public(this.#specs.get(id)!) : undefined;
  }

  get(id: string): DrugClass | undefined {
    const spec = this.#specs.get(id);
    return spec ? this.#public(spec) : undefined;
  }

  /** Every class (curated first). */
  all(): DrugClass[] {
    return [...this.#specs.values()].map((s) => this.#public(s));
  }

  /** Curated class names, for typo correction and "did you mean". */
  get suggestions(): SuggestionIndex {
    if (!this.#suggestions) {
      const idx = new SuggestionIndex();
      // Only curated names: a near miss of a derived ATC name ("sulfonamide") is more likely a chemical word.
      for (const [key, id] of this.#keys) {
        const spec = this.#specs.get(id)!;
        if (spec.curated) idx.add(key, spec.label, id, 5000);
      }
      this.#suggestions = idx;
    }
    return this.#suggestions;
  }

  /** Members, most prominent first (approved, then higher phase, more curated mechanisms, name). */
  members(id: string): ClassMember[] {
    const cached = this.#members.get(id);
    if (cached) return cached;
    const spec = this.#specs.get(id);
    if (!spec) return [];
    const out: ClassMember[] = [];
    // Each rule only needs to look at the compounds that can meet it (under its ATC code, with its indication…).
    const pools = spec.rules.filter((r) => !r.negate).map((r) => this.#candidates(r));
    const pool = pools.some((p) => p === null)
      ? this.#data.compounds
      : [...new Set(pools.flatMap((p) => p!))];
    for (const c of pool) {
      let matched: string | null = null;
      let excluded = false;
      for (const rule of spec.rules) {
        const why = this.#match(rule, c);
        if (why === null) continue;
        if (rule.negate) {
          excluded = true;
          break;
        }
        matched ??= why;
      }
      if (matched !== null && !excluded) out.push({ compound: c, matched_by: matched });
    }
    const rank = new Map(out.map((m) => [m.compound.id, prominence(m.compound, this.#data)]));
    out.sort((a, b) =>
      rank.get(b.compound.id)! - rank.get(a.compound.id)! || a.compound.name.localeCompare(b.compound.name)
    );
    this.#members.set(id, out);
    return out;
  }

  /** The compounds a rule can match, or null for "any". */
  #candidates(rule: Rule): Compound[] | null {
    const atc = rule.conditions.find((x) => x.field === "atc");
    if (atc) return this.#underAtc(atc.value);
    const ind = rule.conditions.find((x) => x.field === "ind");
    if (ind) {
      return this.#data.compounds.filter((c) => this.#indTerms.get(c.id)?.includes(ind.value.toLowerCase()));
    }
    const name = rule.conditions.find((x) => x.field === "name");
    if (name) return this.#data.compoundsByName(name.value);
    if (rule.conditions.some((x) => MECH_FIELDS.has(x.field))) {
      return [...this.#mechs.keys()].map((id) => this.#data.compoundById(id)!);
    }
    return null;
  }

  /** Compounds with an ATC code under a prefix (index built on first use). */
  #underAtc(prefix: string): Compound[] {
    if (!this.#atcIndex) {
      this.#atcIndex = new Map();
      for (const c of this.#data.compounds) {
        for (const p of new Set(c.atc.flatMap((code) => [1, 3, 4, 5, 6, 7].map((n) => code.slice(0, n))))) {
          const list = this.#atcIndex.get(p);
          if (list) list.push(c);
          else this.#atcIndex.set(p, [c]);
        }
      }
    }
    return this.#atcIndex.get(prefix) ?? [];
  }

  isMember(id: string, compoundId: string): boolean {
    return this.members(id).some((m) => m.compound.id === compoundId);
  }

  /** Why a compound meets a rule ("ATC M01AE01"), or null. */
  #match(rule: Rule, c: Compound): string | null {
    const reasons: string[] = [];
    const mechConds = rule.conditions.filter((x) => MECH_FIELDS.has(x.field));
    for (const cond of rule.conditions) {
      const v = cond.value.toLowerCase();
      switch (cond.field) {
        case "atc": {
          // The plain substance code (M01AE01) rather than a combination (M01AE51) when both match.
          const code = c.atc.filter((a) => a.startsWith(cond.value)).sort()[0];
          if (!code) return null;
          reasons.push(`ATC ${code}`);
          break;
        }
        case "ind":
          if (!this.#indTerms.get(c.id)?.includes(v)) return null;
          reasons.push(`indication class "${c.indication_class}"`);
          break;
        case "type":
          if (c.drug_type?.toLowerCase() !== v) return null;
          reasons.push(`drug type ${c.drug_type}`);
          break;
        case "name":
          if (normalizeName(c.name) !== normalizeName(v)) return null;
          reasons.push("curated list");
          break;
      }
    }
    if (mechConds.length) {
      const m = (this.#mechs.get(c.id) ?? []).find((m) => mechConds.every((x) => this.#mechMatches(m, x)));
      if (!m) return null;
      const t = this.#data.targetById(m.target);
      reasons.push(
        `${m.mechanism ?? m.action_type ?? "mechanism"} (${t?.genes[0] ?? t?.name ?? m.target}; ${m.source})`,
      );
    }
    return reasons.join(", ");
  }

  #mechMatches(m: Mechanism, cond: Condition): boolean {
    const v = cond.value.toLowerCase();
    switch (cond.field) {
      case "mech":
        return !!m.mechanism?.toLowerCase().includes(v);
      case "action":
        return m.action_type?.toLowerCase() === v;
      case "family":
        return this.#data.targetById(m.target)?.family?.toLowerCase() === v;
      default:
        return !!this.#data.targetById(m.target)?.genes.some((g) => g.toLowerCase() === v);
    }
  }

  #public(s: Spec): DrugClass {
    const { rules: _rules, ...pub } = s;
    return pub;
  }
}

/** Approved before investigational, more agencies and curated mechanisms before fewer. */
export function prominence(c: Compound, data: Dataset): number {
  return (c.phase ?? 0) * 1000 + c.approvals.length * 100 +
    Math.min(data.mechanismsOf(c.id).filter((m) => m.primary).length, 50) + (c.canonical_smiles ? 1 : 0);
}
