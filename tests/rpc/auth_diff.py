"""HTTP Basic auth on every path of both servers (unix: plain password; inet: `{SHA}`), the
unix socket's file mode, and supervisorctl with good and bad credentials. Run as

    python auth_diff.py auth --dir D --port P --sock S --conf C --venv V --user U --password P
"""

import base64
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Recorder, http_connection, DEADLINE  # noqa: E402
from xmlrpc_diff import INITIAL, _call_xml  # noqa: E402

PATHS = [('POST', '/RPC2'), ('GET', '/logtail/printer'), ('GET', '/logtail/printer/stderr'),
         ('GET', '/mainlogtail'), ('GET', '/'), ('GET', '/index.html'),
         ('GET', '/tail.html?processname=printer'), ('GET', '/ok.html'),
         ('GET', '/stylesheets/supervisor.css'), ('GET', '/nosuch')]

STREAMING = ('/logtail', '/mainlogtail')


def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def request(r, transport, method, path, authorization):
    conn = http_connection(r.env, transport)
    headers = {}
    if authorization is not None:
        headers['Authorization'] = authorization
    body = None
    if method == 'POST':
        body = _call_xml('supervisor.getAPIVersion')
        headers['Content-Type'] = 'text/xml'
    try:
        conn.request(method, path, body, headers)
        resp = conn.getresponse()
        out = {'status': resp.status,
               'www-authenticate': resp.getheader('WWW-Authenticate'),
               'content-type': resp.getheader('Content-Type')}
        streaming = path.startswith(STREAMING) and resp.status == 200
        if streaming and path.startswith('/logtail/printer'):
            # the tail starts with the log's end: printer wrote 'before' / 'err'
            want = 3 if path.endswith('stderr') else 6
            out['first bytes'] = resp.read(want).decode('latin-1')
            out['transfer-encoding'] = resp.getheader('Transfer-Encoding')
        if not streaming and path not in ('/', '/index.html', '/tail.html?processname=printer'):
            data = resp.read()
            out['body'] = data.decode('latin-1')[:300] if resp.status != 200 or \
                path in ('/RPC2', '/ok.html') else {'length': len(data)}
        return out
    except Exception as e:  # noqa: BLE001
        return {'error': type(e).__name__}
    finally:
        conn.close()


def auth(r):
    user, password = r.env.user, r.env.password
    mode = stat.S_IMODE(os.stat(r.env.sock).st_mode)
    r.value('unix socket file mode', oct(mode))
    r.value('unix socket is a socket', stat.S_ISSOCK(os.stat(r.env.sock).st_mode))
    sha = '{SHA}' + __import__('hashlib').sha1(password.encode()).hexdigest()
    variants = [
        ('none', None),
        ('right', basic(user, password)),
        ('wrong password', basic(user, 'nope')),
        ('wrong user', basic('mallory', password)),
        ('the {SHA} string as password', basic(user, sha)),
        ('empty', basic('', '')),
        ('no colon', 'Basic ' + base64.b64encode(user.encode()).decode()),
        ('not base64', 'Basic !!!notbase64'),
        ('bearer', 'Bearer ' + password),
        ('lowercase scheme', basic(user, password).replace('Basic', 'basic')),
    ]
    for transport in ('tcp', 'unix'):
        for method, path in PATHS:
            for name, authorization in variants:
                r.emit('%s %s %s auth %s' % (transport, method, path, name),
                       request(r, transport, method, path, authorization))
    # xmlrpc.client and SupervisorTransport with credentials
    for transport in ('tcp', 'unix'):
        for name, (u, p) in [('right', (user, password)), ('wrong', (user, 'nope')),
                             ('none', ('', ''))]:
            proxy = r.env.proxy(transport, u, p)
            try:
                out = {'ok': proxy.supervisor.getAPIVersion()}
            except Exception as e:  # noqa: BLE001
                out = {'error': type(e).__name__, 'code': getattr(e, 'errcode', None)}
            r.emit('%s xmlrpc.client credentials %s' % (transport, name), out)
    # supervisorctl: credentials from the config, then overridden on the command line
    ctl = os.path.join(r.env.venv, 'bin', 'supervisorctl')
    for name, extra in [('config credentials', []),
                        ('-p wrong', ['-p', 'nope']),
                        ('-u wrong', ['-u', 'mallory']),
                        ('inet -s, no credentials', ['-s', 'http://127.0.0.1:%d' % r.env.port,
                                                     '-u', '', '-p', '']),
                        ('inet -s, right', ['-s', 'http://127.0.0.1:%d' % r.env.port]),
                        ('inet -s, wrong', ['-s', 'http://127.0.0.1:%d' % r.env.port,
                                            '-p', 'nope'])]:
        for command in (['version'], ['status', 'cat']):
            p = subprocess.run([ctl, '-c', r.env.conf] + extra + command,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=DEADLINE, cwd=r.env.dir)
            r.emit('supervisorctl %s %s' % (name, ' '.join(command)),
                   {'stdout': r.norm.text(p.stdout.decode('utf-8', 'replace')),
                    'exit': p.returncode})


def main():
    r = Recorder(sys.argv[2:])
    r.wait_states('initial states', INITIAL)
    auth(r)


if __name__ == '__main__':
    main()
