/** Redis appender: PUBLISH and capped XADD per context channel. Not built yet (issue 4). */
package dev.sluice.redis;
