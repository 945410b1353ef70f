#!/usr/bin/python3
"""Ground truth for tests/eval/library.jsonl (written blind, 2026-11-29).

Reads the two fixture libraries (kinase_hits.smi -> "kinase hits", acme_inhouse.csv -> "ACME in-house"),
computes descriptors / Morgan(r=2, 2048) Tanimoto / SMARTS matches with python RDKit, and writes the
cases with their `answer` (names that must be shown) and `absent` (names a constraint must exclude).

Conservative rules, so that a definition choice in the product does not flip a case:
  * substructure: several reasonable patterns per group; `answer` = rows matched by every pattern
    (only when the union is <= 10 rows, so all are shown), `absent` = rows matched by none.
  * filters: HBD/HBA/rotatable bonds are checked under both RDKit definitions (CalcNumHBD vs NHOH count,
    strict vs non-strict rotors); rows within a small margin of a threshold are neither answer nor absent.
  * top-N: only used where rank N and N+1 are clearly separated.
  * similarity: the query compound itself (Tanimoto 1.0) must be shown; with a stated threshold, rows
    clearly above it (margin 0.03) are answers when <= 10 rows pass.
Run:  /usr/bin/python3 tests/eval/libraries/ground_truth.py [--print]  (writes tests/eval/library.jsonl)
"""
import csv, json, os, sys
from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import Descriptors, Crippen, rdMolDescriptors, AllChem
RDLogger.DisableLog('rdApp.*')

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'library.jsonl')
SHOWN = 10

def load():
    kin = []
    for line in open(os.path.join(HERE, 'kinase_hits.smi')):
        s, n = line.strip().split(' ', 1)
        kin.append((n, s))
    acme = [(r['compound_id'], r['smiles']) for r in csv.DictReader(open(os.path.join(HERE, 'acme_inhouse.csv')))]
    return {'kin': kin, 'acme': acme}

LIBS = load()
MOLS = {k: [(n, Chem.MolFromSmiles(s)) for n, s in v] for k, v in LIBS.items()}

def fp(m):
    return AllChem.GetMorganFingerprintAsBitVect(m, 2, nBits=2048)

def props(m):
    return dict(
        mw=Descriptors.MolWt(m), logp=Crippen.MolLogP(m), tpsa=rdMolDescriptors.CalcTPSA(m),
        hbd=(rdMolDescriptors.CalcNumHBD(m), rdMolDescriptors.CalcNumLipinskiHBD(m)),
        hba=(rdMolDescriptors.CalcNumHBA(m), rdMolDescriptors.CalcNumLipinskiHBA(m)),
        rot=(rdMolDescriptors.CalcNumRotatableBonds(m, True), rdMolDescriptors.CalcNumRotatableBonds(m, False)),
    )

PROPS = {k: [(n, props(m)) for n, m in v] for k, v in MOLS.items()}

# ---- primitives -------------------------------------------------------------------------------
def sim(lib, smiles):
    q = fp(Chem.MolFromSmiles(smiles))
    r = [(n, DataStructs.TanimotoSimilarity(q, fp(m))) for n, m in MOLS[lib]]
    return sorted(r, key=lambda x: -x[1])

def sub(lib, patterns):
    pats = [Chem.MolFromSmarts(p) for p in patterns]
    every, none, union = [], [], []
    for n, m in MOLS[lib]:
        hits = [m.HasSubstructMatch(p) for p in pats]
        if all(hits): every.append(n)
        if any(hits): union.append(n)
        else: none.append(n)
    return every, none, union

def tri(pred_sure, pred_maybe, lib):
    """pred_sure(p): passes under every definition; pred_maybe(p): passes under some definition."""
    sure = [n for n, p in PROPS[lib] if pred_sure(p)]
    maybe = [n for n, p in PROPS[lib] if pred_maybe(p)]
    never = [n for n, p in PROPS[lib] if not pred_maybe(p)]
    return sure, maybe, never

def gt(x, t, eps):  # clearly > t / possibly > t
    return x > t + eps, x > t - eps

def lt(x, t, eps):
    return x < t - eps, x < t + eps

EPS = dict(mw=0.5, logp=0.05, tpsa=0.5)

