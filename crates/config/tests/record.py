#!/usr/bin/env python3
"""Record expected.json for every config corpus case from Python supervisor 4.3.0.

Usage (needs the venv from .ci/pyenv.sh; when started with another python
this script re-executes itself under target/py/bin/python):

    target/py/bin/python crates/config/tests/record.py            # regenerate all cases
    target/py/bin/python crates/config/tests/record.py 012-foo    # only these cases
    target/py/bin/python crates/config/tests/record.py --check    # exit 1 listing stale cases

Each case is a directory crates/config/tests/corpus/<NNN-name>/ holding
supervisord.conf (+ any included files) and the recorded expected.json.
The schema of expected.json is described in corpus/SCHEMA.md.

How the original is driven (in-process, one fresh options object per case):

* Environment fixed before anything is constructed: os.environ is replaced by
  exactly {PATH=/usr/bin:/bin, HOME=/root, CORPUS_VAR=corpusval};
  platform.node() returns "testhost"; tempfile.tempdir = "/tmp";
  cwd = the case directory.
* supervisord side: ``ServerOptions().realize(args=["-c", <abs path of
  supervisord.conf>])`` with ``usage()`` patched to raise instead of printing
  and exiting.  realize() is the startup path: it calls
  process_config() -> read_config() (which runs process_groups_from_parser()
  and server_configs_from_parser()), then validates [supervisord] user
  (name_to_uid) and normalises logfile/pidfile to absolute paths.  The config
  file is always passed as an ABSOLUTE path (it shows up in error messages
  such as "... in section 'program:x' (file: '<HERE>/supervisord.conf')").
  Any ValueError (incl. wrapped configparser.ParsingError) -> ok=false.
* supervisorctl side ("ctl" key): ``ClientOptions().realize(args=["-c",
  path])`` with usage() patched the same way.  "ctl" is null exactly when
  ClientOptions reports ".ini file does not include supervisorctl section";
  a configparser error (supervisorctl does not wrap ParsingError -> it would
  crash with a traceback) or ValueError becomes {"error": str(exc)}.
  ctl is only recorded for ok=true cases.
* messages: Python keeps three separate lists (parse_criticals,
  parse_warnings, parse_infos) whose relative order is not recoverable;
  supervisord logs them as all criticals, then all warnings, then all infos
  (ServerOptions.make_logger), so that is the order emitted here: CRIT, WARN,
  INFO, each in its own list's order.  Parsing itself never queues a
  critical in 4.3.0 (the "running as root" CRIT is added later at startup).
* "rpcinterfaces" (schema extension, see corpus/SCHEMA.md): one entry per
  [rpcinterface:x] section in options.rpcinterface_factories order, with the
  factory spec string exactly as written and the extra keys as strings.
* Every string has the absolute case directory replaced by "<HERE>".
"""
import configparser
import inspect
import json
import os
import platform
import sys
import tempfile

HERE_DIR = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE_DIR, 'corpus')
FIXED_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/root", "CORPUS_VAR": "corpusval"}


def _ensure_venv():
    """Re-exec under target/py/bin/python when supervisor is not importable."""
    try:
        import supervisor  # noqa: F401
        return
    except ImportError:
        pass
    repo = os.path.dirname(os.path.dirname(os.path.dirname(HERE_DIR)))
    venv_py = os.path.join(repo, 'target', 'py', 'bin', 'python')
    venv_dir = os.path.dirname(os.path.dirname(venv_py))
    if os.path.exists(venv_py) and os.path.realpath(sys.prefix) != os.path.realpath(venv_dir):
        os.execv(venv_py, [venv_py, os.path.abspath(sys.argv[0])] + sys.argv[1:])  # the script that was run, which may import this one
    sys.exit('supervisor 4.3.0 not importable; run: bash .ci/pyenv.sh')


_ensure_venv()

from importlib.metadata import version as _dist_version  # noqa: E402
assert _dist_version('supervisor') == '4.3.0', _dist_version('supervisor')


class UsageError(Exception):
    pass


