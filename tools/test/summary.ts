/** @module Reads `deno test` output: the summary line's counts and the names of ignored tests. */

export interface Counts {
  passed: number;
  failed: number;
  ignored: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, "");

/** Counts from a summary line (`ok | 12 passed (3 steps) | 0 failed | 1 ignored (4s)`), else undefined. */
export function parseSummary(line: string): Counts | undefined {
  const m = /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(.*)$/
    .exec(
      stripAnsi(line).trim(),
    );
  if (!m) return undefined;
  const ignored = /\| (\d+) ignored/.exec(m[3]);
  return { passed: Number(m[1]), failed: Number(m[2]), ignored: ignored ? Number(ignored[1]) : 0 };
}

/** The test name of an `name ... ignored (0ms)` line, else undefined. */
export function ignoredTest(line: string): string | undefined {
  return /^(.+?) \.\.\. ignored \(/.exec(stripAnsi(line).trim())?.[1];
}

/** The one line every run ends with (CI reads it). */
export function finalLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.ignored} skipped`;
}
