package dev.cdcsync.bench;

import java.util.OptionalDouble;

/**
 * What cdc-sync's process used during one scenario.
 *
 * @param cpuMicrosPerEvent CPU time (user + system, all threads) divided by the events handled
 * @param peakRssMegabytes the highest resident set size ({@code VmHWM})
 * @param peakHeapMegabytes the most Java heap in use, when it could be read
 */
record ResourceUsage(
    double cpuMicrosPerEvent, double peakRssMegabytes, OptionalDouble peakHeapMegabytes) {}
