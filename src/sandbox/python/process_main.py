"""Entry point of the `process` sandbox runtime: native CPython speaking JSON lines over stdio.

The host launches `<command...> process_main.py`. The real fd 0 / fd 1 are kept for the protocol;
user code gets /dev/null as stdin, and fd-level writes to fd 1 land on stderr (the host keeps those
apart), so nothing the model's code does can corrupt a message. A reader thread takes host messages
off the pipe, so an interrupt arrives even while Python is busy: it is delivered to the main thread
as a real SIGINT (which also wakes `time.sleep`). Messages, one JSON object per line:

  host -> python: {"type": "call", "id", "method", "args"}          call a driver entry point
                  {"type": "load", "id", "kind", "variable", "size"} then `size` raw bytes
                  {"type": "reply", "id", "result"}                   answer to a "host" message
                  {"type": "data", "id", "size"} then `size` raw bytes  answer to a read of a lazy
                                                                      context: a status byte, then
                                                                      the data or an error's text
                  {"type": "interrupt"}                               KeyboardInterrupt in user code
  python -> host: {"type": "ready", "python", "pid"}
                  {"type": "result", "id", "value"} | {"type": "failure", "id", "message"}
                  {"type": "host", "id", "request"}                   a blocking _rlm_host_call
The first line from the host is the configuration:
  {"memoryMb": int|None, "maxOutputChars": int, "maxMessageBytes": int}.
The host kills a child whose line to it exceeds maxMessageBytes (so that endless bytes cannot grow
its memory); a message this side would make longer is refused here instead: a query raises
ValueError in the user's code, a result is replaced by a failure, and the process lives on.
"""

import faulthandler
import json
import os
import queue
import signal
import sys
import threading
import traceback


