-- The ChEMBL tables ChemAgent reads (ChEMBL column names and types; the columns it uses and their keys),
-- the `rdk` cartridge schema of ChEMBL's own instructions, and the `chemagent` side schema.
-- Loaded by `deno task data:postgres`; run inside one transaction on an empty database.

CREATE EXTENSION IF NOT EXISTS rdkit;

CREATE TABLE version (
  name varchar(50) PRIMARY KEY,
  creation_date date,
  comments varchar(2000)
);

CREATE TABLE molecule_dictionary (
  molregno bigint PRIMARY KEY,
  pref_name varchar(255),
  chembl_id varchar(20) NOT NULL UNIQUE,
  max_phase numeric(2, 1),
  therapeutic_flag smallint NOT NULL DEFAULT 0,
  structure_type varchar(10) NOT NULL DEFAULT 'MOL',
  molecule_type varchar(30),
  first_approval integer,
  oral smallint NOT NULL DEFAULT 0,
  parenteral smallint NOT NULL DEFAULT 0,
  topical smallint NOT NULL DEFAULT 0,
  indication_class varchar(1000)
);
CREATE INDEX idx_moldict_pref_name ON molecule_dictionary (lower(pref_name));

CREATE TABLE molecule_hierarchy (
  molregno bigint PRIMARY KEY REFERENCES molecule_dictionary (molregno),
  parent_molregno bigint REFERENCES molecule_dictionary (molregno),
  active_molregno bigint REFERENCES molecule_dictionary (molregno)
);
CREATE INDEX idx_molhier_parent ON molecule_hierarchy (parent_molregno);

CREATE TABLE compound_structures (
  molregno bigint PRIMARY KEY REFERENCES molecule_dictionary (molregno),
  molfile text,
  standard_inchi varchar(4000),
  standard_inchi_key varchar(27) NOT NULL,
  canonical_smiles varchar(4000)
);
CREATE INDEX idx_cmpdstr_stdkey ON compound_structures (standard_inchi_key);

CREATE TABLE compound_properties (
  molregno bigint PRIMARY KEY REFERENCES molecule_dictionary (molregno),
  mw_freebase numeric(9, 2),
  alogp numeric(9, 2),
  hba integer,
  hbd integer,
  psa numeric(9, 2),
  rtb integer,
  aromatic_rings integer,
  heavy_atoms integer,
  full_mwt numeric(9, 2),
  mw_monoisotopic numeric(11, 4),
  full_molformula varchar(100)
);

CREATE TABLE molecule_synonyms (
  molregno bigint NOT NULL REFERENCES molecule_dictionary (molregno),
  syn_type varchar(50) NOT NULL,
  molsyn_id bigint PRIMARY KEY,
  res_stem_id bigint,
  synonyms varchar(250)
);
CREATE INDEX idx_molsyn_lower ON molecule_synonyms (lower(synonyms));
CREATE INDEX idx_molsyn_molregno ON molecule_synonyms (molregno);

CREATE TABLE atc_classification (
  who_name varchar(2000),
  level1 varchar(10),
  level2 varchar(10),
  level3 varchar(10),
  level4 varchar(10),
  level5 varchar(10) PRIMARY KEY,
  level1_description varchar(2000),
  level2_description varchar(2000),
  level3_description varchar(2000),
  level4_description varchar(2000)
);

CREATE TABLE molecule_atc_classification (
  mol_atc_id bigint PRIMARY KEY,
  level5 varchar(10) NOT NULL REFERENCES atc_classification (level5),
  molregno bigint NOT NULL REFERENCES molecule_dictionary (molregno)
);

CREATE TABLE target_dictionary (
  tid bigint PRIMARY KEY,
  target_type varchar(30),
  pref_name varchar(200) NOT NULL,
  tax_id bigint,
  organism varchar(150),
  chembl_id varchar(20) NOT NULL UNIQUE,
  species_group_flag smallint NOT NULL DEFAULT 0
);

CREATE TABLE component_sequences (
  component_id bigint PRIMARY KEY,
  component_type varchar(50),
  accession varchar(25) UNIQUE,
  sequence text,
  description varchar(200),
  organism varchar(150)
);

CREATE TABLE target_components (
  tid bigint NOT NULL REFERENCES target_dictionary (tid),
  component_id bigint NOT NULL REFERENCES component_sequences (component_id),
  targcomp_id bigint PRIMARY KEY,
  homologue smallint NOT NULL DEFAULT 0
);

