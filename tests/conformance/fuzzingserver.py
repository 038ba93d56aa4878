# -*- coding: utf-8 -*-
"""Run Autobahn|Testsuite's fuzzing server bound to 127.0.0.1 only (Python 2.7).

    python2.7 fuzzingserver.py SPEC.json [--port-file PATH]

Equivalent to `wstest -m fuzzingserver -s SPEC.json -u 0` (no web UI on 8080), except that
`wstest` listens on all interfaces (autobahntestsuite.fuzzing.startServer calls
`listenWS(factory, sslContext)`, whose interface defaults to '' = 0.0.0.0). Here the name
`listenWS` that autobahntestsuite.fuzzing imported is replaced by a wrapper that passes
interface='127.0.0.1'.

If the spec's url has port 0, the kernel picks a free port; the wrapper then tells the factory
(its `port` and `externalPort`, which the server checks against the Host header) and writes the
port to --port-file. With a fixed port, the port file gets that port once listening.
"""
from __future__ import print_function

import os
import sys

# Must come first: wstest imports choosereactor (which installs the reactor) before anything else,
# and imports `fuzzing` (an implicit relative import: the same module object as
# autobahntestsuite.fuzzing).
from autobahntestsuite import wstest
from autobahntestsuite import fuzzing

INTERFACE = '127.0.0.1'


def main(argv):
    args = list(argv[1:])
    port_file = None
    if '--port-file' in args:
        i = args.index('--port-file')
        port_file = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spec = args[0]

    original_listen = fuzzing.listenWS

    def listen_loopback(factory, contextFactory=None, backlog=50, interface=''):
        port = original_listen(factory, contextFactory, backlog=backlog, interface=INTERFACE)
        bound = port.getHost().port
        factory.port = bound
        factory.externalPort = bound
        if port_file:
            tmp = port_file + '.tmp'
            with open(tmp, 'w') as f:
                f.write('%d\n' % bound)
            os.rename(tmp, port_file)
        print('fuzzingserver: listening on ws://%s:%d' % (INTERFACE, bound))
        sys.stdout.flush()
        return port

    fuzzing.listenWS = listen_loopback

    sys.argv = ['wstest', '-m', 'fuzzingserver', '-s', spec, '-u', '0']
    return wstest.run()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