def _setup_globals():
    os.environ.clear()
    os.environ.update(FIXED_ENV)
    tempfile.tempdir = "/tmp"
    platform.node = lambda: "testhost"


_setup_globals()

from supervisor import options as sopts  # noqa: E402
from supervisor import datatypes  # noqa: E402

# Tag each group config with the kind of section it came from.  The
# heterogeneous [group:x] loop in process_groups_from_parser runs first and
# has no local named "program_name"; the [program:x] loop does.
_OrigPGC = sopts.ProcessGroupConfig


class _TaggedPGC(_OrigPGC):
    def __init__(self, *a, **kw):
        caller = inspect.currentframe().f_back
        self._corpus_type = 'program' if 'program_name' in caller.f_locals else 'group'
        _OrigPGC.__init__(self, *a, **kw)


sopts.ProcessGroupConfig = _TaggedPGC


def _raise_usage(msg):
    raise UsageError(str(msg))


def _autorestart(v):
    if v is datatypes.RestartUnconditionally:
        return 'true'
    if v is datatypes.RestartWhenExitUnexpected:
        return 'unexpected'
    if v is False:
        return 'false'
    raise AssertionError('unknown autorestart %r' % (v,))


def _logfile(v):
    if v is datatypes.Automatic:
        return 'AUTO'
    return v


def _process(p):
    d = {
        'name': p.name,
        'command': p.command,
        'priority': p.priority,
        'autostart': p.autostart,
        'autorestart': _autorestart(p.autorestart),
        'startsecs': p.startsecs,
        'startretries': p.startretries,
        'uid': p.uid,
        'umask': p.umask,
        'exitcodes': list(p.exitcodes),
        'stopsignal': int(p.stopsignal),
        'stopwaitsecs': p.stopwaitsecs,
        'stopasgroup': p.stopasgroup,
        'killasgroup': p.killasgroup,
        'redirect_stderr': p.redirect_stderr,
    }
    for ch in ('stdout', 'stderr'):
        d[ch + '_logfile'] = _logfile(getattr(p, ch + '_logfile'))
        for k in ('logfile_maxbytes', 'logfile_backups', 'capture_maxbytes',
                  'events_enabled', 'syslog'):
            d['%s_%s' % (ch, k)] = getattr(p, '%s_%s' % (ch, k))
    d['environment'] = p.environment
    d['directory'] = p.directory
    d['serverurl'] = p.serverurl
    return d


def _group(g, specs):
    if isinstance(g, sopts.EventListenerPoolConfig):
        t = 'eventlistener'
    elif isinstance(g, sopts.FastCGIGroupConfig):
        t = 'fcgi-program'
    else:
        t = g._corpus_type
    d = {'type': t, 'name': g.name, 'priority': g.priority}
    if t == 'eventlistener':
        d['buffer_size'] = g.buffer_size
        d['pool_events'] = sorted(
            sopts_events_name(e) for e in g.pool_events)
        d['result_handler'] = specs[id(g.result_handler)]
    if t == 'fcgi-program':
        sc = g.socket_config
        d['socket'] = str(sc)
        d['socket_owner'] = list(sc.owner) if getattr(sc, 'owner', None) is not None else None
        d['socket_mode'] = getattr(sc, 'mode', None)
        d['socket_backlog'] = sc.backlog
    d['processes'] = [_process(p) for p in g.process_configs]
    return d


def sopts_events_name(ev):
    from supervisor.events import getEventNameByType
    return getEventNameByType(ev)


def _server(c):
    import socket
    unix = c['family'] is socket.AF_UNIX
    return {
        'section': c['section'],
        'family': 'unix' if unix else 'inet',
        'file': c.get('file') if unix else None,
        'chmod': c.get('chmod') if unix else None,
        'chown': list(c['chown']) if unix else None,
        'host': None if unix else c['host'],
        'port': None if unix else c['port'],
        'username': c['username'],
        'password': c['password'],
        'name': c['name'],
    }


