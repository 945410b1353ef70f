/**
 * @module The vocabulary of the generated grid (tests/eval/grid.ts): compounds, targets, classes, properties,
 * unavailable asks and unknown names. Ids, codes and values are taken from data/dataset.json (ChEMBL 18 +
 * DrugCentral) and re-checked against it by the generator, so a stale entry fails generation instead of
 * producing a wrong expectation.
 */

/** A compound as a user names it; `id` is its ChEMBL id, `display` the dataset's preferred name. */
export interface GridCompound {
  name: string;
  id: string;
  display: string;
  /** Data fields the answer must quote (from the dataset record). */
  atc?: string;
  cas?: string;
  year?: number;
  formula?: string;
}

export const COMPOUNDS: GridCompound[] = [
  {
    name: "aspirin",
    id: "CHEMBL25",
    display: "Aspirin",
    atc: "N02BA01",
    cas: "50-78-2",
    year: 1950,
    formula: "C9H8O4",
  },
  { name: "ibuprofen", id: "CHEMBL521", display: "Ibuprofen", atc: "M01AE01", cas: "15687-27-1", year: 1974 },
  { name: "naproxen", id: "CHEMBL154", display: "Naproxen", atc: "M01AE02", cas: "22204-53-1", year: 1976 },
  {
    name: "celecoxib",
    id: "CHEMBL118",
    display: "Celecoxib",
    atc: "M01AH01",
    cas: "169590-42-5",
    year: 1998,
  },
  {
    name: "diclofenac",
    id: "CHEMBL139",
    display: "Diclofenac",
    atc: "M01AB05",
    cas: "15307-86-5",
    year: 1988,
  },
  { name: "imatinib", id: "CHEMBL941", display: "Imatinib", atc: "L01XE01", cas: "152459-95-5", year: 2001 },
  {
    name: "gefitinib",
    id: "CHEMBL939",
    display: "Gefitinib",
    atc: "L01XE02",
    cas: "184475-35-2",
    year: 2003,
  },
  {
    name: "erlotinib",
    id: "CHEMBL553",
    display: "Erlotinib",
    atc: "L01XE03",
    cas: "183321-74-6",
    year: 2004,
  },
  {
    name: "atorvastatin",
    id: "CHEMBL1487",
    display: "Atorvastatin",
    atc: "C10AA05",
    cas: "134523-00-5",
    year: 1996,
  },
  {
    name: "simvastatin",
    id: "CHEMBL1064",
    display: "Simvastatin",
    atc: "C10AA01",
    cas: "79902-63-9",
    year: 1991,
  },
  {
    name: "rosuvastatin",
    id: "CHEMBL1496",
    display: "Rosuvastatin",
    atc: "C10AA07",
    cas: "287714-41-4",
    year: 2003,
  },
  { name: "metformin", id: "CHEMBL1431", display: "Metformin", atc: "A10BA02", cas: "657-24-9", year: 1995 },
  {
    name: "caffeine",
    id: "CHEMBL113",
    display: "Caffeine",
    atc: "N06BC01",
    cas: "58-08-2",
    year: 1948,
    formula: "C8H10N4O2",
  },
  { name: "warfarin", id: "CHEMBL1464", display: "Warfarin", atc: "B01AA03", cas: "81-81-2", year: 1954 },
  {
    name: "omeprazole",
    id: "CHEMBL1503",
    display: "Omeprazole",
    atc: "A02BC01",
    cas: "73590-58-6",
    year: 1989,
  },
  {
    name: "sildenafil",
    id: "CHEMBL192",
    display: "Sildenafil",
    atc: "G04BE03",
    cas: "139755-83-2",
    year: 1998,
  },
  { name: "codeine", id: "CHEMBL485", display: "Codeine", atc: "R05DA04", cas: "76-57-3", year: 1952 },
  { name: "diazepam", id: "CHEMBL12", display: "Diazepam", atc: "N05BA01", cas: "439-14-5", year: 1963 },
  { name: "lorazepam", id: "CHEMBL580", display: "Lorazepam", atc: "N05BA06", cas: "846-49-1", year: 1977 },
  { name: "haloperidol", id: "CHEMBL54", display: "Haloperidol", atc: "N05AD01", cas: "52-86-8", year: 1967 },
  {
    name: "risperidone",
    id: "CHEMBL85",
    display: "Risperidone",
    atc: "N05AX08",
    cas: "106266-06-2",
    year: 1993,
  },
  {
    name: "fluoxetine",
    id: "CHEMBL41",
    display: "Fluoxetine",
    atc: "N06AB03",
    cas: "54910-89-3",
    year: 1987,
  },
  {
    name: "sertraline",
    id: "CHEMBL809",
    display: "Sertraline",
    atc: "N06AB06",
    cas: "79617-96-2",
    year: 1991,
  },
  {
    name: "paroxetine",
    id: "CHEMBL490",
    display: "Paroxetine",
    atc: "N06AB05",
    cas: "61869-08-7",
    year: 1992,
  },
  {
    name: "propranolol",
    id: "CHEMBL27",
    display: "Propranolol",
    atc: "C07AA05",
    cas: "525-66-6",
    year: 1967,
  },
  { name: "atenolol", id: "CHEMBL24", display: "Atenolol", atc: "C07AB03", cas: "29122-68-7", year: 1981 },
  {
    name: "metoprolol",
    id: "CHEMBL13",
    display: "Metoprolol",
    atc: "C07AB02",
    cas: "51384-51-1",
    year: 1978,
  },
  {
    name: "captopril",
    id: "CHEMBL1560",
    display: "Captopril",
    atc: "C09AA01",
    cas: "62571-86-2",
    year: 1981,
  },
  { name: "enalapril", id: "CHEMBL578", display: "Enalapril", atc: "C09AA02", cas: "75847-73-3", year: 1985 },
  {
    name: "lisinopril",
    id: "CHEMBL1237",
    display: "Lisinopril",
    atc: "C09AA03",
    cas: "76547-98-3",
    year: 1987,
  },
  { name: "tamoxifen", id: "CHEMBL83", display: "Tamoxifen", atc: "L02BA01", cas: "10540-29-1", year: 1977 },
  {
    name: "paracetamol",
    id: "CHEMBL112",
    display: "Paracetamol",
    atc: "N02BE01",
    cas: "103-90-2",
    year: 1968,
  },
  { name: "clozapine", id: "CHEMBL42", display: "Clozapine", atc: "N05AH02", cas: "5786-21-0", year: 1989 },
  {
    name: "olanzapine",
    id: "CHEMBL715",
    display: "Olanzapine",
    atc: "N05AH03",
    cas: "132539-06-1",
    year: 1996,
  },
  {
    name: "dasatinib",
    id: "CHEMBL1421",
    display: "Dasatinib",
    atc: "L01XE06",
    cas: "302962-49-8",
    year: 2006,
  },
  {
    name: "nilotinib",
    id: "CHEMBL255863",
    display: "Nilotinib",
    atc: "L01XE08",
    cas: "641571-10-0",
    year: 2007,
  },
  {
    name: "lapatinib",
    id: "CHEMBL554",
    display: "Lapatinib",
    atc: "L01XE07",
    cas: "231277-92-2",
    year: 2007,
  },
  {
    name: "sorafenib",
    id: "CHEMBL1336",
    display: "Sorafenib",
    atc: "L01XE05",
    cas: "284461-73-0",
    year: 2005,
  },
  {
    name: "amlodipine",
    id: "CHEMBL1491",
    display: "Amlodipine",
    atc: "C08CA01",
    cas: "88150-42-9",
    year: 1992,
  },
  { name: "losartan", id: "CHEMBL191", display: "Losartan", atc: "C09CA01", cas: "114798-26-4", year: 1995 },
  {
    name: "ketoprofen",
    id: "CHEMBL571",
    display: "Ketoprofen",
    atc: "M01AE03",
    cas: "22071-15-4",
    year: 1986,
  },
  {
    name: "quetiapine",
    id: "CHEMBL716",
    display: "Quetiapine",
    atc: "N05AH04",
    cas: "111974-69-7",
    year: 1997,
  },
  {
    name: "salbutamol",
    id: "CHEMBL714",
    display: "Salbutamol",
    atc: "R03AC02",
    cas: "18559-94-9",
    year: 1981,
  },
];

