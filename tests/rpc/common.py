"""Shared by the differential scripts: transports, the step recorder and normalisation.

Every script prints one line per step, `<label>\t<canonical JSON>`, already normalised
(pids, times, the temp dir, ports, random AUTO log suffixes), so the Rust side compares two
runs line by line. Nothing here knows which supervisord it talks to.
"""

import json
import re
import socket
import sys
import time
import http.client
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

DEADLINE = 20.0

# a call that never answers is an outcome ('error': 'timeout'), not a hung test
socket.setdefaulttimeout(DEADLINE)


class Env:
    """Where the daemon lives: `--dir D --port P --sock S [--user U --password P]`."""

    def __init__(self, argv):
        args = dict(zip(argv[::2], argv[1::2]))
        self.dir = args['--dir']
        self.port = int(args['--port'])
        self.sock = args['--sock']
        self.conf = args.get('--conf', self.dir + '/supervisord.conf')
        self.user = args.get('--user')
        self.password = args.get('--password')
        self.venv = args.get('--venv')

    def proxy(self, transport, user=None, password=None):
        user = self.user if user is None else user
        password = self.password if password is None else password
        if transport == 'tcp':
            if user is not None:
                url = 'http://%s:%s@127.0.0.1:%d/RPC2' % (user, password, self.port)
            else:
                url = 'http://127.0.0.1:%d/RPC2' % self.port
            return xmlrpc.client.ServerProxy(url)
        t = SupervisorTransport(user, password, 'unix://' + self.sock)
        return xmlrpc.client.ServerProxy('http://127.0.0.1', transport=t)


_TS = re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}')
_UPTIME = re.compile(r'uptime (\d+ days?, )?\d+:\d\d:\d\d')
_PIDTEXT = re.compile(r'pid \d+')
_DATE = re.compile(r'^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$')
_AUTOLOG = re.compile(r'(---[^/\s"]*-)[a-z0-9_]{8}\.log')
_TIME_KEYS = {'start', 'stop', 'now'}


class Normaliser:
    def __init__(self, env):
        self.env = env
        self.pids = set()

    def text(self, s):
        s = s.replace(self.env.dir, '<DIR>')
        s = s.replace(':%d' % self.env.port, ':<PORT>')
        s = _TS.sub('<ts>', s)
        s = _UPTIME.sub('uptime <uptime>', s)
        s = _PIDTEXT.sub('pid <pid>', s)
        s = _AUTOLOG.sub(r'\1<rand>.log', s)
        if _DATE.match(s):
            s = '<date>'
        for pid in sorted(self.pids, key=lambda p: -len(str(p))):
            s = re.sub(r'\b%d\b' % pid, '<pid>', s)
        return s

    def value(self, v, key=None):
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            if key in _TIME_KEYS and v != 0:
                return '<time>'
            if key == 'pid' and v != 0:
                return '<pid>'
            if v in self.pids:
                return '<pid>'
            return v
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, bytes):
            return {'bytes': self.text(v.decode('latin-1'))}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x, k) for k, x in v.items()}
        if isinstance(v, float):
            return v
        return repr(v)