def rank(lib, key, desc, n, defn=0):
    vals = [(nm, (p[key][defn] if isinstance(p[key], tuple) else p[key])) for nm, p in PROPS[lib]]
    vals.sort(key=lambda x: -x[1] if desc else x[1])
    top, nxt = vals[:n], vals[n] if len(vals) > n else None
    gap = abs(top[-1][1] - nxt[1]) if nxt else 99
    return [x[0] for x in top], gap, vals[: n + 2]

# ---- case building -----------------------------------------------------------------------------
CASES = []
LOG = []

def case(q, category, intent, outcome='success', **kw):
    c = {'q': q, 'category': category, 'intent': intent, 'outcome': outcome}
    for k in ('intents', 'accept', 'compounds', 'tools', 'count', 'correction', 'unsupported', 'answer', 'absent'):
        if k in kw and kw[k] not in (None, [], ''):
            c[k] = kw[k]
    CASES.append(c)
    return c

def shown(names):
    """names that must be displayed: all of them when the result has <= 10 rows, else none."""
    return list(names) if len(names) <= SHOWN else []

def pick(names, k=3):
    return list(names)[:k]

SMI = {n: s for lib in LIBS.values() for n, s in lib}
ACME_KEY = {}
for line in open(os.path.join(HERE, 'acme_inhouse.key.tsv')):
    a, chembl, name = line.rstrip('\n').split('\t')
    ACME_KEY[name.lower()] = a

def sim_case(q, lib, query_smiles, category='lib_similarity', threshold=None, top=None, self_name=None, compounds=None, extra_tools=None, prop_filter=None, **kw):
    r = sim(lib, query_smiles)
    LOG.append((q, [(n, round(s, 3)) for n, s in r[:8]]))
    answer, absent = [], []
    if self_name: answer.append(self_name)
    if threshold is not None:
        clear = [n for n, s in r if s >= threshold + 0.03]
        passing = [n for n, s in r if s >= threshold - 0.03]
        if prop_filter:
            clear = [n for n in clear if prop_filter(dict(PROPS[lib])[n])[0]]
            passing = [n for n in passing if prop_filter(dict(PROPS[lib])[n])[1]]
        if len(passing) <= SHOWN:
            answer += [n for n in clear if n not in answer]
        absent += [n for n, s in r if s < threshold - 0.03 and n != self_name][:2]
    if top:
        s = [x[1] for x in r]
        if s[top - 1] - s[top] >= 0.03:
            answer += [n for n, _ in r[:top] if n not in answer]
        else:
            LOG.append(('  top-N not separated', top, s[top - 1], s[top]))
    absent += [n for n in kw.pop('absent', []) if n not in absent]
    tools = ['similarity_search'] + (extra_tools or [])
    return case(q, category, 'similarity_search', compounds=compounds, tools=tools, count=top, answer=answer, absent=absent, **kw)

def sub_case(q, lib, patterns, category='lib_substructure', prop=None, n_absent=3, **kw):
    every, none, union = sub(lib, patterns)
    if prop:
        d = dict(PROPS[lib])
        sure = [n for n in every if prop(d[n])[0]]
        maybe_union = [n for n in union if prop(d[n])[1]]
        excluded = [n for n in every if not prop(d[n])[1]]
        answer = sure if len(maybe_union) <= SHOWN else []
        absent = pick(none, 2) + pick(excluded, 2)
    else:
        answer = every if len(union) <= SHOWN else []
        absent = pick(none, n_absent)
    LOG.append((q, 'every', len(every), 'union', len(union), every[:12]))
    tools = ['substructure_search'] + (['filter_by_properties'] if prop and kw.pop('filter_tool', False) else [])
    intents = kw.pop('intents', ['property_filter'] if prop else None)
    return case(q, category, 'substructure_search', intents=intents, tools=tools, answer=answer, absent=absent, **kw)

def filter_case(q, lib, pred, category='lib_filter', n_absent=3, **kw):
    sure, maybe, never = tri(lambda p: pred(p)[0], lambda p: pred(p)[1], lib)
    LOG.append((q, 'sure', len(sure), 'maybe', len(maybe), sure[:12]))
    answer = sure if len(maybe) <= SHOWN else []
    absent = kw.pop('absent', None) or pick(never, n_absent)
    return case(q, category, kw.pop('intent', 'property_filter'), tools=kw.pop('tools', ['filter_by_properties']), answer=answer, absent=absent, **kw)

