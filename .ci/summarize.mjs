// Prints the closing line CI reads: "N passed, N failed" (", N skipped" when any), from vitest's JSON report.
import { readFileSync, existsSync } from 'node:fs';

const [file, statusText] = process.argv.slice(2);
const status = Number(statusText ?? 1);
if (!file || !existsSync(file)) {
  // The type check or vitest itself failed before any test report was written.
  console.log('0 passed, 1 failed');
  process.exit(status || 1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
let failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A failing suite (an error outside any test) fails the run even when no test failed.
if (status !== 0 && failed === 0) failed = Math.max(1, report.numFailedTestSuites ?? 1);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
