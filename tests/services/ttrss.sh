#!/usr/bin/env bash
# The real Tiny Tiny RSS that tests/cli/test_sync_ttrss.py and bench/sync.py sync with.
# A thin wrapper around ../shared/services/ttrss-setup.sh (read its header): Debian 12, root;
# apt installs tt-rss + PostgreSQL from the Debian mirror; everything listens on 127.0.0.1
# (API on :8280, the test feed server on :80).
#
#   bash tests/services/ttrss.sh up     install if needed, start, run its API round trip
#                                       (about 35-60 s on a clean machine, 10 s after)
#   bash tests/services/ttrss.sh down   stop tt-rss, the feed server and PostgreSQL
#
# Without it the sync tests skip with the reason; NEWSREADER_REQUIRE_TTRSS=1 (.ci/run) makes
# them fail instead, so CI cannot pass without having run them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${NEWSREADER_SHARED:-$here/../../../shared}
setup=$shared/services/ttrss-setup.sh
if [ ! -f "$setup" ]; then
  echo "tests/services/ttrss.sh: $setup not found (set NEWSREADER_SHARED to the shared folder)" >&2
  exit 1
fi
case ${1:-up} in
  up)   bash "$setup" up ;;
  down) bash "$setup" down-all ;;
  *)    echo "usage: bash tests/services/ttrss.sh up|down" >&2; exit 2 ;;
esac