def _ctl(path):
    o = sopts.ClientOptions()
    o.usage = _raise_usage
    try:
        o.realize(args=['-c', path], doc='', progname='supervisorctl')
    except (UsageError, ValueError, configparser.Error) as e:
        msg = str(e)
        if msg == '.ini file does not include supervisorctl section':
            return None
        return {'error': msg}
    return {
        'serverurl': o.serverurl,
        'username': o.username,
        'password': o.password,
        'prompt': o.prompt,
        'history_file': o.history_file,
    }


def record_case(case_dir):
    case_dir = os.path.abspath(case_dir)
    path = os.path.join(case_dir, 'supervisord.conf')
    old_cwd = os.getcwd()
    _setup_globals()
    os.chdir(case_dir)
    try:
        o = sopts.ServerOptions()
        o.usage = _raise_usage
        specs = {}

        def import_spec(spec, _orig=o.import_spec):
            obj = _orig(spec)
            specs[id(obj)] = spec
            return obj
        o.import_spec = import_spec
        try:
            o.realize(args=['-c', path], doc='', progname='supervisord')
        except (UsageError, ValueError, configparser.Error) as e:
            result = {'ok': False, 'error': str(e)}
        else:
            sup = {
                'logfile': o.logfile,
                'logfile_maxbytes': o.logfile_maxbytes,
                'logfile_backups': o.logfile_backups,
                'loglevel': o.loglevel,
                'pidfile': o.pidfile,
                'umask': o.umask,
                'nodaemon': bool(o.nodaemon),
                'silent': bool(o.silent),
                'minfds': o.minfds,
                'minprocs': o.minprocs,
                'nocleanup': bool(o.nocleanup),
                'childlogdir': o.childlogdir,
                'user': o.user,
                'uid': o.uid,
                'directory': o.directory,
                'strip_ansi': bool(o.strip_ansi),
                'environment': o.configroot.supervisord.environment,
                'identifier': o.identifier,
                'gid': o.gid,
            }
            messages = ([['CRIT', m] for m in o.parse_criticals] +
                        [['WARN', m] for m in o.parse_warnings] +
                        [['INFO', m] for m in o.parse_infos])
            result = {
                'ok': True,
                'supervisord': sup,
                'servers': [_server(c) for c in o.server_configs],
                'groups': [_group(g, specs) for g in o.process_group_configs],
                'messages': messages,
                'ctl': _ctl(path),
                'rpcinterfaces': [
                    {'name': name, 'factory': specs[id(factory)], 'extras': extras}
                    for (name, factory, extras) in o.rpcinterface_factories],
            }
    finally:
        os.chdir(old_cwd)
    return _replace_here(result, case_dir)


def _replace_here(v, here):
    if isinstance(v, str):
        return v.replace(here, '<HERE>')
    if isinstance(v, list):
        return [_replace_here(x, here) for x in v]
    if isinstance(v, dict):
        return {_replace_here(k, here): _replace_here(x, here) for k, x in v.items()}
    return v


def render(result):
    return json.dumps(result, indent=1, ensure_ascii=False, sort_keys=False) + '\n'


def main(argv):
    check = '--check' in argv
    names = [a for a in argv if a != '--check']
    if not names:
        names = sorted(n for n in os.listdir(CORPUS)
                       if os.path.isfile(os.path.join(CORPUS, n, 'supervisord.conf')))
    stale = []
    for name in names:
        name = os.path.basename(os.path.normpath(name))
        case_dir = os.path.join(CORPUS, name)
        if not os.path.isfile(os.path.join(case_dir, 'supervisord.conf')):
            sys.exit('no such case: %s' % name)
        out = render(record_case(case_dir))
        exp = os.path.join(case_dir, 'expected.json')
        if check:
            try:
                with open(exp, encoding='utf-8') as f:
                    cur = f.read()
            except FileNotFoundError:
                cur = None
            if cur != out:
                stale.append(name)
        else:
            with open(exp, 'w', encoding='utf-8') as f:
                f.write(out)
    if check:
        if stale:
            print('stale expected.json (rerun record.py):')
            for s in stale:
                print('  ' + s)
            return 1
        print('all %d cases up to date' % len(names))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
