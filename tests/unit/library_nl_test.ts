/** Questions over a user's library: the library is the search space of similarity, substructure and filter steps,
 * names are resolved with typos, other users' libraries are invisible, an unknown library is not_found. */
import assert from "node:assert/strict";
import { Agent, importLibrary, LibraryStore, type Viewer } from "../../core/mod.ts";
import { testAgent } from "../helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const KINASE = ["Imatinib", "Nilotinib", "Dasatinib", "Gefitinib", "Erlotinib", "Celecoxib", "Furosemide"];
const alice: Viewer = { sub: "alice", enforced: true };
const bob: Viewer = { sub: "bob", enforced: true };

async function setup() {
  const base = await testAgent();
  const libraries = new LibraryStore(null);
  const agent = new Agent(base.data, base.chem, { libraries });
  const rows = KINASE.map((n) => base.data.compoundsByName(n)[0]).map((c) =>
    `${c.canonical_smiles} ${c.name}`
  );
  await importLibrary(new Blob([rows.join("\n")]).stream(), {
    name: "kinase set",
    maxBytes: 1e6,
    viewer: alice,
    chem: agent.chem,
    store: libraries,
  });
  return agent;
}

Deno.test({
  ...opts,
  name: "in my kinase library, find compounds similar to imatinib: a similarity search over the library",
  async fn() {
    const agent = await setup();
    const r = await agent.query({ query: "in my kinase set library, find compounds similar to imatinib" }, {
      viewer: alice,
    });
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.equal(r.plan.steps[0].tool, "similarity_search");
    const sim = r.result.similar as {
      library: { name: string };
      hits: { name: string; similarity: number }[];
    };
    assert.equal(sim.library.name, "kinase set");
    assert.equal(sim.hits[0].name, "Imatinib");
    assert.equal(sim.hits[0].similarity, 1);
    // Only library rows: nothing from the built-in set.
    assert.ok(sim.hits.every((h) => KINASE.includes(h.name)));
    assert.deepEqual(r.understanding.unused, []);
    assert.ok(r.understanding.used.some((u) => u.as === "library" && u.text === "in my kinase set library"));
    // The source line names the library first: its rows are the user's, not the built-in data.
    assert.match(r.answer, /_Source: library kinase set \(lib_[0-9a-f]{16}, uploaded \d{4}-\d\d-\d\d\) and /);
  },
});

Deno.test({
  ...opts,
  name: "which compounds in LIB contain a sulfonamide; filter LIB to MW < 400 and logP < 3",
  async fn() {
    const agent = await setup();
    const sub = await agent.query({ query: "which compounds in kinase set contain a sulfonamide" }, {
      viewer: alice,
    });
    assert.equal(sub.status, "success", JSON.stringify(sub.error));
    const hits = (sub.result.substructure as { hits: { name: string }[] }).hits.map((h) => h.name).sort();
    assert.deepEqual(hits, ["Celecoxib", "Furosemide"]);

    const f = await agent.query({ query: "filter kinase set to MW < 400 and logP < 3" }, { viewer: alice });
    assert.equal(f.status, "success", JSON.stringify(f.error));
    const kept = f.result.filtered as {
      considered: number;
      compounds: { name: string; values: Record<string, number> }[];
    };
    assert.equal(kept.considered, KINASE.length);
    assert.ok(kept.compounds.length >= 1);
    for (const c of kept.compounds) assert.ok(c.values.molecular_weight < 400 && c.values.clogp < 3, c.name);
    assert.deepEqual(f.understanding.unused, []);
  },
});

Deno.test({
  ...opts,
  name: "compare LIB hits with approved drugs: property profiles and the nearest approved drug",
  async fn() {
    const agent = await setup();
    const r = await agent.query({ query: "compare kinase set hits with approved drugs" }, { viewer: alice });
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.equal(r.plan.steps[0].tool, "compare_library");
    const cmp = r.result.library_comparison as {
      nearest_approved: { name: string; nearest_drug: { name: string }; similarity: number }[];
    };
    // Every library row here is an approved drug itself, so its nearest approved drug is itself.
    assert.equal(cmp.nearest_approved[0].similarity, 1);
    assert.match(r.answer, /compared with \d+ approved drugs/);
  },
});

