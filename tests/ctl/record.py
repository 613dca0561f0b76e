#!/usr/bin/env python3
"""Record Python supervisorctl 4.3.0's answers to tests/ctl/fixtures/cases.txt.

Run with target/py/bin/python (bash .ci/pyenv.sh creates it):

    target/py/bin/python tests/ctl/record.py            # rewrite fixtures/expected.txt
    target/py/bin/python tests/ctl/record.py --check    # compare, exit 1 on a difference

It copies fixtures/daemon/ into a temp dir, starts Python's supervisord 4.3.0 there, runs
every case line with Python's supervisorctl (stdin closed, cwd = the temp dir), waits after
each until no process is STARTING/BACKOFF/STOPPING, and writes stdout, stderr and the exit
status, normalised by the rules of `normalise` (the Rust runner, tests/ctl/harness.rs,
applies the same rules to our supervisorctl's output).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures')
ROOT = os.path.dirname(os.path.dirname(HERE))
PYBIN = os.path.join(ROOT, 'target', 'py', 'bin')
DEADLINE = 30.0


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_date_at(text, i):
    # 'Nov 28 02:12 PM'
    t = text[i:i + 15]
    return (len(t) == 15 and t[0].isupper() and t[1:3].islower() and t[1:3].isalpha()
            and t[3] == ' ' and t[4:6].isdigit() and t[6] == ' ' and t[7:9].isdigit()
            and t[9] == ':' and t[10:12].isdigit() and t[12] == ' ' and t[13:15] in ('AM', 'PM'))


def normalise(text, tmpdir, port):
    """The normalisation rules, kept simple enough to mirror in Rust without regexes."""
    text = text.replace(tmpdir, '<DIR>').replace(':%d' % port, ':<PORT>')
    out_lines = []
    for line in text.split('\n'):
        # a bare pid
        if line.isdigit() and line != '0':
            line = '<PID>'
        # 'pid 123, uptime 0:00:01'
        j = line.find('pid ')
        while j != -1:
            k = j + 4
            while k < len(line) and line[k].isdigit():
                k += 1
            if k > j + 4 and line[k:k + 9] == ', uptime ':
                e = k + 9
                while e < len(line) and line[e] != ' ':
                    e += 1
                line = line[:j] + 'pid <PID>, uptime <UPTIME>' + line[e:]
            j = line.find('pid ', j + 1)
        # stop times
        i = 0
        while i < len(line):
            if is_date_at(line, i):
                line = line[:i] + '<DATE>' + line[i + 15:]
            i += 1
        # 'file: /abs/path/to/x.py line: 12' -> 'file: x.py line: 12'
        j = line.find('file: ')
        if j != -1:
            k = line.find(' line: ', j)
            if k != -1:
                path = line[j + 6:k]
                line = line[:j + 6] + path.rsplit('/', 1)[-1] + line[k:]
        # 'For help, use /path/to/supervisorctl -h'
        if line.startswith('For help, use ') and line.endswith(' -h'):
            line = 'For help, use supervisorctl -h'
        out_lines.append(line)
    return '\n'.join(out_lines)


def sort_lines(text):
    """The lines of text in sorted order (a final newline stays final)."""
    end = '\n' if text.endswith('\n') else ''
    body = text[:-1] if end else text
    return '\n'.join(sorted(body.split('\n'))) + end if body else text


def encode(text):
    """'| ' before every line; a last line without newline gets '! '."""
    if not text:
        return ''
    lines = text.split('\n')
    out = ''.join('| %s\n' % l for l in lines[:-1])
    if lines[-1]:
        out += '! %s\n' % lines[-1]
    return out


class Unix(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def make_connection(self, host):
        import http.client

        class C(http.client.HTTPConnection):
            def connect(inner):
                inner.sock = socket.socket(socket.AF_UNIX)
                inner.sock.connect(self.path)
        return C('localhost')


def settled(sock):
    try:
        proxy = xmlrpc.client.ServerProxy('http://localhost', transport=Unix(sock))
        infos = proxy.supervisor.getAllProcessInfo()
    except Exception:
        return False
    return all(i['statename'] not in ('STARTING', 'BACKOFF', 'STOPPING') for i in infos)


def wait_settled(sock):
    end = time.time() + DEADLINE
    while time.time() < end:
        if settled(sock):
            return
        time.sleep(0.05)
    raise SystemExit('daemon did not settle')


def wait_state(sock, name, state):
    end = time.time() + DEADLINE
    while time.time() < end:
        try:
            proxy = xmlrpc.client.ServerProxy('http://localhost', transport=Unix(sock))
            if proxy.supervisor.getProcessInfo(name)['statename'] == state:
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise SystemExit('%s never reached %s' % (name, state))


def wait_gone(proc):
    try:
        proc.wait(DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_cases(ctl_argv, tmpdir, port):
    sock = os.path.join(tmpdir, 'supervisor.sock')
    results = []
    with open(os.path.join(FIXTURES, 'cases.txt')) as f:
        lines = [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]
    for line in lines:
        if line.startswith('@cp '):
            _, src, dst = line.split()
            shutil.copy(os.path.join(FIXTURES, src), os.path.join(tmpdir, dst))
            continue
        if line.startswith('@until '):
            _, name, state = line.split()
            wait_state(sock, name, state)
            continue
        if line.startswith('@rm '):
            os.remove(os.path.join(tmpdir, line.split()[1]))
            continue
        sort = line.startswith('~ ')
        if sort:
            line = line[2:]
        expanded = line.replace('$DIR', tmpdir).replace('$PORT', str(port))
        args = expanded.split()
        if not line.startswith('-'):
            args = ['-c', 'supervisord.conf'] + args
        p = subprocess.run(ctl_argv + args, cwd=tmpdir, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=DEADLINE)
        stdout = normalise(p.stdout.decode('utf-8', 'replace'), tmpdir, port)
        if sort:
            stdout = sort_lines(stdout)
            line = '~ ' + line
        results.append((line, stdout,
                        normalise(p.stderr.decode('utf-8', 'replace'), tmpdir, port),
                        p.returncode))
        if not line.endswith('shutdown'):
            wait_settled(sock)
    return results


def render(results):
    out = []
    for line, stdout, stderr, code in results:
        out.append('=== %s\n--- stdout\n%s--- stderr\n%s--- exit %d\n'
                   % (line, encode(stdout), encode(stderr), code))
    return ''.join(out)


def main():
    check = '--check' in sys.argv
    tmpdir = tempfile.mkdtemp(prefix='ctl-record-')
    try:
        shutil.copytree(os.path.join(FIXTURES, 'daemon'), tmpdir, dirs_exist_ok=True)
        port = free_port()
        env = dict(os.environ, CTL_TEST_PORT=str(port))
        daemon = subprocess.Popen(
            [os.path.join(PYBIN, 'supervisord'), '-c', 'supervisord.conf'],
            cwd=tmpdir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_settled(os.path.join(tmpdir, 'supervisor.sock'))
            results = run_cases([os.path.join(PYBIN, 'supervisorctl')], tmpdir, port)
        finally:
            if daemon.poll() is None:
                daemon.terminate()
            wait_gone(daemon)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    text = render(results)
    path = os.path.join(FIXTURES, 'expected.txt')
    if check:
        with open(path) as f:
            old = f.read()
        if old != text:
            import difflib
            sys.stderr.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), 'expected.txt', 'new recording'))
            sys.stderr.write('%s differs from a new recording\n' % path)
            sys.exit(1)
        return
    with open(path, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
