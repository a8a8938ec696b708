/*
 * tests/support/testdb — a fresh, empty database for one test, on the backend
 * the environment names, so that the same store, service and HTTP tests run
 * once on SQLite and once on PostgreSQL (CMakeLists.txt registers the second
 * run as unit.pg.* and integration.pg.*).
 *
 * Environment:
 *   SANXIANG_TEST_BACKEND   unset, "" or "sqlite": SQLite (the default);
 *                           "postgresql": PostgreSQL; anything else is refused.
 *   SANXIANG_TEST_PG        the maintenance conninfo of a PostgreSQL server the
 *                           tests may create and drop databases on, e.g.
 *                           "host=/tmp/sxpg.Ab12Cd/pg dbname=postgres".
 *   SANXIANG_TEST_PG_FILE   used when SANXIANG_TEST_PG is unset or empty: a file
 *                           whose last non-empty line is that conninfo (what
 *                           `scripts/pg-cluster start` printed; the ctest fixture
 *                           pg.cluster_start writes it).
 *
 * SQLite: the database is the file "<dir>/test.db", not yet created (store_create
 * or `sanxiang init` creates it); the caller removes dir, and with it the file.
 * PostgreSQL (15 or later): CREATE DATABASE sx_t_<pid>_<counter>_<random>
 * STRATEGY = FILE_COPY on the maintenance connection; the DSN returned is
 * "<maintenance conninfo> dbname=<new>" (libpq keeps the last value of a
 * keyword; a postgresql:// URI gets ?dbname=/&dbname= instead). testdb_drop
 * removes it, with any connection still open to it.
 *
 * What this does not do: it starts no server (scripts/pg-cluster does, through
 * the ctest fixture), loads no schema (store_create does), and never drops a
 * database whose name it did not make.
 */
#ifndef SX_TEST_TESTDB_H
#define SX_TEST_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Largest DSN testdb_create returns, NUL included; a buffer this size always fits. */
#define TESTDB_DSN_MAX 1024

/*
 * Makes a fresh database for one test and writes its DSN to dsn[0..dsn_size).
 * dir: the test's own directory (SQLite puts test.db there). Returns 0;
 * SX_EINVALID (unknown SANXIANG_TEST_BACKEND, no maintenance conninfo, dir or
 * DSN too long for dsn_size); SX_EIO, SX_ENOMEM and the driver's codes when the
 * server cannot be reached or refuses CREATE DATABASE (err->detail says why).
 * On error dsn is "" and no database is left behind.
 */
int testdb_create(char *dsn, size_t dsn_size, const char *dir, struct sx_error *err);

/*
 * Drops the database of a DSN that testdb_create returned: on PostgreSQL
 * DROP DATABASE … WITH (FORCE) on the maintenance connection (failures are
 * printed to stderr; the throwaway cluster goes away anyway); on SQLite nothing
 * (the caller removes the directory). NULL, "" and DSNs that do not name an
 * sx_t_ database are ignored.
 */
void testdb_drop(const char *dsn);

/* Whether SANXIANG_TEST_BACKEND selects PostgreSQL. */
bool testdb_is_postgresql(void);

#endif
