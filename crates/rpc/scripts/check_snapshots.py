"""Check the insta snapshots of tests/snapshots.rs against Python supervisor 4.3.0.

XML bodies: xmlrpc.client.dumps of the same values (what supervisord's
xmlrpc_marshal sends); the method list and docstrings from 4.3.0's own
introspection; the HTTP pages from a supervisord 4.3.0 started here (Date line
replaced by the snapshot's fixed date).

Run: target/py/bin/python crates/rpc/scripts/check_snapshots.py
"""
import os, socket, subprocess, sys, tempfile, time
import xmlrpc.client as x
from supervisor.xmlrpc import SystemNamespaceRPCInterface
from supervisor.rpcinterface import SupervisorNamespaceRPCInterface

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPS = os.path.join(HERE, '..', 'tests', 'snapshots')

def snap(name):
    text = open(os.path.join(SNAPS, 'codec__snapshots__%s.snap' % name)).read()
    return text.split('---\n', 2)[2]

def resp(v):
    return x.dumps((v,), methodresponse=True)

system = SystemNamespaceRPCInterface([('supervisor', SupervisorNamespaceRPCInterface.__new__(SupervisorNamespaceRPCInterface))])
info = {'name': 'echo', 'group': 'echo', 'start': 1795875039, 'stop': 0, 'now': 1795875152, 'state': 20,
        'statename': 'RUNNING', 'spawnerr': '', 'exitstatus': 0,
        'logfile': '/tmp/echo-stdout---pyref-ezpi7ufs.log',
        'stdout_logfile': '/tmp/echo-stdout---pyref-ezpi7ufs.log',
        'stderr_logfile': '/tmp/echo-stderr---pyref-gha0nhah.log', 'pid': 25211,
        'description': 'pid 25211, uptime 0:01:53'}
expected = {
    'process_info_struct': resp(info),
    'group_results': resp([{'name': 'echo', 'group': 'echo', 'status': 80, 'description': 'OK'}]),
    'state': resp({'statecode': 1, 'statename': 'RUNNING'}),
    'multicall_mixed_results': resp([25209, {'faultCode': 1, 'faultString': 'UNKNOWN_METHOD'}, True]),
    'fault_bad_name': x.dumps(x.Fault(10, 'BAD_NAME: nope')),
    'tail': resp(['i\n', 6, True]),
    'reload': resp([[['new'], [], ['old']]]),
    'list_methods': resp(system.listMethods()),
    'help_start_process': resp(system.methodHelp('supervisor.startProcess')),
}

def page_of(raw):
    lines = raw.decode().replace('\r\n', '\\r\\n\n')
    out = []
    for line in lines.split('\n'):
        if line.startswith('Date: '):
            line = 'Date: Sat, 28 Nov 2026 14:00:46 GMT\\r\\n'
        out.append(line)
    return '\n'.join(out)

def pages():
    d = tempfile.mkdtemp()
    conf = os.path.join(d, 's.conf')
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    open(conf, 'w').write(
        '[supervisord]\nlogfile=%s/l\npidfile=%s/p\nnodaemon=true\n'
        '[inet_http_server]\nport=127.0.0.1:%d\nusername=u\npassword=p\n'
        '[unix_http_server]\nfile=%s/sock\n' % (d, d, port, d))
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), 'supervisord'), '-c', conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def raw(req, unix):
        for _ in range(100):
            try:
                s = socket.socket(socket.AF_UNIX if unix else socket.AF_INET)
                s.connect(os.path.join(d, 'sock') if unix else ('127.0.0.1', port))
                break
            except OSError:
                time.sleep(0.1)
        s.sendall(req); s.settimeout(1)
        out = b''
        try:
            while not out.endswith(b'</body>\r\n') and not out.endswith(b'\r\n\r\nOK'):
                d2 = s.recv(65536)
                if not d2: break
                out += d2
        finally:
            s.close()
        return out
    try:
        return {
            'page_401': page_of(raw(b'GET /ok.html HTTP/1.1\r\n\r\n', False)),
            'page_404': page_of(raw(b'GET /nope HTTP/1.1\r\n\r\n', True)),
            'ok_html': page_of(raw(b'GET /ok.html HTTP/1.1\r\n\r\n', True)),
        }
    finally:
        proc.terminate(); proc.wait()

expected.update(pages())
bad = 0
for name, want in expected.items():
    got = snap(name)
    if got.rstrip('\n') != want.rstrip('\n'):
        bad += 1
        print('MISMATCH', name); print(repr(got)); print(repr(want))
    else:
        print('ok', name)
sys.exit(1 if bad else 0)
