/*
 * store — connection pool, transactions and migrations (see store.h).
 *
 * Migrations are the files sql/sqlite/NNNN_name.sql, compiled into the binary
 * (base/embedded.h); a PostgreSQL database gets sql/pg/NNNN_name.sql instead,
 * the same versions written in its dialect (store__migrations picks the set by
 * the connection's backend; a unit test keeps the numbers and names in step).
 * schema_version holds one row per applied migration; the
 * database's version is its highest row. Each migration runs in its own write
 * transaction together with its schema_version row, so a crash mid-migration
 * leaves the previous version intact. A database newer than the binary is
 * refused rather than used: the binary cannot know what the newer schema means.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/embedded.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/time.h"
#include "store/store_internal.h"

#define STORE_DEFAULT_READERS 4
#define STORE_MAX_READERS 64
#define STORE_DEFAULT_BUSY_MS 5000
#define STORE_DEFAULT_MAX_BATCH 256
#define STORE_DEFAULT_REPLICA_READERS 2
#define STORE_MAX_REPLICA_READERS 16       /* per replica */
#define STORE_REPLICA_RETRY_US 5000000     /* a failed replica rests this long (5 s) */
#define STORE_ALL_READERS (STORE_MAX_READERS + STORE_MAX_REPLICAS * STORE_MAX_REPLICA_READERS)

struct store_reader {
	struct db *db;
	bool busy;
	int replica;   /* -1 = a reader of the primary, else the replica's index */
};

struct store {
	pthread_mutex_t lock;
	/* One condition per kind of waiter, so that a release wakes one thread
	 * that can use it rather than every thread (64 writers contending for
	 * the lock cost more than their fsync). */
	pthread_cond_t writer_free;  /* signalled when the writer is released */
	pthread_cond_t reader_free;  /* signalled when a reader is released */
	pthread_cond_t batch_done;   /* broadcast when a batch has committed (or failed) */
	pthread_cond_t changed;      /* broadcast on every release: store_close waits on it */
	struct db *writer;
	bool writer_busy;            /* a write transaction (or a batch commit) holds the writer */
	int writer_waiters;          /* threads blocked in store_begin(WRITE) */
	bool batch_open;             /* the writer is inside a batch's BEGIN */
	struct store_tx *batch_head; /* finished members waiting for the batch COMMIT */
	int batch_members;
	int max_batch;               /* commit at this many members even if others wait */
	/*
	 * Readers of the primary first, [0, reader_count); then the replicas'
	 * readers, replica r holding [reader_count + r * replica_readers, +
	 * replica_readers). Public reads scan the replicas' part from a start
	 * that advances by one replica per transaction (round robin).
	 */
	struct store_reader readers[STORE_ALL_READERS];
	int reader_count;
	pthread_cond_t replica_free;  /* signalled when a replica's reader is released */
	int replica_count;
	int replica_readers;          /* readers per replica */
	int replica_reader_count;     /* replica_count * replica_readers, once all are open */
	unsigned replica_next;        /* round robin: the replica the next public read tries */
	/* sx_time_now_us before which a replica whose BEGIN failed is not tried; 0 = healthy. */
	int64_t replica_retry_us[STORE_MAX_REPLICAS];
};

bool store_dsn_is_postgresql(const char *dsn)
{
	return db_dsn_is_postgresql(dsn);
}

int store_binary_schema_version(void)
{
	if (embedded_migration_count == 0)
		return 0;
	return embedded_migrations[embedded_migration_count - 1].version;
}

/* The migrations for db's backend. */
static void store__migrations(const struct embedded_migration **out, size_t *count,
			      const struct db *db)
{
	if (strcmp(db_backend_name(db), "postgresql") == 0) {
		*out = embedded_pg_migrations;
		*count = embedded_pg_migration_count;
	} else {
		*out = embedded_migrations;
		*count = embedded_migration_count;
	}
}

static int store__db_version(int *out, struct db *db, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	bool exists = false;
	int rc;

	*out = 0;
	if ((rc = db_table_exists(&exists, db, "schema_version", err)) < 0 || !exists)
		return rc;
	rc = db_prepare(&st, db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = (int)db_column_int64(st, 0);
		rc = 0;
	}
	db_finish(st);
	return rc;
}

