/** @module Hill-order molecular formula from RDKit's commonchem JSON (MinimalLib has no formula call). */

const SYMBOLS =
  ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se " +
    "Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb " +
    "Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg " +
    "Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og").split(" ");

interface CommonChemAtom {
  z?: number;
  impHs?: number;
  chg?: number;
}

interface CommonChem {
  defaults: { atom: Required<CommonChemAtom> };
  molecules: { atoms: CommonChemAtom[] }[];
}

/** Formula in Hill order (C, H, then alphabetical; alphabetical throughout without carbon), net charge appended. */
export function formulaFromJson(json: string): string {
  const doc = JSON.parse(json) as CommonChem;
  const counts = new Map<string, number>();
  let charge = 0;
  const add = (sym: string, n: number) => counts.set(sym, (counts.get(sym) ?? 0) + n);
  for (const mol of doc.molecules) {
    for (const atom of mol.atoms) {
      const z = atom.z ?? doc.defaults.atom.z;
      const hs = atom.impHs ?? doc.defaults.atom.impHs;
      charge += atom.chg ?? doc.defaults.atom.chg;
      add(z === 0 ? "*" : SYMBOLS[z - 1] ?? "?", 1);
      if (hs) add("H", hs);
    }
  }
  const order = [...counts.keys()].sort();
  const hill = counts.has("C")
    ? ["C", ...(counts.has("H") ? ["H"] : []), ...order.filter((s) => s !== "C" && s !== "H")]
    : order;
  const body = hill.map((s) => s + (counts.get(s)! > 1 ? counts.get(s) : "")).join("");
  if (charge === 0) return body;
  const mag = Math.abs(charge);
  return body + (charge > 0 ? "+" : "-") + (mag > 1 ? mag : "");
}
