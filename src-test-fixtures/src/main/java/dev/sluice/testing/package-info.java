/** Shared test support: logger contexts, status assertions, sinks, broker fixtures and a TCP fault proxy. */
package dev.sluice.testing;
