/** @module Names, units and labels of the numeric properties tools compute, filter and rank on. */
import type { Descriptors } from "../chem/engine.ts";
import { lipinski } from "../chem/rules.ts";

export const NUMERIC_PROPERTIES = [
  "molecular_weight",
  "exact_mass",
  "clogp",
  "molar_refractivity",
  "hbd",
  "hba",
  "tpsa",
  "rotatable_bonds",
  "rings",
  "aromatic_rings",
  "heavy_atoms",
  "fraction_sp3",
  "stereocenters",
  "lipinski_violations",
] as const;

export type NumericProperty = typeof NUMERIC_PROPERTIES[number];

export const PROPERTY_INFO: Record<NumericProperty, { label: string; unit: string }> = {
  molecular_weight: { label: "Molecular weight", unit: "g/mol" },
  exact_mass: { label: "Exact mass", unit: "Da" },
  clogp: { label: "cLogP (Crippen)", unit: "" },
  molar_refractivity: { label: "Molar refractivity", unit: "" },
  hbd: { label: "H-bond donors", unit: "" },
  hba: { label: "H-bond acceptors", unit: "" },
  tpsa: { label: "TPSA", unit: "Å²" },
  rotatable_bonds: { label: "Rotatable bonds", unit: "" },
  rings: { label: "Rings", unit: "" },
  aromatic_rings: { label: "Aromatic rings", unit: "" },
  heavy_atoms: { label: "Heavy atoms", unit: "" },
  fraction_sp3: { label: "Fraction sp3", unit: "" },
  stereocenters: { label: "Stereocentres", unit: "" },
  lipinski_violations: { label: "Lipinski violations", unit: "" },
};

/** Value of a numeric property from descriptors (derived ones computed here). */
export function propertyValue(d: Descriptors, p: NumericProperty): number {
  if (p === "lipinski_violations") return lipinski(d).violations.length;
  return d[p];
}

export function formatValue(p: NumericProperty, v: number): string {
  const unit = PROPERTY_INFO[p].unit;
  const n = Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/^-(0\.0+)$/, "$1");
  return unit ? `${n} ${unit}` : n;
}
