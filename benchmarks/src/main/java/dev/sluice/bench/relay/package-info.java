/** The relay benchmark ({@code scripts/bench relay}): worker JVMs into one central process. */
package dev.sluice.bench.relay;