def rank_case(q, lib, key, desc, n, category='lib_rank', defn=0, **kw):
    top, gap, head = rank(lib, key, desc, n, defn)
    LOG.append((q, head, 'gap', round(gap, 3)))
    if isinstance(PROPS[lib][0][1][key], tuple):
        other, gap2, _ = rank(lib, key, desc, n, 1 - defn)
        assert set(other) == set(top), (q, top, other)
        gap = min(gap, gap2)
    assert gap >= {'mw': 1.0, 'logp': 0.1, 'tpsa': 1.0}.get(key, 1), (q, head)
    return case(q, category, kw.pop('intent', 'property_filter'), count=n, answer=top, **kw)

def both(x, t, op):  # for integer tuple descriptors: (sure, maybe) across definitions
    vals = [op(v, t) for v in x]
    return all(vals), any(vals)

import operator as O
K, A = 'kin', 'acme'
IMATINIB, SORAFENIB, CELECOXIB, ASPIRIN = SMI['Imatinib'], SMI['Sorafenib'], SMI['Celecoxib'], SMI['Aspirin']
GEFITINIB, ERLOTINIB, DASATINIB = SMI['Gefitinib'], SMI['Erlotinib'], SMI['Dasatinib']
IBUPROFEN = 'CC(C)Cc1ccc(C(C)C(=O)O)cc1'
NAPROXEN = SMI[ACME_KEY['naproxen']]

# ---- similarity in a library ---------------------------------------------------------------------
sim_case('in my kinase hits library, find compounds similar to imatinib', K, IMATINIB, self_name='Imatinib', compounds=['CHEMBL941'])
sim_case('find analogues of sorafenib in kinase hits', K, SORAFENIB, self_name='Sorafenib', compounds=['CHEMBL1336'])
sim_case('which compounds in ACME in-house look like imatinib?', A, IMATINIB, self_name=ACME_KEY['imatinib'], compounds=['CHEMBL941'])
sim_case('compounds similar to celecoxib in the kinase hits library with tanimoto > 0.5', K, CELECOXIB, threshold=0.5, self_name='Celecoxib', compounds=['CHEMBL118'])
sim_case('search kinase hits for compounds similar to CC(=O)Oc1ccccc1C(=O)O', K, ASPIRIN, self_name='Aspirin')
sim_case(f'similarity search in ACME in-house for {NAPROXEN}', A, NAPROXEN, self_name=ACME_KEY['naproxen'])
sim_case('top 3 most similar compounds to gefitinib in my kinase hits library', K, GEFITINIB, top=3, self_name='Gefitinib', compounds=['CHEMBL939'])
sim_case('nearest neighbours of erlotinib in kinase hits at a 0.4 cutoff', K, ERLOTINIB, threshold=0.4, self_name='Erlotinib', compounds=['CHEMBL553'])
sim_case('any compounds in ACME in-house similar to ibuprofen?', A, IBUPROFEN, compounds=['CHEMBL521'], accept=['not_found'])
sim_case('similarity search against ACME in-house using sorafenib as the query, threshold 0.3', A, SORAFENIB, threshold=0.3, self_name=ACME_KEY['sorafenib'], compounds=['CHEMBL1336'])
sim_case(f'the 2 nearest neighbours of {DASATINIB} in kinase hits', K, DASATINIB, top=2, self_name='Dasatinib')

