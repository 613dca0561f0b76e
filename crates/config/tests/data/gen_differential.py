#!/usr/bin/env python3
"""Record Python 3.11 + supervisor 4.3.0 behaviour of the small parsers, for the Rust unit
tests (src/*/tests.rs read differential.json).

    target/py/bin/python crates/config/tests/data/gen_differential.py

Deterministic: a fixed random seed, fixed hand-written cases first.
"""
import json
import os
import random
import tempfile

from supervisor import datatypes
from supervisor.options import expand, UnhosedConfigParser

rng = random.Random(int(os.environ.get('DIFF_SEED', '43')))
N = int(os.environ.get('DIFF_N', '1'))  # scale the random part for ad-hoc runs


def outcome(f, *a):
    try:
        v = f(*a)
    except Exception as e:  # noqa: BLE001 - we record every failure text
        return {'err': str(e)}
    return {'ok': v}


def rand_text(alphabet, n):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, n)))


# ---- % formatting against a dict of str and int -------------------------------
FMT_DICT = {'a': 'x', 'n': 3, 'u': 'é', 'ENV_HOME': '/root', 'neg': -42}
fmt_cases = ['%s', '%(a)s %s', '%s %s', '%d', '%(n)02d', '%(a)d', '%', '%(a', '%(a)', '%y',
             '%(zz)s', '100%%', '%(n)5.2f', '%(n)e', '%(n)g', '%(a)r', '%(n)x', '%(a)c',
             '%(n)c', '%(a)*d', '%-5s|', '%(a)-5s|', '%.1s', '%(a).1s', '% d', '%(n) d',
             '%(n)+d', '%(n)#x', '%(n)#o', '%i', '%(a)s%', '%(a)s %(b)s', '%(a)%', '%(n)ld',
             '%(n)l', '%(n).3d', '%(n)05d', '%(n)-05d|', '%(neg)05d', '%(neg)x', '%(neg).3e',
             '%(n)#X', '%(n)10.3e', '%(u)a', '%(u)r', '%é', '%\n', '%(n)0', '%((a))s',
             '%(a))s', '%s%(a)s', '%r', '%a', '%(n)G', '%(n)#g', '%(n).0e', '%(zz)', '%(zz)y',
             '%(n)*d', '%(n).*d', '%(ENV_HOME)s/x', '%(n)99999999999999999999d', '%(a)c#%+%(n)d',
             '%+%', '%5%']
alphabet = ['%', '(', ')', 'a', 'n', 'u', 's', 'd', 'x', 'r', '0', '5', '.', '-', '+', ' ',
            '#', '*', 'e', 'g', 'c', 'z', 'l', '%(a)', '%(n)', '%(u)']
for _ in range(600 * N):
    fmt_cases.append(''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))))
fmt = [[s, outcome(expand, s, FMT_DICT, 'sec.opt')] for s in dict.fromkeys(fmt_cases)]

# ---- environment= key/value pairs (non-POSIX shlex) ----------------------------
kv_cases = ['A=hello world', 'A="x,y",B=\'a b\'', 'A=$HOME', 'A=a#b', 'A=x;y', 'A="a\\"b"',
            'a-b.c=1', 'A=1,', 'A=', 'A=1,,B=2', 'A=1 B=2', 'A="unclosed', 'A=a#b\nB=2',
            'A=ö', 'ö=1', 'A=x"y z"', '"A"="b"', '', ' ', 'A=1,A=2', 'A=1,B=2,A=3',
            "A='x\"y'", 'A=(x):/y+z-1.2', 'A = 1 , B = 2']
kv_alpha = ['A', 'b', '=', ',', ' ', '"', "'", '#', '\n', ';', '$', 'ö', '1', '/', ':', '\\', '\t',
            '\r', '\x0b', '(', '-', '.', '\xa0']
for _ in range(600 * N):
    kv_cases.append(''.join(rng.choice(kv_alpha) for _ in range(rng.randint(1, 10))))
kv = [[s, outcome(lambda v: list(datatypes.dict_of_key_value_pairs(v).items()), s)]
      for s in dict.fromkeys(kv_cases)]

# ---- scalar datatypes ------------------------------------------------------------
def sig(v):
    return int(datatypes.signal_number(v))


def ar(v):
    r = datatypes.auto_restart(v)
    return {datatypes.RestartUnconditionally: 'always', datatypes.RestartWhenExitUnexpected: 'unexpected',
            False: 'never'}[r]


