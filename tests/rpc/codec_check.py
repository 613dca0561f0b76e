"""Each NUL-separated body in the file (an XML-RPC methodResponse from our encoder) must come
back byte for byte from Python's xmlrpc.client: loads() then dumps(methodresponse=True).
Prints the mismatches, then a summary line."""

import sys
import xmlrpc.client

bodies = open(sys.argv[1], encoding='utf-8').read().split('\0')
bad = 0
for i, body in enumerate(bodies):
    try:
        params, _ = xmlrpc.client.loads(body)
        again = xmlrpc.client.dumps(params, methodresponse=True)
    except xmlrpc.client.Fault as f:
        again = xmlrpc.client.dumps(f, methodresponse=True)
    except Exception as e:  # noqa: BLE001
        again = 'python could not load it: %r' % e
    if again != body:
        bad += 1
        if bad <= 5:
            print('body %d differs:\n ours:   %r\n python: %r' % (i, body, again))
if bad:
    print('%d of %d bodies differ' % (bad, len(bodies)))
else:
    print('%d bodies identical' % len(bodies))
