"""Every command the README and docs/ show works as written on a fresh clone (issue 20): each `manage.py` command, in a
code block or inline, runs in its non-destructive form (`--help`: the settings load and the command exists) in an
environment holding only what the line itself sets; each `make` target does its dry run (`make -n`). The README's
export runs for real on a fresh database."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=")


def readme_lines():
    """The shell lines of the README and of the documents it points to (docs/): code blocks (continuations joined,
    comments dropped) and inline code spans."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))])
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines += block.replace("\\\n", " ").splitlines()
    lines += re.findall(r"`([^`\n]*(?:manage\.py|\bmake [a-z])[^`\n]*)`", text)
    return [line for line in lines if line.strip()]


def commands():
    """(environment the line sets, program, arguments) for each manage.py and make command of the README."""
    found = []
    for line in readme_lines():
        tokens = shlex.split(line, comments=True)
        for index, token in enumerate(tokens):
            if token.endswith("manage.py") or token == "make":
                start = index - 1 if index and tokens[index - 1].endswith("python") else index
                env = {}
                while start > 0 and ASSIGNMENT.match(tokens[start - 1]):
                    start -= 1
                    name, value = tokens[start].split("=", 1)
                    env[name] = value
                program = "manage.py" if token.endswith("manage.py") else "make"
                args = tokens[index + 1:]
                if args and not args[0].startswith("-") and ASSIGNMENT.match(args[0]) is None:
                    found.append((env, program, args))
                break
    return found


def fresh_env(tmp_path, **given):
    """A new user's shell: no SECRET_KEY, no DEBUG, nothing but PATH and what the line sets; var/ in tmp_path."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "VAR_DIR": str(tmp_path / "var"), **given}


def test_the_readme_shows_the_commands_it_is_known_for():
    names = {(program, args[0]) for _, program, args in commands()}
    for expected in [("manage.py", "import_documents"), ("manage.py", "export_documents"),
                     ("manage.py", "createsuperuser"), ("manage.py", "search_sync"), ("manage.py", "rebuild_index"),
                     ("make", "run"), ("make", "test"), ("make", "serve")]:
        assert expected in names


def test_every_manage_py_command_of_the_readme_runs_on_a_fresh_clone(tmp_path):
    checked = set()
    for env, program, args in commands():
        if program != "manage.py" or (args[0], tuple(sorted(env.items()))) in checked:
            continue
        checked.add((args[0], tuple(sorted(env.items()))))
        result = subprocess.run([sys.executable, "manage.py", args[0], "--help"], cwd=ROOT,
                                env=fresh_env(tmp_path, **env), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (args, env, result.stderr[-2000:])
        assert "usage: manage.py " + args[0] in result.stdout
    assert len(checked) >= 10


def test_every_make_command_of_the_readme_has_its_target(tmp_path):
    for env, program, args in commands():
        if program != "make":
            continue
        result = subprocess.run(["make", "-n", *args], cwd=ROOT, env=fresh_env(tmp_path, **env),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (args, result.stderr)


def test_the_readme_backup_export_runs_without_a_secret_key(tmp_path):
    """The backup's export, as written (no SECRET_KEY, no DEBUG), on a fresh database."""
    env = fresh_env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    out = tmp_path / "documents.jsonl.gz"
    result = subprocess.run([sys.executable, "manage.py", "export_documents", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_serving_without_a_secret_key_still_refuses_to_start(tmp_path):
    """The other side of it: the WSGI application (gunicorn, runserver) stops at once without the key."""
    code = "import congress_site.wsgi"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=fresh_env(tmp_path, DJANGO_SETTINGS_MODULE="congress_site.settings"))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