scalar_inputs = ['', ' ', '0', '1', '-1', '+7', ' 12 ', '1_000', '1__0', '_1', '1_', 'x', '0x10',
                 '012', '8', '777', '0o22', '0O7', '0o_7', '022', 'yes', 'Yes', 'TRUE', 'on',
                 'off', 'No', 'y', 't', 'unexpected', 'Unexpected', 'TERM', 'sigkill', ' int ',
                 'SIG_DFL', '_dfl', 'rtmin', 'RTMAX', '100', '33', '35', '64', '65', 'FOO',
                 'sigsigterm', '50MB', '50 MB', '1kB', '1.5MB', '1B', '1TB', '-1MB', 'kb', ' 5kb',
                 'gb', '2GB', '1,2', ' 1 , 2', '256', '255', '1,', ',', 'a,b', 'info', 'WARN',
                 'warning', 'blather', ' info', 'x y', 'a:b', 'a/b', ' ok ', 'ü', '80', 'a:b',
                 'h:', '*:80', '70000', 'abc', ':80', '[::1]:9001', 'h:abc', 'H:1', ' 80', ':0',
                 'h:65535', 'h:65536', 'http://x', 'x', 'unix:///tmp/s', 'unix://', 'http://',
                 'a b,c ,, d', '١٢', '１２', '\u00a012\u2003', '٠o7', '-٣MB', '٨', '٧', '½', '²']
scalars = {}
for name, f in [('integer', datatypes.integer), ('boolean', datatypes.boolean),
                ('byte_size', datatypes.byte_size), ('octal', datatypes.octal_type),
                ('signal', sig), ('exitcodes', datatypes.list_of_exitcodes),
                ('autorestart', ar), ('log_level', datatypes.logging_level),
                ('name', datatypes.process_or_group_name),
                ('inet_address', lambda v: list(datatypes.inet_address(v))),
                ('url', datatypes.url), ('list_of_strings', datatypes.list_of_strings)]:
    scalars[name] = [[v, outcome(f, v)] for v in scalar_inputs]

# ---- the INI dialect ----------------------------------------------------------------
ini_cases = [
    '[a]\nx=1\n', '[a]\nx: 1\n', '[a]\nx = b ;c\n', '[a]\nx=b;c\n', '[a]\nx=b #c\n',
    "[a]\nx=bash -c 'foo ; bar'\n", '[a]\nx=1\n  2\n\n  3\n\n', '[a]\nx=1\n# c\n  2\n',
    '[DEFAULT]\nd=1\n[a]\n[b]\nd=2\n', '[a]\nx=1\n[a]\nx=2\ny=3\n', '[a]\nX=1\nx=2\n',
    '[A]\nx=1\n[a]\nx=2\n', '[a]\ngarbage\nmore garbage\n', 'x=1\n', '[a\nx=1\n',
    '[program:a\ncommand=x\n', '[a] trailing\nx=1\n', '[a]b]\nx=1\n', '[]\n', '[a]\n=v\n',
    '[a]\nx=1\r\ny=2\r\n', '[a]\rx=1\r', '[a]\nx=a;b ;c   #d\n', '[a]\nx=1\n\ty=2\n',
    '[a]\n  x=1\n  y=2\n', '[a]\nx=\n', '[a]\nx\n', ';c\n[a]\n', '\n\n[a]\n\nx=1\n',
    '[ö]\nÄ=1\n', '[a]\nx=1 \x0c\n', '[a]\nx=1\n \n', '[a]\nk:v=w\n', '[a]\nk=v:w\n',
    '[a]\n x = 1\n', '[DEFAULT]\n[a]\n', '[a]\nx=1 ;c\n  y ;d\n', '\ufeff[a]\nx=1\n',
    '[a]\nx=1\n[DEFAULT]\nx=0\ny=2\n',
]
ini_alpha = ['[', ']', 'a', 'b', '=', ':', ';', '#', ' ', '\t', '\n', '\n', '\n', '\r', 'x',
             'DEFAULT', '\\', '%', '\x0b', '\x0c', '\x1c', '\xa0', '\u2028', '\u3000', 'é']
for _ in range(500 * N):
    ini_cases.append('[a]\n' + ''.join(rng.choice(ini_alpha) for _ in range(rng.randint(1, 16))))


def read_ini(text):
    fd, path = tempfile.mkstemp()
    try:
        with os.fdopen(fd, 'w', newline='') as f:
            f.write(text)
        p = UnhosedConfigParser()
        with open(path) as f:
            p.read_file(f, source='<test>')
        return {'defaults': list(p._defaults.items()),
                'sections': [[s, list(p._sections[s].items())] for s in p.sections()]}
    finally:
        os.unlink(path)


ini = [[t, outcome(read_ini, t)] for t in dict.fromkeys(ini_cases)]

# ---- repr() of strings (quote choice, escapes, printability tables) ---------------------
repr_cases = ['', "'", '"', '\'"', 'a\\b', '\n\r\t', '\x00\x7f\x80\xa0\xad', 'é\u2028\U0001f600',
              '\u0378', '\U000e0100', '\U0010ffff', '\ufeff', '\ue000']
for _ in range(400 * N):
    repr_cases.append(''.join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0x80, 0x3000),
                                                  rng.randint(0x3000, 0x10ffff)]))
                              for _ in range(rng.randint(1, 6))))
repr_cases = [c for c in repr_cases if not any(0xd800 <= ord(x) <= 0xdfff for x in c)]
reprs = [[c, {'ok': repr(c)}] for c in dict.fromkeys(repr_cases)]

