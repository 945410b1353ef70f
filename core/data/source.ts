/** @module The data-source interface: anything that can produce a Dataset. */
import type { Dataset } from "./dataset.ts";

export interface DataSource {
  readonly name: string;
  load(): Promise<Dataset>;
}