/** Alternative names users type for the same compounds (synonyms in the dataset). */
export const SYNONYMS: { name: string; id: string }[] = [
  { name: "acetaminophen", id: "CHEMBL112" },
  { name: "albuterol", id: "CHEMBL714" },
  { name: "acetylsalicylic acid", id: "CHEMBL25" },
];

/** SMILES typed by users (the dataset compound they denote). */
export const SMILES: { smiles: string; id: string }[] = [
  { smiles: "CC(=O)Oc1ccccc1C(=O)O", id: "CHEMBL25" },
  { smiles: "CC(=O)Nc1ccc(O)cc1", id: "CHEMBL112" },
  { smiles: "Cn1cnc2c1c(=O)n(C)c(=O)n2C", id: "CHEMBL113" },
  { smiles: "CC(C)Cc1ccc(cc1)C(C)C(=O)O", id: "CHEMBL521" },
];

/** A target as users name it; `id` is the human single-protein ChEMBL target. */
export interface GridTarget {
  names: string[];
  id: string;
  gene: string;
  /** Usable with "inhibitors of"/"inhibit" (an enzyme or kinase). */
  enzyme?: boolean;
}

export const TARGETS: GridTarget[] = [
  { names: ["EGFR", "HER1", "ErbB1"], id: "CHEMBL203", gene: "EGFR", enzyme: true },
  { names: ["COX-2", "PTGS2", "cyclooxygenase-2", "COX2"], id: "CHEMBL230", gene: "PTGS2", enzyme: true },
  { names: ["COX-1", "PTGS1", "cyclooxygenase-1"], id: "CHEMBL221", gene: "PTGS1", enzyme: true },
  { names: ["DRD2", "dopamine D2 receptor", "D2 receptor"], id: "CHEMBL217", gene: "DRD2" },
  { names: ["HTR2A", "5-HT2A", "serotonin 2a receptor"], id: "CHEMBL224", gene: "HTR2A" },
  { names: ["HMGCR", "HMG-CoA reductase"], id: "CHEMBL402", gene: "HMGCR", enzyme: true },
  { names: ["ACE", "angiotensin-converting enzyme"], id: "CHEMBL1808", gene: "ACE", enzyme: true },
  { names: ["SLC6A4", "SERT", "serotonin transporter"], id: "CHEMBL228", gene: "SLC6A4" },
  { names: ["ADRB1", "beta-1 adrenergic receptor"], id: "CHEMBL213", gene: "ADRB1" },
  { names: ["ADRB2", "beta-2 adrenergic receptor"], id: "CHEMBL210", gene: "ADRB2" },
  { names: ["PDE5A", "phosphodiesterase 5A"], id: "CHEMBL1827", gene: "PDE5A", enzyme: true },
  { names: ["ESR1", "estrogen receptor alpha"], id: "CHEMBL206", gene: "ESR1" },
  { names: ["OPRM1", "mu opioid receptor"], id: "CHEMBL233", gene: "OPRM1" },
  { names: ["KDR", "VEGFR2", "VEGFR-2"], id: "CHEMBL279", gene: "KDR", enzyme: true },
  { names: ["ERBB2", "HER2"], id: "CHEMBL1824", gene: "ERBB2", enzyme: true },
  { names: ["HRH1", "histamine H1 receptor"], id: "CHEMBL231", gene: "HRH1" },
  { names: ["ABL1", "c-Abl"], id: "CHEMBL1862", gene: "ABL1", enzyme: true },
  { names: ["androgen receptor"], id: "CHEMBL1871", gene: "AR" },
];