static int store__apply_migrations(struct db *db, int *from, int *to, struct sx_error *err)
{
	static const char create_version_table[] =
		"CREATE TABLE IF NOT EXISTS schema_version ("
		" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
	static const char insert_version[] =
		"INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)";
	const struct embedded_migration *migrations = NULL;
	size_t migration_count = 0;
	int current = 0;
	int rc;

	if ((rc = store__db_version(&current, db, err)) < 0)
		return rc;
	if (from)
		*from = current;
	if (current > store_binary_schema_version())
		return sx_error_setf(err, SX_ETOONEW, NULL, NULL,
				     "database schema version %d, binary knows up to %d", current,
				     store_binary_schema_version());
	store__migrations(&migrations, &migration_count, db);
	for (size_t i = 0; i < migration_count; i++) {
		const struct embedded_migration *m = &migrations[i];
		struct db_stmt *st = NULL;
		char now[SX_TIME_TEXT_LEN];
		int version = 0;

		if (m->version <= current)
			continue;
		if ((rc = db_begin_write(db, err)) < 0)
			return rc;
		/* Inside the transaction, so that a create that fails leaves an
		 * empty database that `init` may retry, not a bare version table. */
		if ((rc = db_exec(db, create_version_table, err)) < 0)
			goto fail;
		/* Re-read under the write lock: another migrator may have run. */
		if ((rc = store__db_version(&version, db, err)) < 0)
			goto fail;
		if (version >= m->version) {
			db_rollback(db);
			current = version;
			continue;
		}
		if ((rc = db_exec(db, m->sql, err)) < 0) {
			char cause[SX_ERROR_DETAIL_MAX];

			snprintf(cause, sizeof(cause), "%s", err ? err->detail : "");
			sx_error_setf(err, rc, "migration_failed", "数据库迁移失败", "%s: %s", m->name,
				      cause);
			goto fail;
		}
		sx_time_format_utc(now, sx_time_now_us());
		if ((rc = db_prepare(&st, db, insert_version, err)) < 0)
			goto fail;
		if ((rc = db_bind_int64(st, 1, m->version)) < 0 ||
		    (rc = db_bind_str(st, 2, m->name)) < 0 || (rc = db_bind_str(st, 3, now)) < 0) {
			db_finish(st);
			goto fail;
		}
		rc = db_step(st, err);
		db_finish(st);
		if (rc < 0)
			goto fail;
		if ((rc = db_commit(db, err)) < 0)
			goto fail;
		current = m->version;
		continue;
fail:
		db_rollback(db);
		return rc;
	}
	if (to)
		*to = current;
	return 0;
}

int store_create(const char *dsn, struct sx_error *err)
{
	struct db *db = NULL;
	bool empty = false;
	int rc;

	if ((rc = db_open(&db, dsn, DB_OPEN_READ_WRITE, true, STORE_DEFAULT_BUSY_MS, err)) < 0)
		return rc;
	if ((rc = db_is_empty(&empty, db, err)) < 0)
		goto cleanup;
	if (!empty) {
		rc = sx_error_setf(err, SX_EEXISTS, "already_initialized", "数据库已初始化，不能重复创建",
				   "%s already holds tables",
				   db_dsn_is_postgresql(dsn) ? "the PostgreSQL database" : dsn);
		goto cleanup;
	}
	rc = store__apply_migrations(db, NULL, NULL, err);
cleanup:
	db_close(db);
	return rc;
}

int store_migrate(const char *dsn, int *from, int *to, struct sx_error *err)
{
	struct db *db = NULL;
	int rc;

	if ((rc = db_open(&db, dsn, DB_OPEN_READ_WRITE, false, STORE_DEFAULT_BUSY_MS, err)) < 0)
		return rc;
	rc = store__apply_migrations(db, from, to, err);
	db_close(db);
	return rc;
}

int store_schema_version(int *out, const char *dsn, struct sx_error *err)
{
	struct db *db = NULL;
	int rc;

	*out = 0;
	if ((rc = db_open(&db, dsn, DB_OPEN_READ_WRITE, false, STORE_DEFAULT_BUSY_MS, err)) < 0)
		return rc;
	rc = store__db_version(out, db, err);
	db_close(db);
	return rc;
}

