/** The RDKit cartridge's extension-script fix (data/postgres/cartridge.ts) on the blocks Debian ships. */
import assert from "node:assert/strict";
import { patchExtensionSql, patchFile } from "../../data/postgres/cartridge.ts";

// Copied from Debian's postgresql-15-rdkit 4.2.0 rdkit--4.2.0.sql: the `=` operator and the `@=` block after it.
const ORIGINAL = `CREATE OPERATOR = (
    LEFTARG = mol,
    RIGHTARG = mol,
    PROCEDURE = mol_eq,
    COMMUTATOR = '=',
    NEGATOR = '<>',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);

CREATE OPERATOR @= (
    LEFTARG = mol,
    RIGHTARG = mol,
    PROCEDURE = mol_eq,
    COMMUTATOR = '=',
    NEGATOR = '<>',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);

CREATE OPERATOR @= (
    LEFTARG = qmol,
    RIGHTARG = qmol,
    PROCEDURE = qmol_eq,
    COMMUTATOR = '=',
    NEGATOR = '<>',
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);
`;

Deno.test("cartridge fix: both @= blocks get COMMUTATOR '@=' and lose NEGATOR; the = operator is untouched", () => {
  const { text, changed, blocks } = patchExtensionSql(ORIGINAL);
  assert.equal(blocks, 2);
  assert.equal(changed, 2);
  const at = text.split("CREATE OPERATOR @= (").slice(1);
  for (const block of at) {
    assert.match(block, /COMMUTATOR = '@=',/);
    assert.doesNotMatch(block, /NEGATOR/);
    assert.match(block, /RESTRICT = eqsel,\n {4}JOIN = eqjoinsel\n\);/);
  }
  // The `=` operator keeps its own commutator and negator.
  assert.ok(text.startsWith(ORIGINAL.split("\n\n")[0]));
});

Deno.test("cartridge fix: idempotent — a patched script is recognised and left as it is", async () => {
  const once = patchExtensionSql(ORIGINAL).text;
  const twice = patchExtensionSql(once);
  assert.equal(twice.changed, 0);
  assert.equal(twice.text, once);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/rdkit--4.2.0.sql`;
    await Deno.writeTextFile(path, ORIGINAL);
    const lines: string[] = [];
    await patchFile(path, (l) => lines.push(l));
    await patchFile(path, (l) => lines.push(l));
    assert.equal(await Deno.readTextFile(path), once);
    assert.match(lines[0], /patched 2 of 2 @= operator blocks/);
    assert.match(lines[1], /already patched/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
