"""The contract test's name server: every question gets NXDOMAIN, so that the api's domain proofs
are really looked up and found missing (a 409), as on a network where nobody published them.
Usage: python3 scripts/contract_dns.py PORT (runs until killed)."""

import sys
import time

from dnslib import RCODE
from dnslib.server import BaseResolver, DNSServer


class NothingPublished(BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        reply.header.rcode = RCODE.NXDOMAIN
        return reply


server = DNSServer(NothingPublished(), port=int(sys.argv[1]), address="127.0.0.1")
server.start_thread()
while server.isAlive():
    time.sleep(1)
