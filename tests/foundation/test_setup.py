"""`make setup` is idempotent: a second run changes nothing and fails nowhere (issue 2)."""
from __future__ import annotations

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_second_setup_run_changes_nothing():
    ini_before = (ROOT / "config/ckan.ini").read_bytes()
    test_ini_before = (ROOT / "config/test.ini").read_bytes()
    env = dict(os.environ, SETUP_SKIP_DEMO="1")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/setup.sh")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # every step announced itself, and none of them created anything
    for number in range(1, 10):
        assert f"==> {number}/9" in result.stdout
    for verb in ("creating role", "creating database", "writing config", "installing:", "user admin created", "password reset"):
        assert verb not in result.stdout, result.stdout
    assert (ROOT / "config/ckan.ini").read_bytes() == ini_before
    assert (ROOT / "config/test.ini").read_bytes() == test_ini_before


def test_a_failing_step_is_named_and_exits_non_zero(tmp_path):
    # the real script, with step 7 pointed at an unreachable database: it must fail and name the step
    script = (ROOT / "scripts/setup.sh").read_text()
    bad_ini = tmp_path / "bad.ini"
    bad_ini.write_text(
        "[app:main]\nuse = config:{}\nsqlalchemy.url = postgresql://nobody:wrong@127.0.0.1:1/none\n".format(
            ROOT / "config/ckan.ini"
        )
    )
    patched = script.replace('"$CKAN" -c config/ckan.ini db init', f'"$CKAN" -c {bad_ini} db init')
    assert patched != script
    patched_path = ROOT / "var" / "setup-broken-test.sh"
    patched_path.write_text(patched)
    try:
        env = dict(os.environ, SETUP_SKIP_DEMO="1")
        result = subprocess.run(["bash", str(patched_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=900)
    finally:
        patched_path.unlink()
    assert result.returncode != 0
    assert "SET-UP FAILED in step: 7/9" in result.stderr