int store_open(struct store **out, const char *dsn, const struct store_options *opt,
	       struct sx_error *err)
{
	struct store *st = NULL;
	int busy_ms = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : STORE_DEFAULT_BUSY_MS;
	int readers = opt && opt->reader_count > 0 ? opt->reader_count : STORE_DEFAULT_READERS;
	int replicas = opt ? opt->replica_count : 0;
	int per_replica = opt && opt->replica_reader_count > 0 ? opt->replica_reader_count
							       : STORE_DEFAULT_REPLICA_READERS;
	int version = 0;
	int rc;

	*out = NULL;
	if (readers > STORE_MAX_READERS)
		readers = STORE_MAX_READERS;
	if (per_replica > STORE_MAX_REPLICA_READERS)
		per_replica = STORE_MAX_REPLICA_READERS;
	if (replicas < 0 || replicas > STORE_MAX_REPLICAS || (replicas > 0 && !opt->replica_dsns))
		return sx_error_setf(err, SX_EINVALID, "replica_invalid", "只读副本参数无效",
				     "%d replicas (at most %d)", replicas, STORE_MAX_REPLICAS);
	for (int i = 0; i < replicas; i++) {
		/* A SQLite file has no replicas: a copy of it would be another database. */
		if (!db_dsn_is_postgresql(dsn) || !db_dsn_is_postgresql(opt->replica_dsns[i]))
			return sx_error_setf(err, SX_EINVALID, "replica_needs_postgresql",
					     "只读副本仅支持 PostgreSQL 数据库",
					     "replica %d: primary and replicas must be PostgreSQL",
					     i + 1);
	}
	st = sx_calloc(1, sizeof(*st));
	if (st == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->writer_free, NULL);
	pthread_cond_init(&st->reader_free, NULL);
	pthread_cond_init(&st->replica_free, NULL);
	pthread_cond_init(&st->batch_done, NULL);
	pthread_cond_init(&st->changed, NULL);
	st->max_batch = opt && opt->max_batch > 0 ? opt->max_batch : STORE_DEFAULT_MAX_BATCH;
	if ((rc = db_open(&st->writer, dsn, DB_OPEN_READ_WRITE, false, busy_ms, err)) < 0)
		goto cleanup;
	if ((rc = store__db_version(&version, st->writer, err)) < 0)
		goto cleanup;
	if (version > store_binary_schema_version()) {
		rc = sx_error_setf(err, SX_ETOONEW, NULL, NULL, "database schema %d > binary %d",
				   version, store_binary_schema_version());
		goto cleanup;
	}
	if (version < store_binary_schema_version()) {
		rc = sx_error_setf(err, SX_ECONFLICT, "schema_outdated",
				   "数据库版本较旧，请先运行 sanxiang migrate",
				   "database schema %d < binary %d", version,
				   store_binary_schema_version());
		goto cleanup;
	}
	for (int i = 0; i < readers; i++) {
		rc = db_open(&st->readers[i].db, dsn, DB_OPEN_READ_ONLY, false, busy_ms, err);
		if (rc < 0)
			goto cleanup;
		st->reader_count++;
	}
	st->replica_readers = per_replica;
	for (int r = 0; r < replicas; r++) {
		for (int j = 0; j < per_replica; j++) {
			struct store_reader *reader =
				&st->readers[st->reader_count + st->replica_reader_count];

			rc = db_open(&reader->db, opt->replica_dsns[r], DB_OPEN_READ_ONLY, false,
				     busy_ms, err);
			if (rc < 0)
				goto cleanup;
			reader->replica = r;
			st->replica_reader_count++;
		}
	}
	st->replica_count = replicas;
	for (int i = 0; i < st->reader_count; i++)
		st->readers[i].replica = -1;
	*out = st;
	st = NULL;
cleanup:
	store_close(st);
	return rc;
}

int store_replica_count(const struct store *st)
{
	return st->replica_count;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	pthread_mutex_lock(&st->lock);
	for (;;) {
		bool busy = st->writer_busy || st->batch_open;

		for (int i = 0; i < st->reader_count + st->replica_reader_count; i++)
			busy = busy || st->readers[i].busy;
		if (!busy)
			break;
		pthread_cond_wait(&st->changed, &st->lock);
	}
	pthread_mutex_unlock(&st->lock);
	for (int i = 0; i < st->reader_count + st->replica_reader_count; i++)
		db_close(st->readers[i].db);
	db_close(st->writer);
	pthread_cond_destroy(&st->writer_free);
	pthread_cond_destroy(&st->reader_free);
	pthread_cond_destroy(&st->replica_free);
	pthread_cond_destroy(&st->batch_done);
	pthread_cond_destroy(&st->changed);
	pthread_mutex_destroy(&st->lock);
	sx_free(st);
}

