/**
 * @module Substructure keys: common groups (the SMARTS the question parser writes for "benzene ring", "amide",
 * "sulfonamide" …) matched against every library row once, at import, by the same RDKit SubstructLibrary match
 * a search uses. A search for exactly one of these patterns is then answered from the stored bits instead of
 * matching ~100k molecules again: the pattern-fingerprint screen passes most rows for such small, common
 * patterns (50–90 %), so only precomputation makes them fast. At most 32 keys (one Uint32 mask per row).
 * Each key costs ~25–40 µs per row at import (RDKit WASM), next to ~2.7 ms for standardisation.
 */

/** Kinase hinge-binding motifs (kinase libraries are the common case): 2-aminopyrimidine (imatinib-type) and
 * pyrrolo[2,3-d]pyrimidine (tofacitinib-type). Their pattern fingerprints screen poorly (the [nH] and the
 * small aromatic rings set few distinctive bits), so they are keys too. */
export const HINGE_MOTIFS: readonly string[] = ["Nc1ncccn1", "c1ncnc2[nH]ccc12"];

export const SUBSTRUCTURE_KEYS: readonly string[] = [
  "c1ccccc1", // benzene ring
  "n1ccccc1", // pyridine
  "C(=O)N", // amide
  "C(=O)[OX2H1,OX1-]", // carboxylic acid
  "S(=O)(=O)N", // sulfonamide
  "[#6]C(=O)O[#6]", // ester
  "[#6][CX3](=O)[#6]", // ketone
  "[CX3]=O", // carbonyl
  "[F,Cl,Br,I]", // halogen
  "[F]", // fluorine
  "[Cl]", // chlorine
  "c[OH]", // phenol
  "[NX3;H2][CX4]", // primary amine
  "[#16]", // sulfur
  "NC(=O)N", // urea
  "NC(=O)O", // carbamate
  "C#N", // nitrile
  "N1CCCCC1", // piperidine
  "N1CCNCC1", // piperazine
  "N1CCOCC1", // morpholine
  "c1cncnc1", // pyrimidine
  "c1ccsc1", // thiophene
  "c1ccoc1", // furan
  "C(F)(F)F", // trifluoromethyl
  ...HINGE_MOTIFS,
];