Deno.test({
  ...opts,
  name: "library names tolerate typos; unknown or another user's library is not_found, never the dataset",
  async fn() {
    const agent = await setup();
    const typo = await agent.query({ query: "in my kinse set library find compounds similar to imatinib" }, {
      viewer: alice,
    });
    assert.equal(typo.status, "success");
    assert.deepEqual(typo.understanding.corrections.at(-1), { from: "kinse set", to: "kinase set" });

    const unknown = await agent.query({ query: "in my vendor library find compounds similar to imatinib" }, {
      viewer: alice,
    });
    assert.equal(unknown.status, "error");
    assert.equal(unknown.error?.code, "not_found");
    assert.deepEqual(unknown.error?.suggestions, ["kinase set"]);
    assert.deepEqual(unknown.plan.steps, []);

    const other = await agent.query(
      { query: "in my kinase set library find compounds similar to imatinib" },
      {
        viewer: bob,
      },
    );
    assert.equal(other.error?.code, "not_found");
    // Bob naming alice's library without the word "library" is just an unknown word, not her data.
    const bare = await agent.query({ query: "which compounds in kinase set contain a sulfonamide" }, {
      viewer: bob,
    });
    assert.ok(!JSON.stringify(bare.result).includes("lib_"));
  },
});

Deno.test({
  ...opts,
  name:
    "the word 'library' in talk ('screening a fragment library', 'a library around sulfonamides') is not a scope",
  async fn() {
    const agent = await setup();
    const talk = await agent.query({
      query: "We're screening a small fragment library against COX-2 and some hits look like celecoxib. " +
        "Which compounds in your database are structurally similar to celecoxib?",
    }, { viewer: alice });
    assert.equal(talk.intent.type, "similarity_search", JSON.stringify(talk.error));
    assert.ok(!JSON.stringify(talk.result).includes("kinase set"));
    const plan = await agent.query({
      query:
        "The team is planning a library around sulfonamides; list known drugs containing a sulfonamide group.",
    }, { viewer: alice });
    assert.equal(plan.intent.type, "substructure_search", JSON.stringify(plan.error));
    assert.notEqual(plan.error?.code, "not_found");
    // A search verb still points at a library: "search the vendor library" is an unknown library, not the dataset.
    const verb = await agent.query({ query: "search the vendor library for compounds similar to imatinib" }, {
      viewer: alice,
    });
    assert.equal(verb.error?.code, "not_found");
  },
});

Deno.test({
  ...opts,
  name:
    "similar to imatinib in LIB with MW under 500: the filter keeps only library rows under 500, and the " +
    "answer lists only those",
  async fn() {
    const agent = await setup();
    const r = await agent.query({ query: "in kinase set, compounds similar to imatinib with MW under 500" }, {
      viewer: alice,
    });
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.deepEqual(r.plan.steps.map((s) => s.tool), ["similarity_search", "filter_by_properties"]);
    const hits = (r.result.similar as { hits: { name: string }[] }).hits.map((h) => h.name);
    assert.ok(hits.includes("Nilotinib")); // similar, but MW 529.5
    const kept = r.result.filtered as { compounds: { name: string; values: Record<string, number> }[] };
    assert.ok(kept.compounds.some((c) => c.name === "Imatinib"));
    for (const c of kept.compounds) assert.ok(c.values.molecular_weight < 500, c.name);
    // The similarity rows the filter removed are not shown as answers.
    assert.ok(!r.answer.includes("Nilotinib"), r.answer);
  },
});

Deno.test({
  ...opts,
  name:
    "the 3 heaviest compounds in LIB: the library ranked; 'ureas'/'carboxylic acids in LIB': substructure",
  async fn() {
    const agent = await setup();
    const r = await agent.query({ query: "the 3 heaviest compounds in kinase set" }, { viewer: alice });
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.equal(r.intent.type, "property_filter");
    const ranked = (r.result.ranked as { compounds: { name: string; value: number }[] }).compounds;
    assert.deepEqual(ranked.map((c) => c.name), ["Nilotinib", "Imatinib", "Dasatinib"]);
    const low = await agent.query({ query: "which compound in kinase set has the lowest logP" }, {
      viewer: alice,
    });
    const lowest = (low.result.ranked as { compounds: { name: string }[] }).compounds;
    assert.equal(lowest.length, 1);
    for (const q of ["sulfonamides in kinase set", "show me the sulfonamides in kinase set"]) {
      const s = await agent.query({ query: q }, { viewer: alice });
      assert.equal(s.intent.type, "substructure_search", q);
      const hits = (s.result.substructure as { hits: { name: string }[] }).hits.map((h) => h.name).sort();
      assert.deepEqual(hits, ["Celecoxib", "Furosemide"], q);
    }
  },
});

Deno.test({
  ...opts,
  name: "a mistyped library name without the word 'library' is corrected; an unknown one keeps the intent",
  async fn() {
    const agent = await setup();
    const r = await agent.query({ query: "which compounds in kinsae set contain a sulfonamide" }, {
      viewer: alice,
    });
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.deepEqual(r.understanding.corrections, [{ from: "kinsae set", to: "kinase set" }]);
    const u = await agent.query({ query: "find compounds similar to imatinib in my GPCR screen library" }, {
      viewer: alice,
    });
    assert.equal(u.error?.code, "not_found");
    assert.equal(u.intent.type, "similarity_search");
    assert.match(u.error!.message, /GPCR screen/);
  },
});