/* Gives tx's reader back to the pool and detaches it from tx (tx is kept). */
static void store__put_reader(struct store_tx *tx)
{
	struct store *st = tx->st;
	struct store_reader *reader = &st->readers[tx->reader_slot];

	pthread_mutex_lock(&st->lock);
	reader->busy = false;
	pthread_cond_signal(reader->replica < 0 ? &st->reader_free : &st->replica_free);
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
	tx->reader_slot = -1;
	tx->db = NULL;
}

static void store__release_reader(struct store_tx *tx)
{
	store__put_reader(tx);
	sx_free(tx);
}

/* Takes a free reader of the primary for tx, waiting for one. Lock held. */
static void store__take_primary_reader(struct store_tx *tx)
{
	struct store *st = tx->st;

	while (tx->db == NULL) {
		for (int i = 0; i < st->reader_count && tx->db == NULL; i++) {
			if (!st->readers[i].busy) {
				st->readers[i].busy = true;
				tx->reader_slot = i;
				tx->db = st->readers[i].db;
			}
		}
		if (tx->db == NULL)
			pthread_cond_wait(&st->reader_free, &st->lock);
	}
}

/*
 * Takes a free reader of a replica for tx (round robin over the replicas,
 * skipping those resting after a failure), waiting while every healthy
 * replica's readers are busy. Returns false, tx untouched, when no replica is
 * healthy: the caller reads the primary. Lock held.
 */
static bool store__take_replica_reader(struct store_tx *tx)
{
	struct store *st = tx->st;
	int start = (int)(st->replica_next++ % (unsigned)st->replica_count) * st->replica_readers;

	for (;;) {
		int64_t now = sx_time_now_us();
		bool any_healthy = false;

		for (int i = 0; i < st->replica_reader_count; i++) {
			int slot = st->reader_count + (start + i) % st->replica_reader_count;
			struct store_reader *reader = &st->readers[slot];

			if (st->replica_retry_us[reader->replica] > now)
				continue;
			any_healthy = true;
			if (!reader->busy) {
				reader->busy = true;
				tx->reader_slot = slot;
				tx->db = reader->db;
				return true;
			}
		}
		if (!any_healthy)
			return false;
		pthread_cond_wait(&st->replica_free, &st->lock);
	}
}

/* BEGINs a public read on a replica reader; when that fails, rests the
 * replica, logs why and moves tx to a reader of the primary. */
static int store__begin_public(struct store_tx *tx, struct sx_error *err)
{
	struct store *st = tx->st;
	struct sx_error rerr;
	int replica = st->readers[tx->reader_slot].replica;

	sx_error_clear(&rerr);
	if (db_begin_read(tx->db, &rerr) == 0)
		return 0;
	db_rollback(tx->db);
	store__put_reader(tx);
	sx_log(SX_LOG_WARN, "store: replica %d unavailable, reading the primary for %d s: %s",
	       replica + 1, STORE_REPLICA_RETRY_US / 1000000, rerr.detail);
	pthread_mutex_lock(&st->lock);
	st->replica_retry_us[replica] = sx_time_now_us() + STORE_REPLICA_RETRY_US;
	/* Waiters for a replica may have nothing healthy left to wait for. */
	pthread_cond_broadcast(&st->replica_free);
	store__take_primary_reader(tx);
	pthread_mutex_unlock(&st->lock);
	return db_begin_read(tx->db, err);
}

/*
 * Group commit. Write transactions run one after another on the writer
 * connection, each inside a SAVEPOINT of one shared SQLite transaction (the
 * batch). A transaction that finishes joins the batch and waits; whoever
 * finishes while nobody else is waiting for the writer, or fills the batch,
 * COMMITs it and wakes every member with the result. So a caller returns
 * from store_commit only once its writes are durable, and concurrent writers
 * share one fsync. A member whose own savepoint failed is rolled back alone.
 *
 * Called with the writer held and the lock NOT held; `member` is tx when its
 * savepoint was released into the batch, NULL when it was rolled back.
 * Returns the batch's commit result for a member, 0 otherwise.
 */
