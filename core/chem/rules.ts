/** @module Drug-likeness rules (Lipinski rule of five, Veber) over computed descriptors. */
import type { Descriptors } from "./engine.ts";

export interface RuleCheck {
  rule: string;
  passes: boolean;
  violations: { property: string; value: number; limit: string }[];
}

/** Lipinski's rule of five: at most one violation of MW ≤ 500, cLogP ≤ 5, HBD ≤ 5, HBA ≤ 10. */
export function lipinski(d: Descriptors): RuleCheck {
  const violations = [
    {
      property: "molecular_weight",
      value: d.molecular_weight,
      limit: "≤ 500",
      ok: d.molecular_weight <= 500,
    },
    { property: "clogp", value: d.clogp, limit: "≤ 5", ok: d.clogp <= 5 },
    { property: "hbd", value: d.hbd, limit: "≤ 5", ok: d.hbd <= 5 },
    { property: "hba", value: d.hba, limit: "≤ 10", ok: d.hba <= 10 },
  ].filter((v) => !v.ok).map(({ ok: _ok, ...v }) => v);
  return { rule: "Lipinski rule of five", passes: violations.length <= 1, violations };
}

/** Veber's oral bioavailability rule: rotatable bonds ≤ 10 and TPSA ≤ 140 Å². */
export function veber(d: Descriptors): RuleCheck {
  const violations = [
    { property: "rotatable_bonds", value: d.rotatable_bonds, limit: "≤ 10", ok: d.rotatable_bonds <= 10 },
    { property: "tpsa", value: d.tpsa, limit: "≤ 140", ok: d.tpsa <= 140 },
  ].filter((v) => !v.ok).map(({ ok: _ok, ...v }) => v);
  return { rule: "Veber", passes: violations.length === 0, violations };
}
