"""tools/install-python.sh makes `import tessel` work for /usr/bin/python3
from any folder (checked with a scratch HOME, so the user's own site-packages
is not touched)."""
import os
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_install_python_makes_the_package_importable(tmp_path):
    build = os.path.dirname(os.environ["TESSEL_TEST_BIN"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["HOME"] = str(tmp_path)
    env.pop("PYTHONUSERBASE", None)
    proc = subprocess.run([os.path.join(ROOT, "tools", "install-python.sh"), build], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "import tessel works" in proc.stdout
    pth = list(tmp_path.glob(".local/lib/python3*/site-packages/tessel.pth"))
    assert len(pth) == 1 and pth[0].read_text().strip() == os.path.realpath(
        os.path.join(build, "python"))
    check = subprocess.run(["/usr/bin/python3", "-c",
                            "import tessel; print(tessel.InferenceSession.__name__)"],
                           env=env, cwd="/", capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip() == "InferenceSession", check.stderr
