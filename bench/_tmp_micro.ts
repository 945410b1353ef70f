import { hitPathLayers } from "./hit_path.ts";
for (const l of await hitPathLayers(20000)) console.log(l);