# ---- command lines ----------------------------------------------------------------------
os.environ['HOME'] = '/root'
from supervisor import options as sopts  # noqa: E402


class _Exit(Exception):
    pass


def _usage(msg):
    raise _Exit('usage', str(msg))


def run_supervisord(argv):
    cls = sopts.ServerOptions
    saved = cls.help, cls.version
    cls.help = lambda self, dummy: (_ for _ in ()).throw(_Exit('help'))
    cls.version = lambda self, dummy: (_ for _ in ()).throw(_Exit('version'))
    try:
        o = cls()
        o.usage = _usage
        o.default_configfile = lambda: None
        o.process_config = lambda do_usage=True: None
        try:
            sopts.Options.realize(o, args=argv, doc='', progname='supervisord')
        except _Exit as e:
            return {'err': list(e.args)}
        names = ['configfile', 'nodaemon', 'silent', 'user', 'umask', 'directory', 'logfile',
                 'logfile_maxbytes', 'logfile_backups', 'loglevel', 'pidfile', 'identifier',
                 'childlogdir', 'nocleanup', 'minfds', 'minprocs', 'strip_ansi', 'profile_options']
        out = {}
        for n in names:
            v = getattr(o, n)
            if n in ('nodaemon', 'silent', 'nocleanup', 'strip_ansi') and v is not None:
                v = bool(v)
            if isinstance(v, tuple):
                v = [list(v[0]), v[1]]
            out[n] = v
        return {'ok': out}
    finally:
        cls.help, cls.version = saved


def run_ctl(argv):
    cls = sopts.ClientOptions
    saved = cls.help
    cls.help = lambda self, dummy: (_ for _ in ()).throw(_Exit('help'))
    try:
        o = cls()
        o.usage = _usage
        o.default_configfile = lambda: None
        o.process_config = lambda do_usage=True: None
        try:
            sopts.Options.realize(o, args=argv, doc='', progname='supervisorctl')
        except _Exit as e:
            return {'err': list(e.args)}
        return {'ok': {'configfile': o.configfile, 'interactive': bool(o.interactive),
                       'serverurl': o.serverurl, 'username': o.username, 'password': o.password,
                       'history': o.history, 'args': o.args}}
    finally:
        cls.help = saved


sd_cases = [[], ['-h'], ['-?'], ['--help'], ['-v'], ['--version'], ['-n'], ['-n', '-n'],
            ['-n', '--nodaemon'], ['--node'], ['--no'], ['--log'], ['--logfile'], ['--logfile=x.log'],
            ['-l', '/nonexistent/x.log'], ['-lx.log'], ['-c', 'a.conf', 'extra'], ['x', 'y'],
            ['-x'], ['--bogus'], ['--nodaemon=1'], ['-m', '8'], ['-m022'], ['--umask=0o22'],
            ['-d', '/tmp'], ['-d', '/nonexistent'], ['-d', '~'], ['-e', 'WARN'], ['-e', 'warning'],
            ['-y', '1MB'], ['-y', '1.5MB'], ['-z', 'x'], ['-a', '10'], ['-a', 'x'], ['--minprocs', '5'],
            ['--minprocs'], ['-u'], ['-u', 'nobody'], ['-j', '/tmp/x.pid'], ['-q', '/tmp'],
            ['-i', 'id'], ['-k', '-t', '-s'], ['-nks'], ['-nc', 'f.conf'], ['--profile_options=cumulative,CALLERS'],
            ['--', '-n'], ['-', '-n'], ['-n', '-h'], ['-m', '8', '-h'], ['-h', '-m', '8'],
            ['-c', 'a', '-c', 'b'], ['--configuration', 'a', '-c', 'b'], ['--c=x'], ['--co', 'x'],
            ['--strip'], ['--s'], ['--si'], ['-v', '-x'], ['--version=1'], ['-e'], ['--help=x']]
ctl_cases = [[], ['-h'], ['status'], ['-i', 'status'], ['-i'], ['-s', 'x'], ['-s', 'http://h:1', 'stop', 'all'],
             ['--serverurl=unix:///tmp/s'], ['-u', 'a', '-p', 'b'], ['-r', 'h'], ['--history_file=h'],
             ['--history-file=h'], ['-c', 'f', 'tail', '-f', 'x'], ['tail', '-f'], ['-x'], ['--s=x'],
             ['--se=http://x'], ['-i', '-i'], ['--', '-i'], ['-s'], ['--int']]
cli = {'supervisord': [[a, run_supervisord(a)] for a in sd_cases],
       'supervisorctl': [[a, run_ctl(a)] for a in ctl_cases]}

out = {'cli': cli, 'repr': reprs, 'fmt_dict': list(FMT_DICT.items()), 'fmt': fmt, 'kv': kv, 'scalars': scalars, 'ini': ini}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'differential.json'), 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=0)
print('fmt %d kv %d ini %d' % (len(fmt), len(kv), len(ini)))
