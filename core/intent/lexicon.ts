/** @module Words the rules recognise: property spellings, cue phrases, functional groups, scope words. */
import { NUMERIC_PROPERTIES } from "../tools/property_catalog.ts";

/** Property spellings → canonical names. Non-numeric "properties" (formula, smiles, inchi…) are listed too. */
export const PROPERTY_SYNONYMS: [RegExp, string][] = [
  [
    /\b(?:mol(?:ecular)?\.?\s*(?:weights?|wt|mass(?:es)?)|mws?|m\.w\.|mass(?:es)?|weights?|heavier|lighter|heaviest|lightest)\b|\bhow\s+heavy\b/i,
    "molecular_weight",
  ],
  [/\b(?:exact\s*mass|monoisotopic\s*mass)\b/i, "exact_mass"],
  [
    /\b(?:c\s?log\s?p|log\s?p|alogp|xlogp|lipophilicity|lipophilic|hydrophobicity|hydrophobic|partition\s*coefficient|crippen|greas(?:y|ier|iest|iness))\b/i,
    "clogp",
  ],
  [/\b(?:molar\s*refractivity|mr)\b/i, "molar_refractivity"],
  [/\b(?:h[\s-]?bond\s*donors?|hydrogen[\s-]?bond\s*donors?|hbd|donors?)\b/i, "hbd"],
  [/\b(?:h[\s-]?bond\s*acceptors?|hydrogen[\s-]?bond\s*acceptors?|hba|acceptors?)\b/i, "hba"],
  [/\b(?:t?psa|(?:topological\s*)?polar\s*surface\s*area|surface\s*area|polarity|polar)\b/i, "tpsa"],
  [
    /\b(?:rot(?:atable)?\.?\s*bonds?|rotb|rotatable|flexibility|flexible|flopp(?:y|ier|iest|iness))\b/i,
    "rotatable_bonds",
  ],
  [/\b(?:aromatic\s*rings?|aromatic\s*ring\s*count|arom(?:atic)?\s*rings?)\b/i, "aromatic_rings"],
  [/\b(?:ring\s*count|number\s*of\s*rings|rings)\b/i, "rings"],
  [/\b(?:heavy\s*atoms?(?:\s*count)?|non[\s-]?hydrogen\s*atoms)\b/i, "heavy_atoms"],
  [/\b(?:fraction\s*sp3|fsp3|f\s*sp3)\b/i, "fraction_sp3"],
  [/\b(?:stereo\s*cent(?:er|re)s?|chiral\s*cent(?:er|re)s?)\b/i, "stereocenters"],
  [
    /\b(?:lipinski(?:'s)?(?:\s*rule(?:\s*of\s*(?:five|5))?)?|rule[\s-]*of[\s-]*(?:five|5)|ro5|drug[\s-]?like(?:ness)?|drug[\s-]?likeness|orally\s*(?:bio)?available)\b/i,
    "lipinski",
  ],
  [/\b(?:veber)\b/i, "veber"],
  [/\b(?:molecular\s*formula|formula|empirical\s*formula)\b/i, "formula"],
  [/\b(?:canonical\s*smiles|smiles(?:\s*string)?|structure)\b/i, "smiles"],
  [/\binchi\s*key\b|\binchikey\b/i, "inchikey"],
  [/\binchi\b(?!\s*key)/i, "inchi"],
  [/\b(?:properties|descriptors|physicochemical|physchem|(?<!target\s)profile|characteristics)\b/i, "all"],
];

/** Numeric descriptors a question can name (the derived lipinski_violations is asked as "Lipinski"). */
export const NUMERIC_NAMES = new Set<string>(NUMERIC_PROPERTIES.filter((p) => p !== "lipinski_violations"));

/** Adjective comparatives that imply a property ("more lipophilic" → clogp higher). */
export const COMPARATIVES: [RegExp, string, "higher" | "lower"][] = [
  [/\b(?:more|most)\s+lipophilic\b|\bhigher\s+(?:c?log\s?p|lipophilicity)\b/i, "clogp", "higher"],
  [/\b(?:less|least)\s+lipophilic\b|\bmore\s+(?:polar|hydrophilic)\b/i, "clogp", "lower"],
  [/\bheavier\b|\bheaviest\b|\blarger\b|\blargest\b|\bbigger\b|\bbiggest\b/i, "molecular_weight", "higher"],
  [/\blighter\b|\blightest\b|\bsmaller\b|\bsmallest\b/i, "molecular_weight", "lower"],
  [/\bmore\s+flexible\b|\bmost\s+flexible\b/i, "rotatable_bonds", "higher"],
  [/\b(?:more|most)\s+rigid\b/i, "rotatable_bonds", "lower"],
];

export const CUES = {
  similarity:
    /\b(?:similar|similarity|similarly|(?<!drug[\s-]?|(?<!(?:that|which|compounds?|molecules?|structures?|anything|something|ones|hits)\s)looks?\s|would\s|i\s|'d\s)like(?!ness|ly|\s+to\s+(?:know|see|get|find|have))|alike|analog(?:ue)?s?|resembl\w*|tanimoto|(?:nearest|closest|structural|chemical)\s+neighbou?rs?|neighbou?rs|look[\s-]?alikes?|related\s+(?:structures|compounds|molecules|drugs|to)|structurally\s+(?:related|close|closest|similar)|close\s+to|closest(?:\s+(?:matches|match|compounds|analogu?es|structures|relatives))?|nearest(?:\s+(?:matches|match|compounds|structures))?|derivatives?|congeners?|relatives?|cousins?|siblings?|fingerprints?|morgan|ecfp\d*|structurally|structural)\b/i,
  substructure:
    /\b(?:substructures?|sub-structures?|contain(?:s|ing)?|bearing|with\s+an?\s+\w+(?:\s+\w+)?\s+(?:group|ring|moiety|scaffold|core)|smarts|scaffold|moiety|motif|fragment)\b/i,
  targets:
    /\b(?:targets?|targeted|targeting|mechanisms?(?:\s+of\s+action)?|modes?\s+of\s+action|moa|binds?(?:\s+to)?|binding(?:\s+partners?)?|acts?\s+on|act\s+on|work(?:s)?|modulat\w+|receptors?|proteins?|genes?|inhibit(?:s|ed)?|interact(?:s|ions?)?(?:\s+with)?|interactors?|pharmacology|pharmacological|target\s+profiles?|profiles?|engages?|action\s+types?|acts?|acting|antagonis(?:e|es|ed)|antagoniz(?:e|es|ed)|agonis(?:e|es|ed)|agoniz(?:e|es|ed)|sets?)\b/i,
  ligands:
    /\b(?:ligands?|inhibitors?|agonists?|antagonists?|blockers?|modulators?|binders?|actives|activators?|drugs?\s+(?:for|against|targeting|hitting|acting\s+on|that\s+(?:target|inhibit|bind|block|act|hit))|(?:compounds?|drugs?|molecules?)\s+(?:active\s+(?:at|on|against|in)|acting\s+at)|compounds?\s+(?:for|against|targeting|hitting|active\s+(?:on|against)|acting\s+on|that\s+(?:target|inhibit|bind|block|act|hit))|(?:target|inhibit|bind|block|activate|hit)s?\b|hitting)/i,
  compare:
    /\b(?:compare|comparison|compared|versus|vs\.?|difference|differ|which\s+(?:one\s+)?(?:has|is)|higher|lower|greater|more|less|between)\b/i,
  common:
    /\b(?:common|shared|share|both|in\s+common|overlap\w*|intersect\w*|all\s+of|each\s+of|same\s+targets?|dual|as\s+well\s+as|together\s+with|and\s+also)\b/i,
  /** Personal medical advice: not something a compound database answers. */
  advice:
    /\bshould\s+i\s+(?:take|use|stop|give)\b|\bcan\s+i\s+(?:take|give|mix|drink)\b|\bfor\s+my\s+(?:headache|pain|cold|flu|back|child|kid|son|daughter|wife|husband|mother|father|dog|cat)\b|\bis\s+it\s+safe\s+(?:for\s+me|to\s+take)\b/i,
  lookup:
    /\b(?:find|look\s*up|lookup|search|show|tell\s+me\s+about|what\s+is|who\s+is|info(?:rmation)?|details?|describe|about|get|fetch|identify|id)\b/i,
  rank: /\b(?:rank(?:ed)?|sort(?:ed)?|order(?:ed)?|top|highest|lowest|best|most|least)\b/i,
  potency: /\b(?:ic50|ec50|ki|kd|potency|affinity|nm|µm|um|pic50|activity\s+values?)\b/i,
};

/** Record fields the data does hold (answered from the compound or target record, not computed). */
export const FIELDS: [RegExp, string][] = [
  [/\batc(?:\s+(?:codes?|class(?:ification)?|levels?))?\b|\banatomical\s+therapeutic\s+chemical\b/i, "atc"],
  [/\bcas(?:\s+(?:registry\s+)?(?:numbers?|no\.?|rn|ids?))?(?=\W|$)|\bregistry\s+numbers?\b/i, "cas"],
  [/\bpub\s?chem(?:\s+(?:cids?|ids?|compound\s+ids?|identifiers?))?\b|\bcids?\b/i, "pubchem_cid"],
  [
    /\b(?:approval|approved)\s+(?:year|date)\b|\byear\s+of\s+(?:first\s+)?approval\b|\bfirst\s+approv\w+|\bwhen\s+(?:was|were)\b(?=.{0,40}?\bapproved\b)|(?<=\bwhen\s+(?:was|were)\b.{0,40}?)\bapproved\b|\bapproved\s+in\s+what\s+year\b|\bwhat\s+year\b|(?<=\bwhat\s+year\b.{0,40}?)\bapproved\b/i,
    "first_approval",
  ],
  [
    /\bapproval\s+agenc\w+|\bregulators?\b|\bregulatory\s+(?:agenc\w+|bodies|status)|\bwhich\s+agenc\w+|(?<!\b[a-z]{3,}s\s+approved\s+by\s+(?:the\s+)?)\b(?:fda|ema|pmda)\b(?![\s-]+approved)|(?<=\b(?:regulators?|agenc\w+)\b.{0,40}?)\bapproved\b/i,
    "approvals",
  ],
  [
    /\b(?:(?:highest|max(?:imum)?)\s+)?(?:clinical\s+|development\s+)?phase(?!\s*[1-4i]\b)\b(?:\s+reached)?|\bdevelopment\s+(?:stage|status)\b|\bapproval\s+status\b|(?<=\bis\s+\S+\s+(?:an\s+)?)approved(?:\s+(?:drug|medicine))?\b|\bhow\s+far\s+in\s+development\b/i,
    "phase",
  ],
  [
    /\bindications?(?:\s+class(?:es)?)?\b|\btherapeutic\s+(?:class|area|category|use)\b|\bused\s+(?:for|to\s+treat)\b|(?<=\bwhat\s+(?:does|do)\s+\S+(?:\s+\S+)?\s+)treat\b/i,
    "indication_class",
  ],
  [/\bdrug\s+type\b|\bmodality\b|\bsmall\s+molecule\s+or\b/i, "drug_type"],
  [
    /\bsynonyms?\b|\bother\s+names?\b|\b(?:brand|trade)\s+names?\b|\baliases\b|\bresearch\s+codes?\b|\baka\b/i,
    "synonyms",
  ],
  [
    // "drugs targeting UniProt P00533": the word labels the accession that follows; it asks for nothing.
    /\buni\s?prot(?:\s+(?:accessions?|ids?|acc|numbers?))?\b(?!:?\s+(?:[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2})\b)|\baccession(?:\s+(?:numbers?|ids?))?\b(?!:?\s+(?:[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2})\b)/i,
    "uniprot",
  ],
  [/\bgene\s+(?:symbols?|names?)\b/i, "gene"],
  [/\borganisms?\b|\bspecies\b/i, "organism"],
  [/\b(?:protein|target)\s+(?:family|class|type)\b/i, "target_family"],
];

/** Fields that belong to a target record rather than a compound record. */
export const TARGET_FIELDS = new Set(["uniprot", "gene", "organism", "target_family"]);

/** Scope words that restrict a set of compounds by development status. */
export const STATUS_WORDS: [RegExp, { min_phase?: number; max_phase?: number }][] = [
  [
    /\b(?:(?:fda|ema|pmda)[\s-]approved|approved(?:\s+by\s+(?:the\s+)?(?:fda|ema|pmda))?|marketed|licen[cs]ed|on\s+the\s+market)\b/i,
    { min_phase: 4 },
  ],
  [/\b(?:clinical(?:[\s-]stage)?|in\s+(?:the\s+)?clinic|investigational)\b/i, { min_phase: 1 }],
  [/\bphase\s*(?:([1-4])|(iv|iii|ii|i))\b/i, {}],
];

/** Functional groups users name in words, as SMARTS. */
export const FUNCTIONAL_GROUPS: [RegExp, string, string][] = [
  [/\bbenzimidazoles?\b/i, "c1ccc2[nH]cnc2c1", "benzimidazole"],
  [/\btetrazoles?\b/i, "c1nn[nH]n1", "tetrazole"],
  [/\btrifluoromethyl(?:\s+groups?)?\b|\bcf3\b/i, "C(F)(F)F", "trifluoromethyl group"],
  [/\bquinazolines?\b/i, "c1ccc2ncncc2c1", "quinazoline"],
  [/\bguanidines?\b/i, "NC(=N)N", "guanidine"],
  [/\b(?:1,4-)?dihydropyridines?\b/i, "C1=CNC=CC1", "1,4-dihydropyridine"],
  [/\bthiazoles?\b/i, "c1cscn1", "thiazole"],
  [/\boxazoles?\b/i, "c1cocn1", "oxazole"],
  [/\bpyrazoles?\b/i, "c1cn[nH]c1", "pyrazole"],
  [/\btriazoles?\b/i, "c1nc[nH]n1", "triazole"],
  [/\bnaphthalenes?\b/i, "c1ccc2ccccc2c1", "naphthalene"],
  [/\bbiphenyls?\b/i, "c1ccc(cc1)-c1ccccc1", "biphenyl"],
  [/\bpyrroles?\b/i, "c1cc[nH]c1", "pyrrole"],
  [/\bnitriles?\b|\bcyano\s+groups?\b/i, "C#N", "nitrile"],
  [/\bketones?\b/i, "[#6][CX3](=O)[#6]", "ketone"],
  [/\baldehydes?\b/i, "[CX3H1](=O)[#6]", "aldehyde"],
  [/\bthiols?\b/i, "[SX2H]", "thiol"],
  [/\bureas?\b/i, "NC(=O)N", "urea"],
  [/\bcarbamates?\b/i, "NC(=O)O", "carbamate"],
  [/\blactones?\b/i, "[#6][CX3](=O)[OX2][#6;R]", "lactone"],
  [/\bepoxides?\b/i, "C1OC1", "epoxide"],
  [/\bcarboxylic\s+acids?\b|\bcarboxyl(?:ic)?\s+group\b|\bcooh\b/i, "C(=O)[OX2H1,OX1-]", "carboxylic acid"],
  [/\bsulfonamides?\b|\bsulphonamides?\b/i, "S(=O)(=O)N", "sulfonamide"],
  [/\bbenzene\s+rings?\b|\bphenyl\s*(?:rings?|groups?)?\b/i, "c1ccccc1", "benzene ring"],
  [/\bpyridines?\b/i, "n1ccccc1", "pyridine"],
  [/\bpiperazines?\b/i, "N1CCNCC1", "piperazine"],
  [/\bpiperidines?\b/i, "N1CCCCC1", "piperidine"],
  [/\bmorpholines?\b/i, "N1CCOCC1", "morpholine"],
  [/\bindoles?\b/i, "c1ccc2[nH]ccc2c1", "indole"],
  [/\bquinolines?\b/i, "c1ccc2ncccc2c1", "quinoline"],
  [/\bimidazoles?\b/i, "c1cnc[nH]1", "imidazole"],
  [/\bthiophenes?\b/i, "c1ccsc1", "thiophene"],
  [/\bfurans?\b/i, "c1ccoc1", "furan"],
  [/\bpyrimidines?\b/i, "c1cncnc1", "pyrimidine"],
  [
    /\bsteroid(?:al)?\s*(?:core|scaffold|nucleus|skeleton)?s?\b/i,
    "C1CCC2C(C1)CCC1C2CCC2CCCC12",
    "steroid core",
  ],
  [/\bbeta[\s-]?lactams?\b|\bβ-lactams?\b/i, "O=C1CCN1", "beta-lactam"],
  [/\bnitro\s*groups?\b|\bnitro\b/i, "[N+](=O)[O-]", "nitro group"],
  [/\bamides?\b/i, "C(=O)N", "amide"],
  [/\besters?\b/i, "[#6]C(=O)O[#6]", "ester"],
  [/\bhalogens?\b|\bhalogenated\b/i, "[F,Cl,Br,I]", "halogen"],
  [/\bfluorine\b|\bfluorinated\b/i, "[F]", "fluorine"],
  [/\bchlorine\b|\bchlorinated\b/i, "[Cl]", "chlorine"],
  [/\bphenols?\b/i, "c[OH]", "phenol"],
  [/\bprimary\s+amines?\b/i, "[NX3;H2][CX4]", "primary amine"],
  [/\bcarbonyl\b/i, "[CX3]=O", "carbonyl"],
  [/\bsulfur\b|\bsulphur\b/i, "[#16]", "sulfur"],
];

/** Topics that are clearly not chemistry: answered with out_of_scope. */
export const OUT_OF_SCOPE =
  /\b(?:weather|forecast|temperature\s+(?:today|outside)|stock|stocks|share\s+price|bitcoin|crypto|recipe|cook|football|soccer|basketball|movie|film|song|music|lyrics|joke|president|prime\s+minister|election|capital\s+of|time\s+is\s+it|what\s+time|date\s+today|restaurant|hotel|flight|travel|news|horoscope|poem|translate|girlfriend|boyfriend|dating|celebrity|netflix|pizza|game|sports?|car|cars|bank|mortgage|tax(?:es)?|salary|java(?:script)?|python\s+code|write\s+(?:me\s+)?(?:an?\s+)?(?:essay|story|poem|email)|hello|hi|hey|how\s+are\s+you|who\s+are\s+you|your\s+name)\b/i;

/** Chemistry vocabulary: any of it means the question is (probably) in scope. */
export const IN_SCOPE =
  /\b(?:compounds?|molecules?|drugs?|chem\w*|smiles|chembl\w*|targets?|ligands?|inhibitors?|receptors?|enzymes?|kinases?|proteins?|structures?|pharma\w*|medicin\w*|dose|mechanism|properties|descriptors?|similar\w*|substructure|lipinski|logp|weight|tpsa|atoms?|bonds?|rings?|analog\w*|agonists?|antagonists?|moa|fingerprints?)\b/i;

/** Words never taken as compound names even if a synonym happens to match. */
export const STOPWORDS = new Set(
  ("a an and are as at be by can compound compounds drug drugs do does for from get give has have how i in is it its " +
    "list me molecule molecules most of on or show similar similarity so some tell than that the their them then these " +
    "this those to top what which who with within without about all any both compare find search lookup look up properties " +
    "property target targets ligand ligands structure structures smiles formula weight mass logp psa tpsa hbd hba like " +
    "between more less higher lower greater and/or vs versus other same each per please also just only info one two three " +
    "first second last next another whose where why when much many number count value values data rank sorted sort order " +
    "filter filtered under over below above least at max min maximum minimum approved phase active inhibitor inhibitors " +
    "agonist antagonist receptor receptors protein proteins gene genes enzyme kinase bind binds binding act acts mechanism " +
    "action common shared known new old high low good bad big small large salt acid base water test sample control " +
    "name names id ids details detail describe description about tell me you we they he she her his our your " +
    "rings ring aromatic heavy atoms atom bonds bond donors acceptors rotatable lipinski rule five druglike druglikeness " +
    "analog analogs analogue analogues contain containing contains group groups moiety scaffold core fragment then also " +
    "inhibit inhibits inhibited block blocks blocker blockers modulator modulators work works does did doing done " +
    "i.e e.g etc ok yes no not none nothing something anything everything way ways use used uses using user")
    .split(" "),
);