/**
 * A drug class as users name it. `atc` is the ATC prefix (or target family) that defines it in the data;
 * `markers` are strings one of which must appear in the understood entities (class id, code or label).
 */
export interface GridClass {
  names: string[];
  atc?: string;
  family?: string;
  markers: string[];
  /** Members of the class in COMPOUNDS (for membership questions). */
  members: string[];
  /**
   * Names that equally read as "inhibitors of a target" (ACE inhibitors = ligands of ACE acting as inhibitors):
   * for these, the target's ligands are an acceptable plan and the target an acceptable entity.
   */
  target?: { id: string; names: string[] };
}

export const CLASSES: GridClass[] = [
  {
    names: ["NSAIDs", "non-steroidal anti-inflammatory drugs", "NSAID"],
    atc: "M01A",
    markers: ["M01A", "nsaid", "anti-inflammatory"],
    members: ["ibuprofen", "naproxen", "diclofenac", "celecoxib", "ketoprofen"],
  },
  {
    names: ["statins", "HMG-CoA reductase inhibitors"],
    atc: "C10AA",
    markers: ["C10AA", "statin", "hmg"],
    members: ["atorvastatin", "simvastatin", "rosuvastatin"],
    target: { id: "CHEMBL402", names: ["HMG-CoA reductase inhibitors"] },
  },
  {
    names: ["beta blockers", "beta-blockers", "β-blockers"],
    atc: "C07A",
    markers: ["C07", "beta"],
    members: ["propranolol", "atenolol", "metoprolol"],
  },
  {
    names: ["ACE inhibitors", "angiotensin-converting enzyme inhibitors"],
    atc: "C09A",
    markers: ["C09A", "ace inhibitor", "angiotensin"],
    members: ["captopril", "enalapril", "lisinopril"],
    target: { id: "CHEMBL1808", names: ["ACE inhibitors", "angiotensin-converting enzyme inhibitors"] },
  },
  {
    names: ["SSRIs", "selective serotonin reuptake inhibitors"],
    atc: "N06AB",
    markers: ["N06AB", "ssri", "serotonin"],
    members: ["fluoxetine", "sertraline", "paroxetine"],
  },
  {
    names: ["kinase inhibitors", "protein kinase inhibitors"],
    atc: "L01XE",
    family: "Kinase",
    markers: ["L01XE", "kinase"],
    members: ["imatinib", "gefitinib", "erlotinib", "dasatinib", "nilotinib", "lapatinib", "sorafenib"],
  },
  {
    names: ["benzodiazepines"],
    atc: "N05BA",
    markers: ["N05BA", "N05CD", "benzodiazepine"],
    members: ["diazepam", "lorazepam"],
  },
  {
    names: ["proton pump inhibitors", "PPIs"],
    atc: "A02BC",
    markers: ["A02BC", "proton"],
    members: ["omeprazole"],
  },
  {
    names: ["antipsychotics"],
    atc: "N05A",
    markers: ["N05A", "antipsychotic"],
    members: ["haloperidol", "risperidone", "clozapine", "olanzapine", "quetiapine"],
  },
];