# ---- substructure in a library -------------------------------------------------------------------
SULFONAMIDE = ['S(=O)(=O)N', '[SX4](=O)(=O)[NX3]', '[#16X4](=[OX1])(=[OX1])[#7]']
ACID = ['[CX3](=O)[OX2H1]', 'C(=O)[OH]', '[CX3](=O)[OX1H0-,OX2H1]']
PYRIDINE = ['c1ccncc1', 'n1ccccc1', '[nX2]1ccccc1', '[nX2;R1]1[c;R1][c;R1][c;R1][c;R1][c;R1]1']  # last: not fused
BENZENE = ['c1ccccc1', '[cR]1[cR][cR][cR][cR][cR]1']
AMIDE = ['C(=O)N', '[CX3](=O)[NX3]', '[#6][CX3](=O)[#7]']
PIPERAZINE = ['N1CCNCC1', 'C1CNCCN1', '[#7]1-[#6]-[#6]-[#7]-[#6]-[#6]-1']
CF3 = ['C(F)(F)F', '[CX4](F)(F)F']
FLUORO = ['F', '[F]', '[#9]']
UREA = ['NC(=O)N', '[NX3][CX3](=O)[NX3]', '[#7]C(=O)[#7]']
MORPHOLINE = ['C1COCCN1', 'O1CCNCC1']
QUINAZOLINE = ['c1ccc2ncncc2c1', 'c1ncc2ccccc2n1']
NITRO = ['[N+](=O)[O-]', '[$([NX3](=O)=O),$([NX3+](=O)[O-])]']
THIOPHENE = ['c1ccsc1', 's1cccc1']
CARBOXAMIDE_PRIMARY = ['C(=O)[NH2]', '[CX3](=O)[NX3H2]']

sub_case('which compounds in ACME in-house contain a sulfonamide', A, SULFONAMIDE)
sub_case('find carboxylic acids in the ACME in-house library', A, ACID)
sub_case('which kinase hits contain a pyridine ring?', K, PYRIDINE)
sub_case('compounds in kinase hits with a benzene ring', K, BENZENE)
sub_case('show me the amides in kinase hits', K, AMIDE)
sub_case('which compounds in my kinase hits library have a piperazine?', K, PIPERAZINE)
sub_case('kinase hits compounds bearing a trifluoromethyl group', K, CF3)
sub_case('which molecules in kinase hits contain fluorine', K, FLUORO)
sub_case('ureas in ACME in-house', A, UREA)
sub_case('does anything in kinase hits have a morpholine?', K, MORPHOLINE)
sub_case('substructure search kinase hits for c1ccc2ncncc2c1', K, QUINAZOLINE)
sub_case('list the piperazine-containing compounds in ACME in-house', A, PIPERAZINE)

# ---- property filters on a library -----------------------------------------------------------------
filter_case('filter ACME in-house to MW < 400 and logP < 3', A, lambda p: tuple(a and b for a, b in zip(lt(p['mw'], 400, .5), lt(p['logp'], 3, .05))), absent=[ACME_KEY['montelukast'], ACME_KEY['ubidecarenone'], ACME_KEY['imatinib']])
filter_case('compounds in kinase hits with MW under 400', K, lambda p: lt(p['mw'], 400, .5))
filter_case('kinase hits with logP above 5', K, lambda p: gt(p['logp'], 5, .05))
filter_case('which compounds in kinase hits have more than 2 H-bond donors', K, lambda p: both(p['hbd'], 2, O.gt))
filter_case('kinase hits compounds with TPSA > 100', K, lambda p: gt(p['tpsa'], 100, .5))
filter_case('kinase hits with 4 or fewer rotatable bonds', K, lambda p: both(p['rot'], 4, O.le))
filter_case('ACME in-house compounds with more than 10 hydrogen bond acceptors', A, lambda p: both(p['hba'], 10, O.gt))
filter_case('Lipinski-compliant compounds in ACME in-house', A, lambda p: (None, None), absent=[ACME_KEY['ubidecarenone'], ACME_KEY['fiboflapon'], ACME_KEY['montelukast']])
filter_case('ACME in-house compounds with TPSA above 140', A, lambda p: gt(p['tpsa'], 140, .5))
filter_case('ACME in-house compounds with no H-bond donors and logP > 5', A, lambda p: tuple(a and b for a, b in zip(both(p['hbd'], 0, O.eq), gt(p['logp'], 5, .05))))
filter_case('which kinase hits violate 2 or more of Lipinski\'s rules', K,
            lambda p: ((p['mw'] > 500) + (p['logp'] > 5) + (p['hbd'][0] > 5) + (p['hba'][0] > 10) >= 2,) * 2, absent=['Aspirin', 'Imatinib', 'Erlotinib'])

