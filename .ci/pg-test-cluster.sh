# Sourced by .ci/run: a throw-away PostgreSQL cluster for the store's tests (issue 25), as a
# non-root user (the postgres user when run as root) on a free port, removed on exit. The tests
# find it through KAYAKTRACK_TEST_PG; without it they say they are skipped.
pg_test_cluster() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; else echo "no PostgreSQL: its tests are skipped" >&2; return 0; fi
  fi
  local bin dir port as
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  dir=$(mktemp -d /tmp/kayaktrack-pg-XXXXXX)
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U kayaktrack >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export KAYAKTRACK_TEST_PG="postgres://kayaktrack@127.0.0.1:$port/postgres"
  PG_TEST_STOP=("${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop)
  PG_TEST_DIR=$dir
  trap 'pg_test_cluster_stop' EXIT
  echo "PostgreSQL for the tests: $KAYAKTRACK_TEST_PG" >&2
}

pg_test_cluster_stop() {
  if [ -n "${PG_TEST_DIR:-}" ]; then
    "${PG_TEST_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=
  fi
}