/** Computed descriptors (the `properties` tool) with the words chemists use for them. */
export const DESCRIPTORS: {
  key: string;
  phrases: string[];
  short: string;
  comparative?: [string, string];
}[] = [
  {
    key: "molecular_weight",
    phrases: ["molecular weight", "MW", "mol. weight", "molecular mass"],
    short: "MW",
    comparative: ["heavier", "lighter"],
  },
  {
    key: "clogp",
    phrases: ["logP", "cLogP", "lipophilicity", "partition coefficient (logP)"],
    short: "logP",
    comparative: ["more lipophilic", "less lipophilic"],
  },
  {
    key: "tpsa",
    phrases: ["TPSA", "polar surface area", "topological polar surface area"],
    short: "TPSA",
    comparative: ["more polar", "less polar"],
  },
  { key: "hbd", phrases: ["H-bond donors", "hydrogen bond donors", "HBD count"], short: "HBD" },
  { key: "hba", phrases: ["H-bond acceptors", "hydrogen bond acceptors", "HBA count"], short: "HBA" },
  {
    key: "rotatable_bonds",
    phrases: ["rotatable bonds", "number of rotatable bonds"],
    short: "rotatable bonds",
  },
  { key: "aromatic_rings", phrases: ["aromatic rings", "aromatic ring count"], short: "aromatic rings" },
  { key: "heavy_atoms", phrases: ["heavy atom count", "number of heavy atoms"], short: "heavy atoms" },
  { key: "fraction_sp3", phrases: ["fraction sp3", "Fsp3"], short: "Fsp3" },
  { key: "exact_mass", phrases: ["exact mass", "monoisotopic mass"], short: "exact mass" },
];

