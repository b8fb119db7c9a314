package dev.cdcsync.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Says loudly, at the end of each test run, which tests did not run here and why (an assumption
 * not met, such as no Docker engine for MySQL, or a disabled test), so that a skip never passes
 * quietly in the build output or CI's log. Registered for every module whose tests see this
 * module's test jar (META-INF/services).
 */
public final class SkippedTestsReport implements TestExecutionListener {

  private final List<String> notRun = new ArrayList<>();

  @Override
  public synchronized void executionSkipped(TestIdentifier test, String reason) {
    notRun.add(
        test.getLegacyReportingName()
            + " "
            + test.getUniqueId().replaceAll(".*\\[class:([^\\]]+)\\].*", "($1)")
            + ": "
            + reason);
  }

  @Override
  public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
      executionSkipped(test, reason);
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan plan) {
    if (notRun.isEmpty()) {
      return;
    }
    StringBuilder report =
        new StringBuilder("\n*** " + notRun.size() + " test(s) did NOT run here:\n");
    notRun.forEach(line -> report.append("***   ").append(line).append('\n'));
    System.out.println(report);
  }
}
