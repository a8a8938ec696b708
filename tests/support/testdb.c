/*
 * tests/support/testdb — see testdb.h.
 *
 * The PostgreSQL side talks to the server only through store/db (db_open,
 * db_exec), the same driver the store uses, so this file needs no libpq of its
 * own. Each call opens and closes its own maintenance connection: a test makes
 * one database, and a connection kept across tests would have to be freed at
 * exit for the leak checker.
 *
 * Names are sx_t_<pid>_<counter>_<8 hex random digits>: the pid and counter
 * keep the processes of a parallel ctest run (and the tests of one process)
 * apart, the random part keeps a reused pid from meeting a database an aborted
 * run left behind. Only lower-case letters, digits and '_' occur, so the name
 * needs no escaping in SQL or in a conninfo, and testdb_drop can refuse any
 * name that does not have this shape.
 */
#include "testdb.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/random.h"
#include "store/db.h"

/* How long a maintenance statement may wait for a lock (DROP waits for nothing else). */
#define TESTDB_BUSY_TIMEOUT_MS 10000

/* sx_t_ + pid + counter + random, far below PostgreSQL's 63-byte identifiers. */
#define TESTDB_NAME_MAX 64

/* Bytes of SANXIANG_TEST_PG_FILE read; a conninfo is one short line. */
#define TESTDB_FILE_MAX 4096

#define TESTDB_PREFIX "sx_t_"

static atomic_uint testdb_counter;

static const char *testdb__env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Settles the backend: *pg false for SQLite, true for PostgreSQL. */
static int testdb__backend(bool *pg, struct sx_error *err)
{
	const char *v = testdb__env("SANXIANG_TEST_BACKEND");

	*pg = false;
	if (v == NULL || strcmp(v, "sqlite") == 0)
		return 0;
	if (strcmp(v, "postgresql") == 0) {
		*pg = true;
		return 0;
	}
	return sx_error_setf(err, SX_EINVALID, "bad_test_backend",
	                     "SANXIANG_TEST_BACKEND 只能是 sqlite 或 postgresql",
	                     "SANXIANG_TEST_BACKEND=%s", v);
}

bool testdb_is_postgresql(void)
{
	const char *v = testdb__env("SANXIANG_TEST_BACKEND");

	return v != NULL && strcmp(v, "postgresql") == 0;
}

/*
 * The last non-empty line of path, without surrounding blanks, into
 * out[0..out_size). Returns 0, SX_ENOTFOUND (no such file, or no line),
 * SX_EIO, SX_ETOOBIG.
 */
static int testdb__read_last_line(char *out, size_t out_size, const char *path)
{
	char buf[TESTDB_FILE_MAX + 1];
	const char *start;
	const char *end;
	size_t len;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		return SX_ENOTFOUND;
	len = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		fclose(f);
		return SX_EIO;
	}
	fclose(f);
	if (len > TESTDB_FILE_MAX)
		return SX_ETOOBIG;
	end = buf + len;
	while (end > buf &&
	       (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	start = end;
	while (start > buf && start[-1] != '\n')
		start--;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	if (start == end)
		return SX_ENOTFOUND;
	if ((size_t)(end - start) >= out_size)
		return SX_ETOOBIG;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return 0;
}

/* The maintenance conninfo from SANXIANG_TEST_PG or SANXIANG_TEST_PG_FILE. */
static int testdb__maintenance(char *out, size_t out_size, struct sx_error *err)
{
	const char *direct = testdb__env("SANXIANG_TEST_PG");
	const char *file = testdb__env("SANXIANG_TEST_PG_FILE");
	int rc;

	if (direct != NULL) {
		if (snprintf(out, out_size, "%s", direct) >= (int)out_size)
			return sx_error_setf(err, SX_EINVALID, "bad_test_pg",
			                     "测试数据库连接串过长",
			                     "SANXIANG_TEST_PG is %zu bytes", strlen(direct));
		return 0;
	}
	if (file == NULL)
		return sx_error_set(
		        err, SX_EINVALID, "no_test_pg",
		        "未设置 SANXIANG_TEST_PG 或 SANXIANG_TEST_PG_FILE：请用 ctest -L pg "
		        "运行（它会启动临时 PostgreSQL 集群）");
	rc = testdb__read_last_line(out, out_size, file);
	if (rc < 0)
		return sx_error_setf(
		        err, SX_EINVALID, "no_test_pg",
		        "读不到临时 PostgreSQL 集群的连接串（pg.cluster_start 是否成功？）",
		        "SANXIANG_TEST_PG_FILE=%s: %s", file, sx_errno_code(rc));
	return 0;
}

/* Whether conninfo is a URI rather than keyword=value pairs. */
static bool testdb__is_uri(const char *conninfo)
{
	return strncmp(conninfo, "postgresql://", strlen("postgresql://")) == 0 ||
	       strncmp(conninfo, "postgres://", strlen("postgres://")) == 0;
}

/* conninfo with its database replaced by name, into out[0..out_size). */
static int testdb__with_dbname(char *out, size_t out_size, const char *conninfo, const char *name)
{
	int n;

	if (testdb__is_uri(conninfo))
		n = snprintf(out, out_size, "%s%cdbname=%s", conninfo,
		             strchr(conninfo, '?') != NULL ? '&' : '?', name);
	else
		n = snprintf(out, out_size, "%s dbname=%s", conninfo, name);
	return n >= 0 && (size_t)n < out_size ? 0 : SX_ETOOBIG;
}

/* Runs one statement on a connection of its own to the maintenance database. */
static int testdb__exec(const char *conninfo, const char *sql, struct sx_error *err)
{
	struct db *db = NULL;
	int rc;

	if ((rc = db_open(&db, conninfo, DB_OPEN_READ_WRITE, false, TESTDB_BUSY_TIMEOUT_MS, err)) <
	    0)
		goto cleanup;
	rc = db_exec(db, sql, err);
cleanup:
	db_close(db);
	return rc;
}

/*
 * The database name of a DSN made by testdb_create: the value of its last
 * dbname, which must look like sx_t_[a-z0-9_]+. Returns false for anything else.
 */
static bool testdb__name_of(char out[TESTDB_NAME_MAX], const char *dsn)
{
	const char *p = NULL;
	const char *q = dsn;
	size_t len = 0;

	while ((q = strstr(q, "dbname=")) != NULL) {
		p = q + strlen("dbname=");
		q = p;
	}
	if (p == NULL || strncmp(p, TESTDB_PREFIX, strlen(TESTDB_PREFIX)) != 0)
		return false;
	while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= '0' && p[len] <= '9') ||
	       p[len] == '_')
		len++;
	if (len >= TESTDB_NAME_MAX || (p[len] != '\0' && p[len] != ' ' && p[len] != '&'))
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