/** Asks chemists make that the offline data does not have (issue 13, deliverable 2). `word` must be named. */
export const UNAVAILABLE: { phrase: string; word: string }[] = [
  { phrase: "pKa", word: "pKa" },
  { phrase: "aqueous solubility", word: "solubility" },
  { phrase: "solubility", word: "solubility" },
  { phrase: "logD", word: "logD" },
  { phrase: "logD at pH 7.4", word: "logD" },
  { phrase: "melting point", word: "melting point" },
  { phrase: "boiling point", word: "boiling point" },
  { phrase: "half-life", word: "half-life" },
  { phrase: "plasma half-life", word: "half-life" },
  { phrase: "oral bioavailability", word: "bioavailability" },
  { phrase: "toxicity", word: "toxicity" },
  { phrase: "LD50", word: "LD50" },
  { phrase: "clearance", word: "clearance" },
  { phrase: "plasma protein binding", word: "protein binding" },
  { phrase: "volume of distribution", word: "volume of distribution" },
];

/** Potency/affinity asks (data of a compound on a target) the offline data does not have. */
export const POTENCY: { phrase: string; word: string }[] = [
  { phrase: "IC50", word: "IC50" },
  { phrase: "Ki", word: "Ki" },
  { phrase: "Kd", word: "Kd" },
  { phrase: "EC50", word: "EC50" },
  { phrase: "binding affinity", word: "affinity" },
  { phrase: "potency", word: "potency" },
  { phrase: "selectivity", word: "selectivity" },
];

/** Name-like words that are not in the data and not within two edits of any name in it (checked). */
export const UNKNOWN_NAMES = [
  "zorbaximab",
  "fakeiumol",
  "blorptinib",
  "quuxafenac",
  "snarfolol",
  "trivenzamide",
  "glimberstat",
  "wuzzatriptan",
  "dravonquil",
  "vexorilide",
];

/** Content words no chemistry lexicon knows; inserted by the no-bluff perturbations. */
export const UNKNOWN_WORDS = [
  "frobnicate",
  "glorpish",
  "wibblewobble",
  "snorfled",
  "quibbleton",
  "zanzibarize",
];

/** Substructures by the names chemists use (and SMILES/SMARTS). */
export const GROUPS = [
  "sulfonamide",
  "piperazine",
  "indole",
  "carboxylic acid",
  "nitro group",
  "beta-lactam",
  "morpholine",
  "thiophene",
  "pyridine",
  "imidazole",
  "piperidine",
  "furan",
  "tetrazole",
  "benzimidazole",
  "quinoline",
];
export const PATTERNS = ["c1ccncc1", "C1CCNCC1", "c1ccc2[nH]ccc2c1", "S(=O)(=O)N", "C(=O)O", "c1ccsc1"];