# ---- top-N ranking in a library --------------------------------------------------------------------
rank_case('the 5 heaviest compounds in kinase hits', K, 'mw', True, 5)
rank_case('3 lightest molecules in ACME in-house', A, 'mw', False, 3)
rank_case('top 4 most lipophilic compounds in ACME in-house by logP', A, 'logp', True, 4)
rank_case('which 3 compounds in kinase hits have the highest TPSA?', K, 'tpsa', True, 3)
rank_case('which compound in kinase hits has the lowest logP', K, 'logp', False, 1)
rank_case('rank ACME in-house by number of rotatable bonds and give me the top 3', A, 'rot', True, 3)
rank_case('top 10 compounds by molecular weight in ACME in-house', A, 'mw', True, 10)

# ---- similarity / substructure combined with filters -----------------------------------------------
sim_case('in kinase hits, compounds similar to imatinib with MW under 500', K, IMATINIB, category='lib_combo', self_name='Imatinib', compounds=['CHEMBL941'], extra_tools=['filter_by_properties'], intents=['property_filter'], absent=['Nilotinib', 'Ponatinib'])
sub_case('carboxylic acids in ACME in-house with MW < 300', A, ACID, category='lib_combo', prop=lambda p: lt(p['mw'], 300, .5))
sub_case('sulfonamides in ACME in-house with logP below 1', A, SULFONAMIDE, category='lib_combo', prop=lambda p: lt(p['logp'], 1, .05))
sub_case('kinase hits compounds containing a piperazine and MW > 500', K, PIPERAZINE, category='lib_combo', prop=lambda p: gt(p['mw'], 500, .5))
sub_case('CF3-containing compounds in kinase hits with logP > 5', K, CF3, category='lib_combo', prop=lambda p: gt(p['logp'], 5, .05))
sub_case('fluorinated compounds in kinase hits under 450 Da', K, FLUORO, category='lib_combo', prop=lambda p: lt(p['mw'], 450, .5))
sim_case('compounds in kinase hits similar to sorafenib (tanimoto >= 0.4) that have at most 2 H-bond donors', K, SORAFENIB, category='lib_combo', threshold=0.4, compounds=['CHEMBL1336'], extra_tools=['filter_by_properties'], intents=['property_filter'], prop_filter=lambda p: both(p['hbd'], 2, O.le), absent=['Regorafenib'], accept=['not_found'])

# ---- comparison with approved drugs ------------------------------------------------------------------
CMP = dict(intents=['multi_step_workflow', 'property_filter'], tools=['compare_library'])
case('compare kinase hits with approved drugs', 'lib_compare', 'property_comparison', **CMP)
case('how does my ACME in-house library compare to the approved drugs?', 'lib_compare', 'property_comparison', **CMP)
case('compare the MW and logP distribution of kinase hits against approved drugs', 'lib_compare', 'property_comparison', **CMP)
case('ACME in-house vs approved drugs — how drug-like is it?', 'lib_compare', 'property_comparison', **CMP)

# ---- typos in the library name -------------------------------------------------------------------------
sim_case('in my kinse hits library, find compounds similar to imatinib', K, IMATINIB, category='lib_typo', self_name='Imatinib', compounds=['CHEMBL941'], correction={'from': 'kinse hits', 'to': 'kinase hits'})
sub_case('which compounds in ACEM in-house contain a sulfonamide', A, SULFONAMIDE, category='lib_typo', correction={'from': 'ACEM in-house', 'to': 'ACME in-house'})
rank_case('the 5 heaviest compounds in kinase hist', K, 'mw', True, 5, category='lib_typo', correction={'from': 'kinase hist', 'to': 'kinase hits'})
case('compare kinaze hits with approved drugs', 'lib_typo', 'property_comparison', correction={'from': 'kinaze hits', 'to': 'kinase hits'}, **CMP)
sub_case('search the ACME in-hose library for piperazines', A, PIPERAZINE, category='lib_typo', correction={'from': 'ACME in-hose', 'to': 'ACME in-house'})
filter_case('filter kinas hits to MW under 400', K, lambda p: lt(p['mw'], 400, .5), category='lib_typo', correction={'from': 'kinas hits', 'to': 'kinase hits'})

