// Prints the closing line CI reads: "N passed, N failed" (", N skipped" when any), from vitest's JSON
// report; a failed quick-start demo (its exit status, the third argument) counts as one more failure.
import { readFileSync, existsSync } from 'node:fs';

const [file, testStatusText, demoStatusText] = process.argv.slice(2);
const testStatus = Number(testStatusText ?? 1);
const demoFailed = Number(demoStatusText ?? 0) === 0 ? 0 : 1;
const exitWith = testStatus || demoFailed;
if (!file || !existsSync(file)) {
  // The type check or vitest itself failed before any test report was written.
  console.log(`0 passed, ${1 + demoFailed} failed`);
  process.exit(testStatus || 1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
let testsFailed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A failing suite (an error outside any test) fails the run even when no test failed.
if (testStatus !== 0 && testsFailed === 0) testsFailed = Math.max(1, report.numFailedTestSuites ?? 1);
console.log(`${passed} passed, ${testsFailed + demoFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitWith);
