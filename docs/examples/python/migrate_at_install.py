#!/usr/bin/env python3
"""Create or migrate DiPeO's state database with agentstate, at install time or at start-up.

    python3 migrate_at_install.py [FILE]    # default: .dipeo/data/dipeo_state.db

Needs Node 20 or newer (for npx). The first run fetches @agentstate/cli from npm (pin a version
with AGENTSTATE_CLI=@agentstate/cli@<version>); a project that has it installed uses that one.
The migration creates the file, or adopts the one DiPeO made and upgrades it, backing up a file
with rows first; run again, it changes nothing. Any failure is one line on stderr and a non-zero
exit, and the file is left as it was.
"""

import json
import os
import shutil
import subprocess
import sys

CLI = os.environ.get("AGENTSTATE_CLI", "@agentstate/cli")


def agentstate(*args: str) -> subprocess.CompletedProcess:
    npx = shutil.which("npx")
    if npx is None:
        sys.exit("error: npx not found: install Node 20 or newer")
    # A list of arguments: no shell, so a path with spaces or quotes is passed as it is.
    return subprocess.run(
        [npx, "--yes", CLI, *args], capture_output=True, text=True, check=False
    )


def migrate(path: str) -> dict:
    migrated = agentstate("migrate", "--db", "dipeo", "--path", path)
    sys.stdout.write(migrated.stdout)
    if migrated.returncode != 0:
        sys.stderr.write(migrated.stderr)
        sys.exit(migrated.returncode)
    status = agentstate("status", "--db", "dipeo", "--path", path, "--json")
    if status.returncode != 0:
        sys.stderr.write(status.stderr)
        sys.exit(status.returncode)
    [row] = json.loads(status.stdout)
    return row


if __name__ == "__main__":
    file = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".dipeo", "data", "dipeo_state.db")
    os.makedirs(os.path.dirname(os.path.abspath(file)), exist_ok=True)
    row = migrate(os.path.abspath(file))
    print(f"dipeo: {row['state']}, {len(row['pending'])} pending ({row['path']})")
