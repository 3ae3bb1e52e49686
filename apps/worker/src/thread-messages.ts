import { parentPort, receiveMessageOnPort } from 'node:worker_threads';

/**
 * Hands this worker thread the messages its parent sent while synchronous work blocked the event
 * loop - above all BullMQ's cancel, which aborts the processor's AbortSignal. Without this, a
 * cancel would wait until the simulation finished by itself. Messages are emitted exactly as the
 * port would have, so BullMQ's own handler processes them.
 */
export function deliverParentMessages(): void {
  const port = parentPort;
  if (!port) return;
  for (let entry = receiveMessageOnPort(port); entry; entry = receiveMessageOnPort(port)) {
    port.emit('message', entry.message);
  }
}
