/** Runnable demos of every Sluice appender, each with its own logback configuration. */
package dev.sluice.samples;