# ---- unknown library names -> not_found (never a silent search of the built-in database) -------------
case('find compounds similar to imatinib in my GPCR screen library', 'lib_unknown', 'similarity_search', 'not_found', unsupported=['GPCR screen'])
case('which compounds in the Zeneca legacy library contain a sulfonamide', 'lib_unknown', 'substructure_search', 'not_found', unsupported=['Zeneca legacy'])
case('filter the oncology-2025 library to MW < 400', 'lib_unknown', 'property_filter', 'not_found', unsupported=['oncology-2025'])
case('top 5 heaviest compounds in my fragment library', 'lib_unknown', 'property_filter', 'not_found', unsupported=['fragment'])
case('compare the natural products library with approved drugs', 'lib_unknown', 'property_comparison', 'not_found', intents=['multi_step_workflow', 'property_filter'], unsupported=['natural products'])
case('search the Boston macrocycles library for piperazines', 'lib_unknown', 'substructure_search', 'not_found', unsupported=['Boston macrocycles'])

# ---- a library plus an unavailable ask ---------------------------------------------------------------------
case('IC50 values for the compounds in kinase hits', 'lib_unavailable', 'property_query', 'not_available', accept=['partial'], intents=['property_filter'], unsupported=['IC50'])
case('list ACME in-house compounds with MW < 300 and their aqueous solubility', 'lib_unavailable', 'property_filter', 'partial', accept=['not_available'], unsupported=['solubility'])
case('which compounds in kinase hits have an hERG IC50 below 1 uM?', 'lib_unavailable', 'property_filter', 'not_available', accept=['partial'], intents=['property_query'], unsupported=['IC50'])
case('compounds similar to imatinib in kinase hits, and their Kd against ABL1', 'lib_unavailable', 'similarity_search', 'partial', accept=['not_available'], intents=['multi_step_workflow'], compounds=['CHEMBL941'], unsupported=['Kd'])
case('filter ACME in-house by logP < 3 and melting point above 150', 'lib_unavailable', 'property_filter', 'partial', accept=['not_available'], unsupported=['melting point'])
case('rank the kinase hits by oral bioavailability', 'lib_unavailable', 'property_filter', 'not_available', accept=['partial'], intents=['property_query'], unsupported=['bioavailability'])
case('pKa of every compound in ACME in-house', 'lib_unavailable', 'property_query', 'not_available', accept=['partial'], intents=['batch_query'], unsupported=['pKa'])

# ---- casual / long phrasing, library named at the end -----------------------------------------------------------
sim_case('find me stuff like imatinib — in kinase hits', K, IMATINIB, category='lib_phrasing', self_name='Imatinib', compounds=['CHEMBL941'])
sub_case('which ones have a sulfonamide, in ACME in-house', A, SULFONAMIDE, category='lib_phrasing')
filter_case('anything with MW over 600 in the ACME in-house library?', A, lambda p: gt(p['mw'], 600, .5), category='lib_phrasing')
sub_case('hey, quick one: I uploaded my kinase hits earlier — can you pull out everything that has a urea in it?', K, UREA, category='lib_phrasing')
filter_case("I'm triaging hits and want to drop the greasy, floppy stuff, so from the kinase hits library give me only the compounds with clogP below 4 and fewer than 8 rotatable bonds", K,
            lambda p: tuple(a and b for a, b in zip(lt(p['logp'], 4, .05), both(p['rot'], 8, O.lt))), category='lib_phrasing')
rank_case('sort kinase hits by molecular weight, top 3', K, 'mw', True, 3, category='lib_phrasing')
sim_case('ACME in-house: anything look like naproxen?', A, NAPROXEN, category='lib_phrasing', self_name=ACME_KEY['naproxen'], compounds=['CHEMBL154'])
rank_case('get me the 3 most polar compounds in kinase hits', K, 'tpsa', True, 3, category='lib_phrasing')

if __name__ == '__main__':
    if '--print' in sys.argv:
        for row in LOG: print(*row)
    with open(OUT, 'w') as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + '\n')
    from collections import Counter
    print(len(CASES), 'cases ->', os.path.normpath(OUT), dict(Counter(c['category'] for c in CASES)))
