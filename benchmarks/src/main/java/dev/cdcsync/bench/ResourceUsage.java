package dev.cdcsync.bench;

import java.util.OptionalDouble;

/**
 * What a process used during one scenario.
 *
 * @param cpuMicrosPerEvent CPU time (user + system, all threads) divided by the events handled
 * @param peakRssMegabytes the highest resident set size ({@code VmHWM}); empty for the baseline,
 *     which runs inside the benchmark's own JVM
 * @param peakHeapMegabytes the most Java heap in use, when it could be read
 * @param ownCpuMicrosPerEvent for cdc-sync's streaming: its CPU per event minus the baseline's,
 *     both measured in this run, i.e. what cdc-sync adds to the source's own work
 */
record ResourceUsage(
    double cpuMicrosPerEvent,
    OptionalDouble peakRssMegabytes,
    OptionalDouble peakHeapMegabytes,
    OptionalDouble ownCpuMicrosPerEvent) {

  /** The baseline's CPU alone: no memory figures, nothing to subtract. */
  static ResourceUsage cpuOnly(double cpuMicrosPerEvent) {
    return new ResourceUsage(
        cpuMicrosPerEvent, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
  }

  /** This usage, with {@link #ownCpuMicrosPerEvent} from the baseline's CPU per event, if known. */
  ResourceUsage lessBaseline(OptionalDouble baselineCpuMicrosPerEvent) {
    return new ResourceUsage(
        cpuMicrosPerEvent,
        peakRssMegabytes,
        peakHeapMegabytes,
        baselineCpuMicrosPerEvent.isPresent()
            ? OptionalDouble.of(cpuMicrosPerEvent - baselineCpuMicrosPerEvent.getAsDouble())
            : OptionalDouble.empty());
  }
}
