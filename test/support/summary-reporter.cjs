/**
 * Prints the closing line CI reads: "N passed, N failed, N skipped".
 * Skipped counts pending and todo tests (e.g. network tests on a machine without /dev/net/tun).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load has no test results; count it as a failure so it is never silent.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
