#!/usr/bin/env python3
"""Plain HTTP/1.1 server for httpc-ws tests of HTTPc_ReqSend: a real peer, built on the
standard library's http.server (ThreadingHTTPServer, persistent connections).

    .venv/bin/python tests/servers/http_server.py [--port N] [--port-file PATH]

Listens on 127.0.0.1 only. --port 0 (the default) lets the kernel pick a free port; --port-file
gets the bound port (written atomically) once the server is listening. Stops cleanly on
SIGTERM/SIGINT. Logs to stderr on errors only.

Behaviour by request path (any method unless said):
  /hello            200 text/plain "hello" with Content-Length (HEAD: the headers only)
  /echo             200 application/octet-stream: the request body (read by Content-Length or
                    decoded from chunked transfer coding), with Content-Length; the request's
                    Transfer-Encoding in X-Req-TE
  /chunked          200 text/plain "chunked body, in pieces" sent as 4 chunks
  /close            HTTP/1.0-style: no Content-Length, body "until close", then the server closes
  /query            200 text/plain: the raw query string as received (after the '?')
  /header?NAME      200 text/plain: the value of request header NAME ("-" when absent)
  /status/NNN       status NNN with body "status NNN" (none for 1xx/204/304)
  /big/N            200 application/octet-stream: N bytes, byte i = i % 251
  /form             200 application/octet-stream: the form the request carried, as parsed here
                    with the standard library. application/x-www-form-urlencoded
                    (urllib.parse.parse_qsl, strict): "app\n" then "KEY=VALUE\n" per pair, both
                    decoded (UTF-8). multipart/form-data (split on the boundary of the
                    Content-Type, exactly as RFC 2046 frames it, nothing before the first
                    delimiter or after the close one; each part's headers read with
                    email.parser): "multipart\n" then per part "NAME|FILENAME|TYPE|LEN\n",
                    the LEN bytes of its content, "\n" (FILENAME and TYPE "-" when absent).
                    400 with the reason for anything else, or a body that does not parse.
"""

import argparse
import email.message
import os
import signal
import sys
import threading
import urllib.parse
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"


def parse_form(ctype: str, body: bytes) -> bytes:
    """What /form answers for a body of Content-Type `ctype`; ValueError when it does not parse."""
    header = email.message.Message()
    header["Content-Type"] = ctype
    if header.get_content_type() == "application/x-www-form-urlencoded":
        pairs = urllib.parse.parse_qsl(
            body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body),
            errors="strict")
        return b"app\n" + b"".join(("%s=%s\n" % kv).encode() for kv in pairs)
    if header.get_content_type() != "multipart/form-data":
        raise ValueError("not a form: %r" % ctype)
    boundary = header.get_param("boundary")
    if not boundary:
        raise ValueError("no boundary")
    delim = b"--" + boundary.encode()
    if not body.startswith(delim):
        raise ValueError("the body does not start with the delimiter")
    rest = body[len(delim):]
    out = [b"multipart\n"]
    while rest != b"--\r\n":
        if not rest.startswith(b"\r\n"):
            raise ValueError("no CRLF after a delimiter: %r" % rest[:40])
        end = rest.find(b"\r\n" + delim, 2)
        if end < 0:
            raise ValueError("a part without a delimiter after it")
        part, rest = rest[2:end], rest[end + 2 + len(delim):]
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("a part without the empty line after its headers")
        hdrs = BytesHeaderParser().parsebytes(head + b"\r\n\r\n")
        if hdrs.get_content_disposition() != "form-data":
            raise ValueError("a part that is not form-data: %r" % head)
        name = hdrs.get_param("name", header="content-disposition")
        filename = hdrs.get_param("filename", header="content-disposition") or "-"
        ptype = hdrs.get_content_type() if "Content-Type" in hdrs else "-"
        out.append(("%s|%s|%s|%d\n" % (name, filename, ptype, len(content))).encode())
        out.append(content + b"\n")
    return b"".join(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: errors only
        pass

    def _body(self) -> bytes:
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    # Trailer section up to the empty line.
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(16)  # CRLF after the chunk
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, code: int, body: bytes, ctype: str = "text/plain", extra=()):
        self.send_response(code)
        if not (100 <= code < 200 or code in (204, 304)):
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body and not (100 <= code < 200 or code in (204, 304)):
            self.wfile.write(body)

    def _route(self):
        path, _, query = self.path.partition("?")
        body = self._body()
        if path == "/hello":
            return self._send(200, b"hello")
        if path == "/echo":
            te = self.headers.get("Transfer-Encoding", "-")
            return self._send(200, body, "application/octet-stream", [("X-Req-TE", te)])
        if path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"chunked ", b"body, ", b"in ", b"pieces"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return None
        if path == "/close":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"until close")
            self.close_connection = True
            return None
        if path == "/query":
            return self._send(200, query.encode())
        if path == "/header":
            return self._send(200, (self.headers.get(query) or "-").encode())
        if path.startswith("/status/"):
            code = int(path[len("/status/"):])
            return self._send(code, b"status %d" % code)
        if path == "/form":
            try:
                return self._send(200, parse_form(self.headers.get("Content-Type", ""), body),
                                  "application/octet-stream")
            except (ValueError, UnicodeError) as e:
                return self._send(400, str(e).encode())
        if path.startswith("/big/"):
            n = int(path[len("/big/"):])
            return self._send(200, bytes(i % 251 for i in range(n)), "application/octet-stream")
        return self._send(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _route


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    server = ThreadingHTTPServer((HOST, args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
