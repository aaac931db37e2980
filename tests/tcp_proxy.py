"""A TCP proxy the tests can cut and restore, to play a database outage without stopping it."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Refuse new connections and break every open one, as a dead server would."""
        with self._lock:
            if self._listener is not None:
                # shutdown wakes the thread blocked in accept(); close alone would not on Linux.
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self.start()  # the same port again

    def freeze(self) -> None:
        """Stop moving bytes, keeping every connection open, as a SIGSTOPped proxy would: the
        kernel still completes handshakes and buffers, but nothing is answered."""
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            self._flowing.wait()
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        pair = {a: b, b: a}
        # A selector (epoll), not select.select: late in a long test session the process holds
        # more than 1,024 descriptors, which select() cannot watch.
        selector = selectors.DefaultSelector()
        for sock in pair:
            selector.register(sock, selectors.EVENT_READ)
        try:
            while True:
                self._flowing.wait()
                for key, _ in selector.select(timeout=1.0):
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.close()


if __name__ == "__main__":
    # `python -m tests.tcp_proxy HOST PORT`: a proxy in its own process, for tests that stop it
    # with SIGSTOP as a frozen network would; it prints its port, then serves until killed.
    import sys
    import time

    proxy = TcpProxy(sys.argv[1], int(sys.argv[2])).start()
    print(proxy.port, flush=True)
    while True:
        time.sleep(3600)
