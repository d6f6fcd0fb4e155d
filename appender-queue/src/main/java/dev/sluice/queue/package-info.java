/** The inter-process relay: a worker appender and a central relay server. Not built yet (issue 6). */
package dev.sluice.queue;