static int store__finish_write(struct store *st, struct store_tx *member)
{
	struct store_tx *members = NULL;
	bool commit_now;
	int rc = 0;

	pthread_mutex_lock(&st->lock);
	if (member) {
		member->next = st->batch_head;
		st->batch_head = member;
		st->batch_members++;
	}
	commit_now = st->batch_open &&
		     (st->writer_waiters == 0 || st->batch_members >= st->max_batch);
	if (commit_now) {
		struct sx_error cerr;

		members = st->batch_head;
		st->batch_head = NULL;
		st->batch_members = 0;
		st->batch_open = false;
		pthread_mutex_unlock(&st->lock);
		sx_error_clear(&cerr);
		rc = db_commit(st->writer, &cerr);
		if (rc < 0) {
			db_rollback(st->writer);
			sx_log(SX_LOG_ERROR, "store: batch commit failed: %s", cerr.detail);
		}
		pthread_mutex_lock(&st->lock);
		for (struct store_tx *m = members; m; m = m->next) {
			m->result = rc;
			m->done = true;
		}
		pthread_cond_broadcast(&st->batch_done);
	}
	st->writer_busy = false;
	pthread_cond_signal(&st->writer_free);
	pthread_cond_broadcast(&st->changed);
	if (member) {
		while (!member->done)
			pthread_cond_wait(&st->batch_done, &st->lock);
		rc = member->result;
	}
	pthread_mutex_unlock(&st->lock);
	return member ? rc : 0;
}

int store_begin(struct store_tx **out, struct store *st, enum store_tx_mode mode,
		struct sx_error *err)
{
	struct store_tx *tx;
	bool need_begin = false;
	int rc;

	*out = NULL;
	tx = sx_calloc(1, sizeof(*tx));
	if (tx == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	tx->st = st;
	/* A public read is a read once it has its connection. */
	tx->mode = mode == STORE_TX_WRITE ? STORE_TX_WRITE : STORE_TX_READ;
	tx->reader_slot = -1;
	pthread_mutex_lock(&st->lock);
	if (mode == STORE_TX_WRITE) {
		st->writer_waiters++;
		while (st->writer_busy)
			pthread_cond_wait(&st->writer_free, &st->lock);
		st->writer_waiters--;
		st->writer_busy = true;
		tx->db = st->writer;
		need_begin = !st->batch_open;
		st->batch_open = true;
	} else if (mode != STORE_TX_READ_PUBLIC || st->replica_count == 0 ||
		   !store__take_replica_reader(tx)) {
		store__take_primary_reader(tx);
	}
	pthread_mutex_unlock(&st->lock);
	if (tx->mode == STORE_TX_READ) {
		if (st->readers[tx->reader_slot].replica >= 0)
			rc = store__begin_public(tx, err);
		else
			rc = db_begin_read(tx->db, err);
		if (rc < 0) {
			store__release_reader(tx);
			return rc;
		}
		*out = tx;
		return 0;
	}
	rc = need_begin ? db_begin_write(tx->db, err) : 0;
	if (rc == 0)
		rc = db_exec_cached(tx->db, "SAVEPOINT sx_tx", err);
	if (rc < 0) {
		if (need_begin) {
			/* This transaction opened the batch and has no members
			 * to keep: close it. */
			db_rollback(tx->db);
			pthread_mutex_lock(&st->lock);
			st->batch_open = false;
			pthread_mutex_unlock(&st->lock);
		}
		store__finish_write(st, NULL);
		sx_free(tx);
		return rc;
	}
	*out = tx;
	return 0;
}

/* Undoes this transaction's savepoint, leaving the rest of the batch. */
static void store__rollback_savepoint(struct store_tx *tx)
{
	db_exec_cached(tx->db, "ROLLBACK TO sx_tx", NULL);
	db_exec_cached(tx->db, "RELEASE sx_tx", NULL);
}

int store_commit(struct store_tx *tx, struct sx_error *err)
{
	int rc;

	if (tx->mode == STORE_TX_READ) {
		rc = db_commit(tx->db, err);
		if (rc < 0)
			db_rollback(tx->db);
		store__release_reader(tx);
		return rc;
	}
	rc = db_exec_cached(tx->db, "RELEASE sx_tx", err);
	if (rc < 0) {
		store__rollback_savepoint(tx);
		store__finish_write(tx->st, NULL);
		sx_free(tx);
		return rc;
	}
	rc = store__finish_write(tx->st, tx);
	if (rc < 0)
		sx_error_set(err, rc, NULL, "保存失败，操作未完成，请重试");
	sx_free(tx);
	return rc;
}

void store_rollback(struct store_tx *tx)
{
	if (tx == NULL)
		return;
	if (tx->mode == STORE_TX_READ) {
		db_rollback(tx->db);
		store__release_reader(tx);
		return;
	}
	store__rollback_savepoint(tx);
	store__finish_write(tx->st, NULL);
	sx_free(tx);
}

int store_integrity_check(struct store_tx *tx, struct sx_error *err)
{
	return db_integrity_check(tx->db, err);
}

/* ---- helpers shared by the entity files ---- */

int store__query(struct db_stmt **out, struct store_tx *tx, const char *sql,
		 const struct store__param *params, size_t count, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(&st, tx->db, sql, err)) < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		const struct store__param *p = &params[i];
		int idx = (int)i + 1;

