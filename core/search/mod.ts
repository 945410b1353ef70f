/** @module Library-scale search: the popcount-sorted fingerprint index and its workers. */
export {
  FingerprintIndex,
  type Hit,
  type IndexOptions,
  type SearchOptions,
  type TopKOptions,
} from "./fp_index.ts";
