/**
 * Worker side of the blocking bridge: `_rlm_js_host_call(bytes)` posts the request on the bridge
 * port, then sleeps in `Atomics.wait` (the Python thread really blocks, as `llm_query` must) until
 * the host posts the reply and raises the signal. Replies are read with `receiveMessageOnPort`, so
 * any size crosses without chunking. A pending interrupt is honoured while waiting.
 */
import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import type { BridgeReply, BridgeRequest } from "./messages.js";

/** The part of a Pyodide `bytes` proxy the bridge uses. */
interface BytesProxy {
  toJs(): unknown;
  destroy(): void;
}

const WAIT_SLICE_MS = 20;

export function createHostCall(
  port: MessagePort,
  signalBuffer: SharedArrayBuffer,
  interruptBuffer: SharedArrayBuffer,
  checkInterrupt: () => void,
): (payload: BytesProxy) => Uint8Array {
  const signal = new Int32Array(signalBuffer);
  const interrupt = new Int32Array(interruptBuffer);
  let nextId = 1;
  return (payload) => {
    const converted = payload.toJs();
    payload.destroy();
    if (!(converted instanceof Uint8Array)) throw new TypeError("_rlm_js_host_call expects bytes");
    const json = converted.slice();
    const id = nextId++;
    const request: BridgeRequest = { id, json };
    port.postMessage(request, [json.buffer]);
    for (;;) {
      Atomics.wait(signal, 0, 0, WAIT_SLICE_MS);
      if (Atomics.exchange(signal, 0, 0) !== 0) {
        for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
          const reply = received.message as BridgeReply;
          if (reply.id === id) return reply.json;
        }
      }
      // Raises KeyboardInterrupt in Python when the host asked to stop.
      if (Atomics.load(interrupt, 0) !== 0) checkInterrupt();
    }
  };
}