		switch (p->kind) {
		case STORE__TEXT:
			rc = db_bind_str(st, idx, p->text);
			break;
		case STORE__OPT_TEXT:
			rc = (p->text && p->text[0]) ? db_bind_str(st, idx, p->text)
						     : db_bind_null(st, idx);
			break;
		case STORE__INT:
			rc = db_bind_int64(st, idx, p->number);
			break;
		}
		if (rc < 0) {
			db_finish(st);
			return sx_error_setf(err, rc, NULL, NULL, "bind $%d of: %.120s", idx, sql);
		}
	}
	*out = st;
	return 0;
}

int store__exec(struct store_tx *tx, int64_t *changed, const char *sql,
		const struct store__param *params, size_t count, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store__query(&st, tx, sql, params, count, err)) < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		;
	db_finish(st);
	if (rc == DB_DONE && changed)
		*changed = db_changes(tx->db);
	return rc < 0 ? rc : 0;
}

int store__require_write(struct store_tx *tx, struct sx_error *err)
{
	if (tx->mode != STORE_TX_WRITE)
		return sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "write in a read transaction");
	return 0;
}

/* Copies column col into a new NUL-terminated string (*out, sx_free); NULL for SQL NULL. */
int store__column_dup(char **out, struct db_stmt *st, int col, struct sx_error *err)
{
	const char *text;
	size_t len;

	*out = NULL;
	if (db_column_is_null(st, col))
		return 0;
	text = db_column_text(st, col);
	len = text ? db_column_bytes(st, col) : 0;
	if (len == SIZE_MAX)
		return sx_error_set(err, SX_ETOOBIG, NULL, NULL);
	if ((*out = sx_malloc(len + 1)) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if (len)
		memcpy(*out, text, len);
	(*out)[len] = '\0';
	return 0;
}

void store__column_copy(char *dst, size_t dst_size, struct db_stmt *st, int col)
{
	const char *text = db_column_text(st, col);
	size_t len = text ? db_column_bytes(st, col) : 0;

	if (dst_size == 0)
		return;
	if (len >= dst_size)
		len = dst_size - 1;
	if (len)
		memcpy(dst, text, len);
	dst[len] = '\0';
}

int store__grow(void *items_ptr, size_t *cap, size_t len, size_t elem_size, struct sx_error *err)
{
	void *items, *grown;
	size_t next;

	if (len < *cap)
		return 0;
	/* items_ptr is the address of the caller's typed pointer; memcpy reads
	 * and writes it without pretending it is a void *. */
	memcpy(&items, items_ptr, sizeof(items));
	next = *cap ? *cap * 2 : 16;
	grown = sx_reallocarray(items, next, elem_size);
	if (grown == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	memcpy(items_ptr, &grown, sizeof(grown));
	*cap = next;
	return 0;
}

int store__query_int64(int64_t *out, struct store_tx *tx, const char *sql,
		       const struct store__param *params, size_t count, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = store__query(&st, tx, sql, params, count, err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = db_column_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, NULL, NULL);
	}
	db_finish(st);
	return rc;
}
