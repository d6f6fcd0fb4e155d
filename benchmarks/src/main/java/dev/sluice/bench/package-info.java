/** JMH and end-to-end benchmarks of Sluice side by side with its anchors and peers. */
package dev.sluice.bench;
