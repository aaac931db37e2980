"""The outage tests' proxy keeps forwarding late in a long session, when the test process holds
more than 1,024 file descriptors (select() cannot watch those; the proxy must not use it)."""

from __future__ import annotations

import os
import socket

from tests.tcp_proxy import TcpProxy


def test_proxy_forwards_with_more_than_1024_descriptors_open() -> None:
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    server = socket.create_server(("127.0.0.1", 0))
    proxy = TcpProxy("127.0.0.1", server.getsockname()[1]).start()
    try:
        client = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        upstream, _ = server.accept()
        upstream.settimeout(5)
        assert client.fileno() > 1024  # the case select() refuses
        client.sendall(b"ping")
        assert upstream.recv(4) == b"ping"
        upstream.sendall(b"pong")
        assert client.recv(4) == b"pong"
        client.close()
        upstream.close()
    finally:
        proxy.cut()
        server.close()
        for fd in held:
            os.close(fd)