CREATE TABLE component_synonyms (
  compsyn_id bigint PRIMARY KEY,
  component_id bigint NOT NULL REFERENCES component_sequences (component_id),
  component_synonym varchar(500),
  syn_type varchar(20)
);

CREATE TABLE drug_mechanism (
  mec_id bigint PRIMARY KEY,
  record_id bigint,
  molregno bigint REFERENCES molecule_dictionary (molregno),
  mechanism_of_action varchar(250),
  tid bigint REFERENCES target_dictionary (tid),
  action_type varchar(50),
  direct_interaction smallint,
  molecular_mechanism smallint,
  mechanism_comment varchar(2000)
);

CREATE TABLE drug_indication (
  drugind_id bigint PRIMARY KEY,
  record_id bigint,
  molregno bigint REFERENCES molecule_dictionary (molregno),
  max_phase_for_ind numeric(2, 1),
  mesh_id varchar(20),
  mesh_heading varchar(200),
  efo_id varchar(20),
  efo_term varchar(200)
);

CREATE TABLE assays (
  assay_id bigint PRIMARY KEY,
  doc_id bigint,
  description varchar(4000),
  assay_type varchar(1),
  assay_organism varchar(250),
  tid bigint REFERENCES target_dictionary (tid),
  confidence_score smallint,
  chembl_id varchar(20) NOT NULL UNIQUE
);
CREATE INDEX idx_assays_tid ON assays (tid);

CREATE TABLE activities (
  activity_id bigint PRIMARY KEY,
  assay_id bigint NOT NULL REFERENCES assays (assay_id),
  doc_id bigint,
  record_id bigint,
  molregno bigint REFERENCES molecule_dictionary (molregno),
  standard_relation varchar(50),
  standard_value numeric,
  standard_units varchar(100),
  standard_flag smallint,
  standard_type varchar(250),
  activity_comment varchar(4000),
  data_validity_comment varchar(30),
  pchembl_value numeric(4, 2)
);
CREATE INDEX idx_act_mol ON activities (molregno);
CREATE INDEX idx_act_assay ON activities (assay_id);
CREATE INDEX idx_act_std_type ON activities (standard_type);

-- ChEMBL's RDKit instructions: structures as `mol` and Morgan (radius 2) bit fingerprints, GiST-indexed.
CREATE SCHEMA rdk;
CREATE TABLE rdk.mols (molregno bigint PRIMARY KEY, m mol);
CREATE TABLE rdk.fps (molregno bigint PRIMARY KEY, mfp2 bfp);

-- What ChEMBL has no column for: DrugCentral/PubChem/CAS cross-references, approvals, sources, ids of
-- records that are not ChEMBL's (`DrugCentral:…`, `UniProt:…`), the dataset's own order and descriptors,
-- DrugCentral activity links, target aliases, ATC level names and drug classes. The driver uses it when
-- present and does without it on a real ChEMBL.
CREATE SCHEMA chemagent;
CREATE TABLE chemagent.compound_extra (
  molregno bigint PRIMARY KEY REFERENCES molecule_dictionary (molregno),
  ord integer NOT NULL UNIQUE,
  drug_type varchar(100),
  chembl_ids text[] NOT NULL DEFAULT '{}',
  drugcentral_ids integer[] NOT NULL DEFAULT '{}',
  pubchem_cid bigint,
  cas varchar(40),
  approvals text[] NOT NULL DEFAULT '{}',
  routes text[],
  rdkit_smiles text,
  descriptors jsonb,
  sources text[] NOT NULL DEFAULT '{}'
);
CREATE TABLE chemagent.target_extra (
  tid bigint PRIMARY KEY REFERENCES target_dictionary (tid),
  ord integer NOT NULL UNIQUE,
  target_id text NOT NULL UNIQUE,
  family varchar(100),
  genes text[] NOT NULL DEFAULT '{}',
  uniprot text[] NOT NULL DEFAULT '{}',
  sources text[] NOT NULL DEFAULT '{}'
);
CREATE TABLE chemagent.mechanism (
  ord integer PRIMARY KEY,
  molregno bigint NOT NULL REFERENCES molecule_dictionary (molregno),
  tid bigint NOT NULL REFERENCES target_dictionary (tid),
  action_type varchar(50),
  mechanism varchar(1000),
  is_primary boolean NOT NULL,
  source varchar(100) NOT NULL,
  refs text[] NOT NULL DEFAULT '{}'
);
CREATE TABLE chemagent.meta (key varchar(50) PRIMARY KEY, value jsonb NOT NULL);
