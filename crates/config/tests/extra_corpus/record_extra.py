#!/usr/bin/env python3
"""Record expected.json for the config crate's own extra cases (tests/extra_corpus/<case>/),
with the corpus recorder (../record.py) so that both share one driver and one schema:

    target/py/bin/python crates/config/tests/extra_corpus/record_extra.py [--check]

These cases pin behaviours the main corpus does not (yet): the bare-%s dict rendering,
the stdout_logfile double expansion, undecodable files, hidden include files, ...
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import record  # noqa: E402

CHECK = '--check' in sys.argv[1:]
stale = []
for name in sorted(os.listdir(HERE)):
    case = os.path.join(HERE, name)
    if os.path.isfile(os.path.join(case, 'supervisord.conf')):
        rendered = record.render(record.record_case(case))
        path = os.path.join(case, 'expected.json')
        if CHECK:
            with open(path, encoding='utf-8') as f:
                if f.read() != rendered:
                    stale.append(name)
        else:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(rendered)
if CHECK:
    if stale:
        print('stale extra cases (re-record them):', ' '.join(stale))
        sys.exit(1)
    print('all extra cases up to date')
