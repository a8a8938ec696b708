/*
 * store/db_driver — what a driver behind db.h provides (private to src/store/db*.c).
 *
 * db.c implements every function of db.h by calling through the ops table at
 * the start of each connection. A driver's connection struct begins with a
 * struct db (so a pointer to it is a pointer to its struct db), and its
 * statement struct begins with a struct db_stmt naming the connection. Only
 * the driver files include their vendor header (sqlite3.h, libpq-fe.h);
 * db.c and the store see these two small structs and nothing else.
 *
 * The ops carry exactly the contract of the db.h function of the same name
 * (arguments already checked by db.c where db.h promises "NULL is fine").
 */
#ifndef SX_STORE_DB_DRIVER_H
#define SX_STORE_DB_DRIVER_H

#include "store/db.h"

/* Highest placeholder number a statement may use ($1 … $64), both drivers. */
#define DB_MAX_PARAMS 64

struct db_ops {
	const char *name; /* db_backend_name: "sqlite" | "postgresql" */
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct sx_error *err);
	int (*exec_cached)(struct db *db, const char *sql, struct sx_error *err);
	int (*prepare)(struct db_stmt **out, struct db *db, const char *sql, struct sx_error *err);
	int (*bind_text)(struct db_stmt *st, int idx, const char *text, size_t len);
	int (*bind_int64)(struct db_stmt *st, int idx, int64_t value);
	int (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st, struct sx_error *err);
	const char *(*column_text)(struct db_stmt *st, int col);
	size_t (*column_bytes)(struct db_stmt *st, int col);
	int64_t (*column_int64)(struct db_stmt *st, int col);
	bool (*column_is_null)(struct db_stmt *st, int col);
	void (*finish)(struct db_stmt *st);
	int (*begin_read)(struct db *db, struct sx_error *err);
	int (*begin_write)(struct db *db, struct sx_error *err);
	int (*commit)(struct db *db, struct sx_error *err);
	void (*rollback)(struct db *db);
	int64_t (*changes)(struct db *db);
	int (*integrity_check)(struct db *db, struct sx_error *err);
	int (*table_exists)(bool *out, struct db *db, const char *name, struct sx_error *err);
	int (*is_empty)(bool *out, struct db *db, struct sx_error *err);
};

/* The first member of every driver's connection struct. */
struct db {
	const struct db_ops *ops;
};

/* The first member of every driver's statement struct. */
struct db_stmt {
	struct db *db;
};

/* The drivers' open functions: db_open's contract, dsn already classified. */
int db_sqlite_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
		   int busy_timeout_ms, struct sx_error *err);
int db_pg_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
	       int busy_timeout_ms, struct sx_error *err);

#endif