def _open_protocol():
    try:  # a 1 MB pipe moves a large context in 16x fewer wake-ups than the default 64 KB
        import fcntl

        fcntl.fcntl(0, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass
    incoming = os.fdopen(os.dup(0), "rb")
    outgoing = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return incoming, outgoing


def _encode(message):
    try:
        return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates in user text: escaped form is always valid
        return json.dumps(message).encode("ascii") + b"\n"


def _read_exactly(incoming, size):
    """Reads a context's bytes into one buffer; under the memory cap, skips them and says why."""
    try:
        data = bytearray(size)
    except MemoryError:
        while size > 0:
            size -= len(incoming.read(min(size, 1 << 20)))
        return None
    view = memoryview(data)
    done = 0
    while done < size:
        count = incoming.readinto(view[done:])
        if not count:
            raise EOFError("the host closed the channel in the middle of a context")
        done += count
    view.release()
    return data


class MessageTooLarge(ValueError):
    pass


_TOO_LARGE = object()  # a read's bytes that did not fit under the memory cap


class _Channel:
    """Messages both ways. Host calls may come from several Python threads at once (a model's
    ThreadPoolExecutor over llm_query): each carries an id and waits for its own reply."""

    def __init__(self, incoming, outgoing):
        self._incoming = incoming
        self._outgoing = outgoing
        self._send_lock = threading.Lock()
        self._replies = {}
        self._replies_lock = threading.Lock()
        self._next_id = 0
        self.inbox = queue.Queue()
        self.max_bytes = None

    def encode(self, message):
        data = _encode(message)
        if self.max_bytes is not None and len(data) > self.max_bytes:
            raise MessageTooLarge(
                "a message of "
                + str(len(data))
                + " bytes is more than the sandbox's protocol carries ("
                + str(self.max_bytes)
                + " bytes): send or return less at once"
            )
        return data

    def send(self, message):
        data = self.encode(message)
        with self._send_lock:
            self._outgoing.write(data)
            self._outgoing.flush()

    def host_call(self, request):
        box = queue.Queue(1)
        with self._replies_lock:
            self._next_id += 1
            call_id = self._next_id
            self._replies[call_id] = box
        try:
            self.send({"type": "host", "id": call_id, "request": request})
        except MessageTooLarge:  # raised in the user's code; no reply will come for it
            with self._replies_lock:
                self._replies.pop(call_id, None)
            raise
        result = box.get()
        if result is None:  # the host went away
            os._exit(0)
        return result

    def host_read(self, request):
        """A read of a lazy context: the bytes the host sent, its status byte taken off."""
        data = self.host_call(request)
        if data is _TOO_LARGE:
            raise MemoryError("a read of the context does not fit under the memory cap: read less at once")
        status = data[0]
        del data[0]  # a bytearray drops its first byte without moving the rest
        if status != 0:
            raise OSError("[error] " + data.decode("utf-8", "replace"))
        return data

    def read_forever(self, main_thread_id):
        try:
            while True:
                line = self._incoming.readline()
                if not line:
                    break
                message = json.loads(line)
                kind = message["type"]
                if kind == "interrupt":
                    signal.pthread_kill(main_thread_id, signal.SIGINT)
                elif kind == "reply":
                    with self._replies_lock:
                        box = self._replies.pop(message["id"], None)
                    if box is not None:
                        box.put(message["result"])
                elif kind == "data":
                    data = _read_exactly(self._incoming, message["size"])
                    with self._replies_lock:
                        box = self._replies.pop(message["id"], None)
                    if box is not None:
                        box.put(_TOO_LARGE if data is None else data)
                else:
                    if kind == "load":
                        message["data"] = _read_exactly(self._incoming, message["size"])
                    self.inbox.put(message)
        except BaseException:  # noqa: BLE001 - a broken channel ends the process; the host restarts it
            traceback.print_exc()
        with self._replies_lock:
            for box in self._replies.values():
                box.put(None)
        self.inbox.put(None)


def _synced(message):
    """Marks the end of this call's stderr, so the host counts all of it in the call's output."""
    if not isinstance(message.get("id"), int):
        message["synced"] = False
        return message
    try:
        os.write(2, ("\x00RLM-SYNC-" + str(message["id"]) + "\x00").encode("ascii"))
        message["synced"] = True
    except OSError:  # stderr closed by user code: the host does not wait
        message["synced"] = False
    return message


def _send_outcome(channel, message):
    """Sends a result or failure; a result too large for the protocol becomes a failure saying so."""
    try:
        channel.encode(message)  # the size check, before the stderr marker is spent on it
    except MessageTooLarge as error:
        message = {"type": "failure", "id": message.get("id"), "message": "MessageTooLarge: " + str(error)}
    channel.send(_synced(message))


def main():
    incoming, outgoing = _open_protocol()
    faulthandler.enable()  # a segfault in user code prints where it happened, for the crash report
    config = json.loads(incoming.readline())
    if config.get("memoryMb"):
        import resource

        limit = int(config["memoryMb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    channel = _Channel(incoming, outgoing)
    # A little under the host's bound: the stderr marker's fields are added after the size check.
    if config.get("maxMessageBytes"):
        channel.max_bytes = int(config["maxMessageBytes"]) - 64
    send = channel.send

    # driver.py then lazy_context.py, one source under one name (as python-files.ts driverSource joins them).
    folder = os.path.dirname(os.path.abspath(__file__))
    driver_path = os.path.join(folder, "driver.py")
    driver = {"__name__": "rlm_driver", "__file__": driver_path, "_rlm_host_call": channel.host_call,
              "_rlm_host_read": channel.host_read}
    sources = []
    for name in ("driver.py", "lazy_context.py"):
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            sources.append(file.read())
    exec(compile("\n".join(sources), driver_path, "exec"), driver)
    # The host always sends maxOutputChars; the fallback is DEFAULT_MAX_OUTPUT_CHARS (core/transport.ts).
    driver["_rlm_configure"]({"max_output_chars": config.get("maxOutputChars", 100_000)})

    reader = threading.Thread(target=channel.read_forever, args=(threading.main_thread().ident,), daemon=True)
    reader.start()
    send({"type": "ready", "python": sys.version.split()[0], "pid": os.getpid()})
    while True:
        message = channel.inbox.get()
        if message is None:
            return
        try:
            if message["type"] == "load":
                data = message.pop("data")
                if data is None:
                    raise MemoryError(str(message["size"]) + " bytes do not fit under the memory cap")
                value = driver["_rlm_load_bytes"](data, message["kind"], message["variable"])
                del data
            elif message["type"] == "call":
                value = driver[message["method"]](*message["args"])
            else:
                continue
            _send_outcome(channel, {"type": "result", "id": message["id"], "value": value})
        except BaseException as error:  # noqa: BLE001 - reported to the host, the loop goes on
            text = "".join(traceback.format_exception_only(type(error), error)).strip()
            _send_outcome(channel, {"type": "failure", "id": message.get("id"), "message": text})


if __name__ == "__main__":
    main()
