#!/usr/bin/env python3
"""Reference descriptors and Tanimoto values from Debian's python3-rdkit, for tests/fixtures/rdkit_reference.json.

Re-create with:  /usr/bin/python3 tools/make_reference.py   (apt-get install python3-rdkit)
Ground truth only: nothing at run time uses Python.
"""
import json
import random
import sys
from pathlib import Path

from rdkit import Chem, DataStructs, RDLogger, rdBase
from rdkit.Chem import AllChem, Crippen, Descriptors, rdMolDescriptors

RDLogger.DisableLog("rdApp.*")
# RDKit PR #9060 (fixes issue #8997, released 2026): degree-3 aromatic N (N-alkyl pyrrole/pyridone type) is no
# longer an H-bond acceptor. Debian's 2022.09 predates it, so we also count with the new SMARTS to show that this
# change, and nothing else, explains the HBA differences against the WASM build.
HBA_2026 = Chem.MolFromSmarts(
    "[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0X2,o,s;+0])]"
)
root = Path(__file__).resolve().parent.parent
data = json.loads((root / "data" / "dataset.json").read_text())
out = {"rdkit_version": rdBase.rdkitVersion, "fields": ["molecular_weight", "clogp", "hbd", "hba", "tpsa", "rotatable_bonds", "aromatic_rings", "heavy_atoms", "hba_pr9060"], "compounds": {}, "unparsed": [], "pairs": []}
fps = {}
for c in data["compounds"]:
    smi = c.get("smiles")
    if not smi:
        continue
    m = Chem.MolFromSmiles(smi)
    if m is None:
        out["unparsed"].append(c["id"])
        continue
    out["compounds"][c["id"]] = [
        round(Descriptors.MolWt(m), 4),
        round(Crippen.MolLogP(m), 4),
        rdMolDescriptors.CalcNumHBD(m),
        rdMolDescriptors.CalcNumHBA(m),
        round(rdMolDescriptors.CalcTPSA(m), 4),
        rdMolDescriptors.CalcNumRotatableBonds(m),
        rdMolDescriptors.CalcNumAromaticRings(m),
        m.GetNumHeavyAtoms(),
        len(m.GetSubstructMatches(HBA_2026)),
    ]
    fps[c["id"]] = AllChem.GetMorganFingerprintAsBitVect(m, 2, nBits=2048)

ids = sorted(fps)
rng = random.Random(20261125)
pairs = set()
while len(pairs) < 1000:
    a, b = rng.sample(ids, 2)
    pairs.add((a, b))
# Include near neighbours too, so high similarities are exercised, not only ~0.1 pairs.
near = []
for a in rng.sample(ids, 200):
    sims = DataStructs.BulkTanimotoSimilarity(fps[a], [fps[x] for x in ids])
    best = max((s, x) for s, x in zip(sims, ids) if x != a)
    near.append((a, best[1]))
for a, b in sorted(pairs)[:800] + near:
    out["pairs"].append([a, b, round(DataStructs.TanimotoSimilarity(fps[a], fps[b]), 6)])

dest = root / "tests" / "fixtures" / "rdkit_reference.json"
dest.write_text(json.dumps(out, separators=(",", ":"), sort_keys=True) + "\n")
print(f"wrote {dest} with {len(out['compounds'])} compounds, {len(out['pairs'])} pairs (RDKit {rdBase.rdkitVersion})", file=sys.stderr)
