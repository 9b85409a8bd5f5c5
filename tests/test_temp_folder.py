"""The test session has its own temp folder, which must be empty at the end (tests/conftest.py):
what a test, a server or an app leaves in it fails the session, so the temp folder stays clean."""

import os
import subprocess
import sys
import tempfile

from tests.conftest import SESSION_TEMP


def test_this_process_and_its_children_use_the_sessions_temp_folder():
    assert tempfile.gettempdir() == str(SESSION_TEMP)
    child = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
                           capture_output=True, text=True, check=True, timeout=30)
    assert child.stdout.strip() == str(SESSION_TEMP)


def test_tmp_path_stays_in_pytests_own_folder(tmp_path):
    assert not tmp_path.is_relative_to(SESSION_TEMP)
    assert os.environ["PYTEST_DEBUG_TEMPROOT"] != str(SESSION_TEMP)