class Recorder:
    """Runs calls over both transports in turn and prints each outcome as one line."""

    def __init__(self, argv):
        self.env = Env(argv)
        self.norm = Normaliser(self.env)
        self.proxies = {t: self.env.proxy(t) for t in ('tcp', 'unix')}
        self.turn = 0
        self.labels = set()

    def learn_pids(self):
        """Remember supervisord's and every child's pid, so they normalise everywhere."""
        p = self.proxies['tcp']
        self.norm.pids.add(p.supervisor.getPID())
        for info in p.supervisor.getAllProcessInfo():
            if info['pid']:
                self.norm.pids.add(info['pid'])

    def raw_call(self, transport, method, args):
        proxy = self.proxies[transport]
        try:
            return {'ok': proxy._ServerProxy__request(method, tuple(args))}
        except xmlrpc.client.Fault as f:
            return {'fault': [f.faultCode, f.faultString]}
        except xmlrpc.client.ProtocolError as e:
            return {'http_error': [e.errcode, e.errmsg]}
        except Exception as e:  # noqa: BLE001 -- every failure is an outcome to compare
            return {'error': type(e).__name__}

    def emit(self, label, outcome):
        if label in self.labels:
            raise SystemExit('duplicate step label %r' % label)
        self.labels.add(label)
        line = json.dumps(self.norm.value(outcome), sort_keys=True, ensure_ascii=True)
        sys.stdout.write('%s\t%s\n' % (label, line))
        sys.stdout.flush()

    def call(self, label, method, *args, via=None, both=False):
        """One call; `both` makes it over each transport (for calls with no effect)."""
        if both:
            # Compared after normalisation, and asked again (bounded) when they differ:
            # two calls a moment apart can straddle an uptime second or a state change of a
            # process that is still settling, in Python's daemon as in ours.
            for _ in range(5):
                outcomes = [self.raw_call(t, method, args) for t in ('tcp', 'unix')]
                seen = [self.norm.value(o) for o in outcomes]
                if seen[0] == seen[1]:
                    break
                time.sleep(0.05)
            if seen[0] != seen[1]:
                self.emit(label, {'transports_differ': outcomes})
            else:
                self.emit(label, outcomes[0])
            return outcomes[0]
        if via is None:
            via = ('tcp', 'unix')[self.turn % 2]
            self.turn += 1
        outcome = self.raw_call(via, method, args)
        self.emit(label, outcome)
        return outcome

    def value(self, label, value):
        self.emit(label, {'value': value})

    def states(self):
        infos = self.proxies['tcp'].supervisor.getAllProcessInfo()
        return {'%s:%s' % (i['group'], i['name']): i['statename'] for i in infos}

    def wait_states(self, label, expected):
        """Poll (bounded) until every named process is in its expected state; records the
        states seen (all of them, so a timeout shows up as a difference)."""
        deadline = time.time() + DEADLINE
        while True:
            states = self.states()
            if all(states.get(k) == v for k, v in expected.items()):
                break
            if time.time() > deadline:
                break
            time.sleep(0.05)
        self.learn_pids()
        self.emit(label, {'states': states})
        return states


def connect_unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect(path)
    return s


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost', timeout=DEADLINE)
        self.path = path

    def connect(self):
        self.sock = connect_unix(self.path)


def http_connection(env, transport):
    if transport == 'tcp':
        return http.client.HTTPConnection('127.0.0.1', env.port, timeout=DEADLINE)
    return UnixHTTPConnection(env.sock)


def raw_exchange(env, transport, data, read_limit=65536):
    """Send raw bytes; return what came back until close or a pause (bounded)."""
    if transport == 'tcp':
        s = socket.create_connection(('127.0.0.1', env.port), timeout=DEADLINE)
    else:
        s = connect_unix(env.sock)
    try:
        s.sendall(data)
        s.settimeout(2.0)
        chunks = []
        total = 0
        while total < read_limit:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if b'\r\n\r\n' in b''.join(chunks) and _complete(b''.join(chunks)):
                break
        return b''.join(chunks)
    finally:
        s.close()


def _complete(data):
    head, _, body = data.partition(b'\r\n\r\n')
    m = re.search(rb'(?i)content-length:\s*(\d+)', head)
    if m:
        return len(body) >= int(m.group(1))
    return False


def summarise_response(raw, with_connection=False):
    """Status line, the headers that matter, and the body of a raw HTTP response."""
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(':')
        headers[k.strip().lower()] = v.strip()
    keep = {}
    # 'connection' is recorded by one dedicated step only (see xmlrpc_diff.http)
    for k in ('content-type', 'server', 'www-authenticate'):
        if k in headers:
            keep[k] = headers[k]
    keep['has-date'] = 'date' in headers
    keep['length-or-chunked'] = 'content-length' in headers or \
        headers.get('transfer-encoding') == 'chunked'
    if with_connection:
        keep['connection'] = headers.get('connection')
    return {'status': lines[0] if lines else '', 'headers': keep,
            'body': body.decode('latin-1')[:2000]}