int testdb_create(char *dsn, size_t dsn_size, const char *dir, struct sx_error *err)
{
	char conninfo[TESTDB_DSN_MAX];
	char name[TESTDB_NAME_MAX];
	char sql[TESTDB_NAME_MAX + 64];
	uint32_t salt = 0;
	bool pg = false;
	int rc;

	if (dsn == NULL || dsn_size == 0 || dir == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	dsn[0] = '\0';
	if ((rc = testdb__backend(&pg, err)) < 0)
		return rc;
	if (!pg) {
		if (snprintf(dsn, dsn_size, "%s/test.db", dir) >= (int)dsn_size) {
			dsn[0] = '\0';
			return sx_error_setf(err, SX_EINVALID, "path_too_long", "测试目录路径过长",
			                     "%s", dir);
		}
		return 0;
	}
	if ((rc = testdb__maintenance(conninfo, sizeof(conninfo), err)) < 0)
		return rc;
	if ((rc = crypto_random_bytes(&salt, sizeof(salt))) < 0)
		return sx_error_set(err, rc, NULL, "无法取得随机数");
	snprintf(name, sizeof(name), TESTDB_PREFIX "%ld_%u_%08x", (long)getpid(),
	         atomic_fetch_add(&testdb_counter, 1u), (unsigned)salt);
	/* The DSN must fit before the database exists, so that failing leaves nothing. */
	if (testdb__with_dbname(dsn, dsn_size, conninfo, name) < 0) {
		dsn[0] = '\0';
		return sx_error_setf(err, SX_EINVALID, "dsn_too_long", "测试数据库连接串过长",
		                     "%s + dbname=%s", conninfo, name);
	}
	/* FILE_COPY copies template1's few files instead of writing them through the WAL:
	 * about three times faster on a cluster without fsync, and tests make hundreds. */
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" STRATEGY = FILE_COPY", name);
	if ((rc = testdb__exec(conninfo, sql, err)) < 0) {
		dsn[0] = '\0';
		return rc;
	}
	return 0;
}

void testdb_drop(const char *dsn)
{
	char conninfo[TESTDB_DSN_MAX];
	char name[TESTDB_NAME_MAX];
	char sql[TESTDB_NAME_MAX + 64];
	struct sx_error err;

	if (dsn == NULL || dsn[0] == '\0' || !testdb_is_postgresql())
		return;
	if (!testdb__name_of(name, dsn)) {
		fprintf(stderr, "testdb: not dropping %s: not a database testdb_create made\n",
		        dsn);
		return;
	}
	sx_error_clear(&err);
	if (testdb__maintenance(conninfo, sizeof(conninfo), &err) < 0) {
		fprintf(stderr, "testdb: cannot drop %s: %s\n", name, err.detail);
		return;
	}
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
	if (testdb__exec(conninfo, sql, &err) < 0)
		fprintf(stderr, "testdb: cannot drop %s: %s %s\n", name, err.code, err.detail);
}
