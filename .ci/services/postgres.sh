# Start a PostgreSQL cluster for the tests marked `postgres` (sourced by .ci/run, as root).
# Its own cluster "selfeval" on 127.0.0.1:54329, a role and a database; exports SELFEVAL_TEST_PG.
# Installed by .ci/apt-packages.txt (postgresql). Tests skip without it locally, fail in CI.
if command -v pg_createcluster >/dev/null 2>&1; then
    _pg_ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    _pg_port=54329
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$_pg_ver selfeval"; then
        pg_createcluster "$_pg_ver" selfeval -p "$_pg_port" \
            -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
        printf "%s\n" "listen_addresses = '127.0.0.1'" "fsync = off" "synchronous_commit = off" \
            > "/etc/postgresql/$_pg_ver/selfeval/conf.d/selfeval-tests.conf"
    fi
    pg_ctlcluster "$_pg_ver" selfeval start >/dev/null 2>&1 || true
    for _i in $(seq 1 30); do
        runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$_pg_port" && break
        sleep 1
    done
    runuser -u postgres -- psql -q -p "$_pg_port" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'selfeval') THEN
    CREATE ROLE selfeval LOGIN CREATEDB PASSWORD 'selfeval-ci';
  END IF;
END $$;
-- Tests drop their databases WITH (FORCE); that ends an autovacuum worker still in one only
-- for a member of pg_signal_backend (else: "must be a member of the role whose process ...").
GRANT pg_signal_backend TO selfeval;
SQL
    if ! runuser -u postgres -- psql -p "$_pg_port" -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'selfeval_test'" | grep -q 1; then
        runuser -u postgres -- createdb -p "$_pg_port" -O selfeval selfeval_test
    fi
    export SELFEVAL_TEST_PG="postgresql+psycopg://selfeval:selfeval-ci@127.0.0.1:${_pg_port}/selfeval_test"
    echo "postgres: $_pg_ver cluster selfeval on 127.0.0.1:$_pg_port"
else
    echo "postgres: not installed (pg_createcluster missing); postgres tests will fail in CI"
fi
