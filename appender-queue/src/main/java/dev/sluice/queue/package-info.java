/**
 * The inter-process relay: worker processes send every event to one central process ({@link
 * dev.sluice.queue.RelayAppender}), whose {@link dev.sluice.queue.RelayServer} dispatches them through its own
 * Logback configuration.
 *
 * <p>Wire protocol, version 1: each frame is {@code u32 length || u8 kind || body} (big-endian; the length counts the
 * kind byte and the body). The worker sends HELLO (1, a JSON object: {@code v}, {@code pid}, {@code name},
 * {@code host}, {@code start}, and {@code token} over TCP) and then EVENT frames (2: a {@code u64} sequence number
 * from 1, then the canonical event JSON). The server sends ACK frames (3: a {@code u64}: every event of this worker
 * up to it is dispatched) and, before it closes a connection for a reason, REFUSE (4: UTF-8 text).
 */
package dev.sluice.queue;
