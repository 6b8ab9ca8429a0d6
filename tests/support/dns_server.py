"""A small authoritative DNS server on 127.0.0.1 (UDP, a free port) for the domain checks:
`records[(name, "TXT")] = [text, ...]` answers TXT queries; any other name is NXDOMAIN.
dnspython parses the queries and builds the answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class DnsServer:
    port: int
    records: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        kind = dns.rdatatype.to_text(question.rdtype)
        self.asked.append(name)
        texts = self.records.get((name, kind))
        if texts is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            quoted = [f'"{text}"' for text in texts]
            rrset = dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, kind, quoted)
            response.answer.append(rrset)
        return response.to_wire()


@contextmanager
def dns_server() -> Iterator[DnsServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    server = DnsServer(sock.getsockname()[1])
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            sock.sendto(server.answer(wire), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stopping.set()
        thread.join(2)
        sock.close()
