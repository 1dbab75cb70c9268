/**
 * Test outcomes from `pytest -v` output: `tests/test_x.py::test_name PASSED [ 20%]`.
 * Enough to judge named tests from the raw output; JUnit XML parsing comes with the
 * real-toolchain issue.
 */
const LINE = /^(?:\S+::)?(\w+)(?:\[[^\]]*\])?\s+(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b/;

export function parsePytestVerbose(stdout: string): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const [, name, outcome] = m;
    // A parametrized test passes only if every case passed.
    const previous = outcomes.get(name!);
    outcomes.set(name!, previous && previous !== 'PASSED' ? previous : outcome!);
  }
  return outcomes;
}
