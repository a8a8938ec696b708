/*
 * bench/ledger_append — durable ledger appends per second, against raw SQLite
 * (or raw PostgreSQL inserts, with --db) doing the same inserts with the same
 * batching, measured in the same run.
 *
 * What is measured (DESIGN.md "Performance targets": ≥ 20,000 durable events/s
 * on 2 cores and ≥ 50 % of raw SQLite with the same batching):
 *
 * 1. In process. A fresh database (store_create, store_open, service_init,
 *    service_ledger_init, service_ledger_open — the state `serve` runs in).
 *    For W writer threads (default 1, 8, 64), each event is
 *    store_begin(WRITE) + service_ledger_record_fields + store_commit, so it is
 *    durable when counted (group commit: store.c). A configuration runs until
 *    --events appends or --seconds, whichever comes first, split into --rounds
 *    rounds that alternate with the baseline's, so that both see the same disk
 *    (a shared disk's fsync latency drifts by several times within a minute).
 *
 * 2. The baseline: raw SQLite (sqlite3 directly, one connection, statements
 *    prepared once, WAL + synchronous=FULL as in store/db_sqlite.c) inserting
 *    into a second database of the same schema, in the same directory, the
 *    same rows — per event one ledger_leaf row of the same size and
 *    1 + (trailing one bits of its index) ledger_hash rows, exactly what
 *    merkle_stored_for_append writes — with the same number of COMMITs as the
 *    store needed for the same number of events, spread evenly.
 *
 *    The store's COMMITs are counted without touching src/: the bench
 *    registers a pass-through SQLite VFS as the default before anything is
 *    opened and counts WAL frame headers whose "database size after commit"
 *    field is non-zero — SQLite writes exactly one such frame per committed
 *    transaction (https://sqlite.org/fileformat2.html §4.1). It also counts
 *    and times fsyncs and counts WAL bytes, so the output shows that both
 *    sides made the same commits and wrote the same amount.
 *
 *    During the runs one nice-19 spinner process per CPU keeps the CPUs out
 *    of idle: on a VM an idle vCPU wakes late from fdatasync, which would
 *    penalize only the single-threaded baseline (bench__spinners_start).
 *
 * 3. On PostgreSQL (--db CONNINFO): the same, in databases the bench makes on
 *    that server and drops at the end. The baseline inserts the same rows in
 *    the same number of COMMITs through the store's own driver (db.h; this
 *    file does not include libpq-fe.h) as bare prepared statements: see
 *    bench__run_raw_pg. Commits are counted as commit records in the WAL
 *    (pg_walinspect) between two flush positions: bench__pg_snapshot.
 *
 * 4. Over HTTP, when a sanxiang binary is given (--sanxiang or $SANXIANG_BIN):
 *    `sanxiang init` + `demo` on a fresh database, `serve` on a free port, one
 *    admin login, then C connections (default 1, 8, 64; one thread and one
 *    keep-alive libcurl handle each) send for --http-seconds:
 *      POST /api/v1/users             (one ledger event each; argon2id-bound)
 *      POST /api/v1/users/:id/disable (one ledger event each; the cheapest
 *                                      HTTP write that records an event)
 *    The server runs on the same cores as this client.
 *
 * Output: tables on stdout, one line per configuration; progress and errors
 * on stderr. Exit 0 when every run completed (whether or not the targets are
 * met: they are reported, not asserted), 1 on a failure, 2 on a usage error.
 *
 * Does not: tune anything, or time itself against a fixed threshold in a
 * test (benchmarks are not tests: docs/benchmarks.md records the results).
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/mem.h"
#include "base/time.h"
#include "service/demo.h"
#include "service/ledger.h"
#include "service/service.h"
#include "store/db.h"
#include "store/store.h"

extern char **environ;

#define BENCH_MAX_CONFIGS 8
#define BENCH_MAX_WRITERS 1024
#define BENCH_MAX_SPINNERS 64
#define BENCH_PATH_MAX 4096
#define BENCH_KIND "bench.append"
#define BENCH_WAL_HEADER_BYTES 32      /* https://sqlite.org/fileformat2.html §4.1 */
#define BENCH_WAL_FRAME_HEADER_BYTES 24
#define BENCH_READY_WAIT_MS 15000
#define BENCH_HTTP_BODY_MAX 4096
#define BENCH_TARGET_EVENTS_PER_S 20000.0
#define BENCH_TARGET_RATIO 0.5
#define BENCH_PG_BUSY_MS 60000

/* ---- options ---- */

struct bench_options {
	int writers[BENCH_MAX_CONFIGS];   /* W per configuration */
	int writer_configs;
	int64_t max_events;               /* per configuration; the run stops at this or ... */
	double seconds;                   /* ... after this long, whichever comes first */
	int rounds;                       /* each split into rounds of sanxiang then raw */
	double http_seconds;              /* per HTTP configuration */
	int serve_threads;                /* `serve --threads`; 0 = the server's default */
	const char *dir;                  /* parent of the temporary folder */
	const char *sanxiang;             /* the binary for the HTTP runs; NULL = skip them */
	const char *pg;                   /* --db: a PostgreSQL conninfo; NULL = SQLite in dir */
	bool keep;                        /* keep the temporary folder */
	bool keep_awake;                  /* run idle-priority spinners during the runs */
};

static int bench__parse_long(long *out, const char *text, long min, long max)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return SX_EINVALID;
	*out = v;
	return 0;
}

static int bench__parse_seconds(double *out, const char *text)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v > 0.0 && v <= 3600.0))
		return SX_EINVALID;
	*out = v;
	return 0;
}

/* "1,8,64" into opt->writers. */
static int bench__parse_writers(struct bench_options *opt, const char *text)
{
	const char *p = text;

	opt->writer_configs = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[16];
		long v;

		if (len == 0 || len >= sizeof(item) || opt->writer_configs == BENCH_MAX_CONFIGS)
			return SX_EINVALID;
		memcpy(item, p, len);
		item[len] = '\0';
		if (bench__parse_long(&v, item, 1, BENCH_MAX_WRITERS) < 0)
			return SX_EINVALID;
		opt->writers[opt->writer_configs++] = (int)v;
		p += len;
		if (*p == ',')
			p++;
	}
	return opt->writer_configs > 0 ? 0 : SX_EINVALID;
}

static void bench__usage(FILE *to)
{
	fprintf(to,
		"usage: bench_ledger_append [--writers 1,8,64] [--events N] [--seconds S]\n"
		"                           [--rounds R] [--http-seconds S] [--serve-threads N]\n"
		"                           [--dir DIR] [--sanxiang PATH] [--no-http]\n"
		"                           [--no-keep-awake] [--keep] [--db CONNINFO]\n"
		"\n"
		"  --writers LIST      writer threads / HTTP connections per configuration\n"
		"  --events N          appends per in-process configuration at most (20000)\n"
		"  --seconds S         and at most this long (3)\n"
		"  --rounds R          split each configuration into R alternating rounds of\n"
		"                      sanxiang then raw, so both see the same disk weather (6)\n"
		"  --http-seconds S    length of each HTTP configuration (3)\n"
		"  --serve-threads N   `serve --threads N` (default: the server's own default)\n"
		"  --dir DIR           where the databases go ($TMPDIR, else /var/tmp): put it on\n"
		"                      the filesystem you want to measure\n"
		"  --sanxiang PATH     the sanxiang binary for the HTTP runs ($SANXIANG_BIN)\n"
		"  --no-http           skip the HTTP runs\n"
		"  --no-keep-awake     do not run the idle-priority spinners that keep every CPU\n"
		"                      out of its idle state (see bench/README.md)\n"
		"  --keep              keep the temporary folder\n"
		"  --db CONNINFO       run on PostgreSQL instead of SQLite: a libpq keyword\n"
		"                      string naming a server and a database to connect to\n"
		"                      (\"host=/tmp/x port=5432 user=postgres dbname=postgres\"),\n"
		"                      as a role that may CREATE DATABASE; the bench makes its\n"
		"                      databases sx_bench_<pid>_{sx,raw,http} there and drops\n"
		"                      them at the end. The raw baseline then inserts the same\n"
		"                      rows through the same libpq driver (src/store/db_pg.c)\n");
}

/* 0, or 2 for a usage error (already reported). */
static int bench__parse_args(struct bench_options *opt, int argc, char **argv)
{
	const char *env_bin = getenv("SANXIANG_BIN");
	const char *env_tmp = getenv("TMPDIR");
	bool no_http = false;

	memset(opt, 0, sizeof(*opt));
	opt->writers[0] = 1;
	opt->writers[1] = 8;
	opt->writers[2] = 64;
	opt->writer_configs = 3;
	opt->max_events = 20000;
	opt->seconds = 3.0;
	opt->rounds = 6;
	opt->keep_awake = true;
	opt->http_seconds = 3.0;
	opt->dir = env_tmp && env_tmp[0] ? env_tmp : "/var/tmp";
	opt->sanxiang = env_bin && env_bin[0] ? env_bin : NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n = 0;
		int rc = 0;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			bench__usage(stdout);
			exit(0);
		} else if (strcmp(a, "--no-http") == 0) {
			no_http = true;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			opt->keep = true;
			continue;
		} else if (strcmp(a, "--no-keep-awake") == 0) {
			opt->keep_awake = false;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "bench_ledger_append: %s needs a value (see --help)\n", a);
			return 2;
		}
		if (strcmp(a, "--writers") == 0) {
			rc = bench__parse_writers(opt, v);
		} else if (strcmp(a, "--events") == 0) {
			rc = bench__parse_long(&n, v, 1, 100000000L);
			opt->max_events = n;
		} else if (strcmp(a, "--seconds") == 0) {
			rc = bench__parse_seconds(&opt->seconds, v);
		} else if (strcmp(a, "--rounds") == 0) {
			rc = bench__parse_long(&n, v, 1, 100);
			opt->rounds = (int)n;
		} else if (strcmp(a, "--http-seconds") == 0) {
			rc = bench__parse_seconds(&opt->http_seconds, v);
		} else if (strcmp(a, "--serve-threads") == 0) {
			rc = bench__parse_long(&n, v, 1, 1024);
			opt->serve_threads = (int)n;
		} else if (strcmp(a, "--dir") == 0) {
			opt->dir = v;
		} else if (strcmp(a, "--sanxiang") == 0) {
			opt->sanxiang = v;
		} else if (strcmp(a, "--db") == 0) {
			/* Keyword form only: the bench appends " dbname=..." to it. */
			rc = db_dsn_is_postgresql(v) && strstr(v, "://") == NULL ? 0 : SX_EINVALID;
			opt->pg = v;
		} else {
			fprintf(stderr, "bench_ledger_append: unknown argument %s (see --help)\n",
				a);
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr, "bench_ledger_append: bad value for %s: %s\n", a, v);
			return 2;
		}
		i++;
	}
	if (no_http)
		opt->sanxiang = NULL;
	return 0;
}

/* ---- time ---- */

static double bench__now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time (user + system) of every thread of this process so far. */
static double bench__cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0.0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void bench__sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the counting VFS ---- */

/* What the VFS counted since the bench started; read with bench__vfs_snapshot. */
struct bench_vfs_counters {
	atomic_uint_least64_t commits;    /* WAL commit frames: one per committed transaction */
	atomic_uint_least64_t wal_syncs;  /* fsyncs of a -wal file */
	atomic_uint_least64_t db_syncs;   /* fsyncs of a main database file (checkpoints) */
	atomic_uint_least64_t sync_ns;    /* time spent in those fsyncs */
	atomic_uint_least64_t wal_bytes;  /* written to -wal files */
};

struct bench_vfs {
	sqlite3_vfs vfs;                  /* registered as the default; pAppData = this */
	sqlite3_vfs *root;                /* the VFS it forwards to (unix) */
	struct bench_vfs_counters counters;
};

struct bench_counts {
	uint64_t commits, wal_syncs, db_syncs, sync_ns, wal_bytes;
};

/* An open file: our header, then the root VFS's file (root->szOsFile bytes). */
struct bench_file {
	sqlite3_file base;                /* pMethods = bench_io_methods */
	struct bench_vfs *owner;
	bool is_wal;
	bool is_main_db;
	sqlite3_file *real;
};

static struct bench_vfs *bench__vfs_of(sqlite3_vfs *vfs)
{
	return vfs->pAppData;
}

static sqlite3_file *bench__real(sqlite3_file *f)
{
	return ((struct bench_file *)f)->real;
}

static int bench__io_close(sqlite3_file *f)
{
	sqlite3_file *real = bench__real(f);
	int rc = real->pMethods ? real->pMethods->xClose(real) : SQLITE_OK;

	f->pMethods = NULL;
	return rc;
}

static int bench__io_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xRead(real, buf, amount, offset);
}

static int bench__io_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset)
{
	struct bench_file *bf = (struct bench_file *)f;
	int rc = bf->real->pMethods->xWrite(bf->real, buf, amount, offset);

	/* SQLite writes each 24-byte frame header on its own (wal.c walWriteOneFrame);
	 * bytes 4..7 are the database size in pages after a commit, 0 otherwise. */
	if (rc == SQLITE_OK && bf->is_wal)
		atomic_fetch_add(&bf->owner->counters.wal_bytes, (uint64_t)amount);
	if (rc == SQLITE_OK && bf->is_wal && amount == BENCH_WAL_FRAME_HEADER_BYTES &&
	    offset >= BENCH_WAL_HEADER_BYTES) {
		const unsigned char *h = buf;

		if ((h[4] | h[5] | h[6] | h[7]) != 0)
			atomic_fetch_add(&bf->owner->counters.commits, 1);
	}
	return rc;
}

static int bench__io_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xTruncate(real, size);
}

static int bench__io_sync(sqlite3_file *f, int flags)
{
	struct bench_file *bf = (struct bench_file *)f;
	struct timespec t0, t1;
	int rc;

	if (bf->is_wal)
		atomic_fetch_add(&bf->owner->counters.wal_syncs, 1);
	else if (bf->is_main_db)
		atomic_fetch_add(&bf->owner->counters.db_syncs, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = bf->real->pMethods->xSync(bf->real, flags);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	atomic_fetch_add(&bf->owner->counters.sync_ns,
			 (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				    (t1.tv_nsec - t0.tv_nsec)));
	return rc;
}

static int bench__io_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xFileSize(real, size);
}

static int bench__io_lock(sqlite3_file *f, int level)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xLock(real, level);
}

static int bench__io_unlock(sqlite3_file *f, int level)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xUnlock(real, level);
}

static int bench__io_check_reserved(sqlite3_file *f, int *out)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xCheckReservedLock(real, out);
}

static int bench__io_file_control(sqlite3_file *f, int op, void *arg)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xFileControl(real, op, arg);
}

static int bench__io_sector_size(sqlite3_file *f)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xSectorSize(real);
}

static int bench__io_device_chars(sqlite3_file *f)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xDeviceCharacteristics(real);
}

static int bench__io_shm_map(sqlite3_file *f, int region, int size, int extend,
			     void volatile **out)
{
	sqlite3_file *real = bench__real(f);

	if (real->pMethods->iVersion < 2 || real->pMethods->xShmMap == NULL)
		return SQLITE_IOERR;
	return real->pMethods->xShmMap(real, region, size, extend, out);
}

static int bench__io_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xShmLock(real, offset, n, flags);
}

static void bench__io_shm_barrier(sqlite3_file *f)
{
	sqlite3_file *real = bench__real(f);

	real->pMethods->xShmBarrier(real);
}

static int bench__io_shm_unmap(sqlite3_file *f, int delete_flag)
{
	sqlite3_file *real = bench__real(f);

	return real->pMethods->xShmUnmap(real, delete_flag);
}

static int bench__io_fetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out)
{
	sqlite3_file *real = bench__real(f);

	if (real->pMethods->iVersion < 3 || real->pMethods->xFetch == NULL) {
		*out = NULL;
		return SQLITE_OK;
	}
	return real->pMethods->xFetch(real, offset, amount, out);
}

static int bench__io_unfetch(sqlite3_file *f, sqlite3_int64 offset, void *page)
{
	sqlite3_file *real = bench__real(f);

	if (real->pMethods->iVersion < 3 || real->pMethods->xUnfetch == NULL)
		return SQLITE_OK;
	return real->pMethods->xUnfetch(real, offset, page);
}

static const sqlite3_io_methods bench_io_methods = {
	3,
	bench__io_close,
	bench__io_read,
	bench__io_write,
	bench__io_truncate,
	bench__io_sync,
	bench__io_file_size,
	bench__io_lock,
	bench__io_unlock,
	bench__io_check_reserved,
	bench__io_file_control,
	bench__io_sector_size,
	bench__io_device_chars,
	bench__io_shm_map,
	bench__io_shm_lock,
	bench__io_shm_barrier,
	bench__io_shm_unmap,
	bench__io_fetch,
	bench__io_unfetch,
};

static int bench__vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
			   int *out_flags)
{
	struct bench_vfs *bv = bench__vfs_of(vfs);
	struct bench_file *bf = (struct bench_file *)file;
	int rc;

	memset(bf, 0, sizeof(*bf));
	bf->owner = bv;
	bf->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
	bf->is_main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	bf->real = (sqlite3_file *)&bf[1];
	rc = bv->root->xOpen(bv->root, name, bf->real, flags, out_flags);
	/* SQLite calls xClose only when pMethods is set: leave it NULL on failure. */
	bf->base.pMethods = rc == SQLITE_OK && bf->real->pMethods ? &bench_io_methods : NULL;
	return rc;
}

static int bench__vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xDelete(root, name, sync_dir);
}

static int bench__vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xAccess(root, name, flags, out);
}

static int bench__vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int out_size, char *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xFullPathname(root, name, out_size, out);
}

static void *bench__vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xDlOpen(root, name);
}

static void bench__vfs_dl_error(sqlite3_vfs *vfs, int size, char *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	root->xDlError(root, size, out);
}

static void (*bench__vfs_dl_sym(sqlite3_vfs *vfs, void *handle, const char *sym))(void)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xDlSym(root, handle, sym);
}

static void bench__vfs_dl_close(sqlite3_vfs *vfs, void *handle)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	root->xDlClose(root, handle);
}

static int bench__vfs_randomness(sqlite3_vfs *vfs, int size, char *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xRandomness(root, size, out);
}

static int bench__vfs_sleep(sqlite3_vfs *vfs, int us)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xSleep(root, us);
}

static int bench__vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xCurrentTime(root, out);
}

static int bench__vfs_last_error(sqlite3_vfs *vfs, int size, char *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	return root->xGetLastError ? root->xGetLastError(root, size, out) : 0;
}

static int bench__vfs_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	sqlite3_vfs *root = bench__vfs_of(vfs)->root;

	if (root->iVersion >= 2 && root->xCurrentTimeInt64)
		return root->xCurrentTimeInt64(root, out);
	{
		double days = 0;
		int rc = root->xCurrentTime(root, &days);

		*out = (sqlite3_int64)(days * 86400000.0);
		return rc;
	}
}

/* Registers bv as SQLite's default VFS; bv must outlive every connection. */
static int bench__vfs_install(struct bench_vfs *bv)
{
	sqlite3_vfs *root;

	memset(bv, 0, sizeof(*bv));
	if (sqlite3_initialize() != SQLITE_OK || (root = sqlite3_vfs_find(NULL)) == NULL)
		return SX_EIO;
	bv->root = root;
	bv->vfs.iVersion = 2;
	bv->vfs.szOsFile = (int)sizeof(struct bench_file) + root->szOsFile;
	bv->vfs.mxPathname = root->mxPathname;
	bv->vfs.zName = "bench-count";
	bv->vfs.pAppData = bv;
	bv->vfs.xOpen = bench__vfs_open;
	bv->vfs.xDelete = bench__vfs_delete;
	bv->vfs.xAccess = bench__vfs_access;
	bv->vfs.xFullPathname = bench__vfs_full_pathname;
	bv->vfs.xDlOpen = bench__vfs_dl_open;
	bv->vfs.xDlError = bench__vfs_dl_error;
	bv->vfs.xDlSym = bench__vfs_dl_sym;
	bv->vfs.xDlClose = bench__vfs_dl_close;
	bv->vfs.xRandomness = bench__vfs_randomness;
	bv->vfs.xSleep = bench__vfs_sleep;
	bv->vfs.xCurrentTime = bench__vfs_current_time;
	bv->vfs.xGetLastError = bench__vfs_last_error;
	bv->vfs.xCurrentTimeInt64 = bench__vfs_current_time64;
	return sqlite3_vfs_register(&bv->vfs, 1) == SQLITE_OK ? 0 : SX_EIO;
}

static struct bench_counts bench__vfs_snapshot(struct bench_vfs *bv)
{
	struct bench_counts c;

	c.commits = atomic_load(&bv->counters.commits);
	c.wal_syncs = atomic_load(&bv->counters.wal_syncs);
	c.db_syncs = atomic_load(&bv->counters.db_syncs);
	c.sync_ns = atomic_load(&bv->counters.sync_ns);
	c.wal_bytes = atomic_load(&bv->counters.wal_bytes);
	return c;
}

static struct bench_counts bench__counts_since(struct bench_counts now, struct bench_counts then)
{
	struct bench_counts d = {now.commits - then.commits, now.wal_syncs - then.wal_syncs,
				 now.db_syncs - then.db_syncs, now.sync_ns - then.sync_ns,
				 now.wal_bytes - then.wal_bytes};

	return d;
}

/* ---- a start gate: threads wait until every one exists, then go together ---- */

struct bench_gate {
	pthread_mutex_t lock;
	pthread_cond_t opened;
	bool open;
};

static void bench__gate_init(struct bench_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->opened, NULL);
	g->open = false;
}

static void bench__gate_wait(struct bench_gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		pthread_cond_wait(&g->opened, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void bench__gate_open(struct bench_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->opened);
	pthread_mutex_unlock(&g->lock);
}

static void bench__gate_destroy(struct bench_gate *g)
{
	pthread_cond_destroy(&g->opened);
	pthread_mutex_destroy(&g->lock);
}

/* ---- the run's context ---- */

struct bench_result {
	int writers;
	int64_t events;
	double seconds;                   /* wall time */
	double cpu_seconds;               /* CPU time of all threads (user + system) */
	struct bench_counts io;
	int64_t raw_events;
	double raw_seconds;
	double raw_cpu_seconds;
	struct bench_counts raw_io;
};

struct bench {
	struct bench_options opt;
	struct bench_vfs vfs;
	char dir[BENCH_PATH_MAX];         /* the temporary folder ("" = not made yet) */
	pid_t spinners[BENCH_MAX_SPINNERS];
	int spinner_count;
	double fsync_idle_ms;             /* bench__fsync_ms before the spinners start */
	double fsync_awake_ms;            /* ... and while they run (0 = not measured) */
	char db_path[BENCH_PATH_MAX];
	char raw_path[BENCH_PATH_MAX];
	struct store *store;
	struct service svc;
	sqlite3 *raw;
	int64_t raw_next_index;           /* the raw log's next leaf index */
	/* PostgreSQL (--db): db_path and raw_path hold conninfos of databases made here. */
	bool is_pg;
	struct db *pg_admin;              /* on the --db database: CREATE/DROP, positions */
	struct db *pg_raw;                /* the baseline's connection */
	char pg_names[3][64];             /* sx, raw, http database names; "" = not made */
	char http_dsn[BENCH_PATH_MAX];
	char pg_version[64], pg_fsync[16], pg_sync_commit[16];
	struct bench_result results[BENCH_MAX_CONFIGS];
	int result_count;
};

static void bench__add_counts(struct bench_counts *to, const struct bench_counts *c)
{
	to->commits += c->commits;
	to->wal_syncs += c->wal_syncs;
	to->db_syncs += c->db_syncs;
	to->sync_ns += c->sync_ns;
	to->wal_bytes += c->wal_bytes;
}

static void bench__accumulate(struct bench_result *to, const struct bench_result *one)
{
	to->events += one->events;
	to->seconds += one->seconds;
	to->cpu_seconds += one->cpu_seconds;
	to->raw_cpu_seconds += one->raw_cpu_seconds;
	bench__add_counts(&to->io, &one->io);
	to->raw_events += one->raw_events;
	to->raw_seconds += one->raw_seconds;
	bench__add_counts(&to->raw_io, &one->raw_io);
}

/* a / b, or 0 when b is not positive (nothing measured). */
static double bench__div(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

static double bench__rate(int64_t events, double seconds)
{
	return seconds > 0 ? (double)events / seconds : 0.0;
}

/* ---- PostgreSQL positions ---- */

/*
 * On PostgreSQL nothing sits between the server and its disk for the bench to
 * count, so it reads the WAL instead, from its own connection on the --db
 * database, between runs (no transaction of the bench is open then):
 * bench__pg_snapshot takes the WAL flush position (in bytes, in .wal_bytes),
 * and bench__pg_commits counts the commit records written between two
 * positions with pg_walinspect (PostgreSQL 15 contrib; CREATE EXTENSION needs
 * a superuser, which the throwaway cluster of scripts/pg-cluster gives). Only
 * write transactions write a commit record, so that is the number of durable
 * COMMITs, cluster-wide; autovacuum's ANALYZE adds one now and then.
 *
 * fsync counts and times stay 0: pg_stat_wal is flushed lazily, so it cannot
 * be read per half-second round.
 */
static int bench__pg_snapshot(struct bench_counts *out, struct bench *b)
{
	struct db_stmt *st = NULL;
	struct sx_error err;
	int rc;

	memset(out, 0, sizeof(*out));
	sx_error_clear(&err);
	if ((rc = db_prepare(&st, b->pg_admin,
			     "SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::bigint",
			     &err)) < 0)
		goto cleanup;
	if ((rc = db_step(st, &err)) < 0)
		goto cleanup;
	if (rc != DB_ROW) {
		rc = sx_error_set(&err, SX_EIO, NULL, "no row");
		goto cleanup;
	}
	out->wal_bytes = (uint64_t)db_column_int64(st, 0);
	rc = 0;
cleanup:
	db_finish(st);
	if (rc < 0)
		fprintf(stderr, "bench_ledger_append: reading the WAL position: %s %s\n",
			err.message, err.detail);
	return rc;
}

/* The number of commit records in the WAL between two flush positions (bytes). */
static int bench__pg_commits(uint64_t *out, struct bench *b, uint64_t from, uint64_t to)
{
	struct db_stmt *st = NULL;
	struct sx_error err;
	char from_lsn[40], to_lsn[40];
	int rc;

	*out = 0;
	if (to <= from)
		return 0;
	sx_error_clear(&err);
	snprintf(from_lsn, sizeof(from_lsn), "%X/%X", (unsigned)(from >> 32),
		 (unsigned)(from & 0xffffffffu));
	snprintf(to_lsn, sizeof(to_lsn), "%X/%X", (unsigned)(to >> 32),
		 (unsigned)(to & 0xffffffffu));
	if ((rc = db_prepare(&st, b->pg_admin,
			     "SELECT count(*) FROM pg_get_wal_records_info($1::text::pg_lsn, "
			     "$2::text::pg_lsn) WHERE resource_manager = 'Transaction' "
			     "AND record_type = 'COMMIT'",
			     &err)) < 0)
		goto cleanup;
	db_bind_str(st, 1, from_lsn);
	db_bind_str(st, 2, to_lsn);
	if ((rc = db_step(st, &err)) < 0)
		goto cleanup;
	if (rc != DB_ROW) {
		rc = sx_error_set(&err, SX_EIO, NULL, "no row");
		goto cleanup;
	}
	*out = (uint64_t)db_column_int64(st, 0);
	rc = 0;
cleanup:
	db_finish(st);
	if (rc < 0)
		fprintf(stderr, "bench_ledger_append: counting commit records: %s %s\n",
			err.message, err.detail);
	return rc;
}

/* What the disk side has done so far: the VFS's counters, or PostgreSQL's positions. */
static int bench__snapshot(struct bench_counts *out, struct bench *b)
{
	if (b->is_pg)
		return bench__pg_snapshot(out, b);
	*out = bench__vfs_snapshot(&b->vfs);
	return 0;
}

/* ---- in process: sanxiang ---- */

struct bench_writer_shared {
	struct bench *b;
	struct bench_gate start;
	atomic_int_least64_t tickets;     /* appends claimed */
	atomic_int_least64_t done;        /* appends committed */
	atomic_int failed;
	double deadline;                  /* bench__now_s() after which no append starts */
	int64_t max_events;
};

struct bench_writer {
	struct bench_writer_shared *shared;
	int id;
	struct sx_error err;              /* the first failure of this thread */
	int rc;
};

static void *bench__writer_main(void *arg)
{
	struct bench_writer *w = arg;
	struct bench_writer_shared *s = w->shared;
	char entity[32], seq[24];

	snprintf(entity, sizeof(entity), "bench-%d", w->id);
	bench__gate_wait(&s->start);
	for (;;) {
		struct store_tx *tx = NULL;
		int64_t ticket = atomic_fetch_add(&s->tickets, 1);
		const char *const fields[] = {"by", "bench", "seq", seq, NULL};
		int rc;

		if (ticket >= s->max_events || bench__now_s() >= s->deadline ||
		    atomic_load(&s->failed))
			break;
		snprintf(seq, sizeof(seq), "%lld", (long long)ticket);
		if ((rc = store_begin(&tx, s->b->store, STORE_TX_WRITE, &w->err)) < 0)
			goto fail;
		if ((rc = service_ledger_record_fields(NULL, &s->b->svc, tx, BENCH_KIND, entity,
						       fields, &w->err)) < 0) {
			store_rollback(tx);
			goto fail;
		}
		if ((rc = store_commit(tx, &w->err)) < 0)
			goto fail;
		atomic_fetch_add(&s->done, 1);
		continue;
fail:
		w->rc = rc;
		atomic_store(&s->failed, 1);
		break;
	}
	return NULL;
}

static int bench__run_sanxiang(struct bench_result *out, struct bench *b, int writers,
			       int64_t max_events, double seconds)
{
	struct bench_writer_shared shared;
	struct bench_writer *w = NULL;
	pthread_t *threads = NULL;
	struct bench_counts before, after;
	int started = 0;
	double t0, cpu0;
	int rc = 0;

	memset(&shared, 0, sizeof(shared));
	shared.b = b;
	shared.max_events = max_events;
	atomic_init(&shared.tickets, 0);
	atomic_init(&shared.done, 0);
	atomic_init(&shared.failed, 0);
	bench__gate_init(&shared.start);
	w = sx_calloc((size_t)writers, sizeof(*w));
	threads = sx_calloc((size_t)writers, sizeof(*threads));
	if (w == NULL || threads == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < writers; i++) {
		w[i].shared = &shared;
		w[i].id = i;
		sx_error_clear(&w[i].err);
		if (pthread_create(&threads[i], NULL, bench__writer_main, &w[i]) != 0) {
			/* The threads made so far see this once the gate opens. */
			atomic_store(&shared.failed, 1);
			rc = SX_EINTERNAL;
			break;
		}
		started++;
	}
	if (bench__snapshot(&before, b) < 0) {
		atomic_store(&shared.failed, 1);
		rc = SX_EIO;
	}
	cpu0 = bench__cpu_s();
	t0 = bench__now_s();
	shared.deadline = t0 + seconds;
	bench__gate_open(&shared.start);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	out->seconds = bench__now_s() - t0;
	out->cpu_seconds = bench__cpu_s() - cpu0;
	out->events = atomic_load(&shared.done);
	out->writers = writers;
	if (rc == 0 && bench__snapshot(&after, b) < 0)
		rc = SX_EIO;
	if (rc == 0) {
		out->io = bench__counts_since(after, before);
		if (b->is_pg)
			rc = bench__pg_commits(&out->io.commits, b, before.wal_bytes,
					       after.wal_bytes);
	}
	for (int i = 0; i < started && rc == 0; i++) {
		if (w[i].rc < 0) {
			fprintf(stderr, "bench_ledger_append: writer %d: %s (%s)\n", i,
				w[i].err.message, w[i].err.detail);
			rc = w[i].rc;
		}
	}
cleanup:
	bench__gate_destroy(&shared.start);
	sx_free(w);
	sx_free(threads);
	return rc;
}

/* ---- in process: the raw SQLite baseline ---- */

static int bench__raw_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_ledger_append: raw sqlite %s: %s\n", what,
		db ? sqlite3_errmsg(db) : "(no connection)");
	return SX_EIO;
}

static int bench__raw_open(struct bench *b)
{
	char *msg = NULL;
	int src;

	src = sqlite3_open_v2(b->raw_path, &b->raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			      NULL);
	if (src != SQLITE_OK)
		return bench__raw_fail(b->raw, "open");
	/* The pragmas of store/db_sqlite.c that bear on write cost. */
	src = sqlite3_exec(b->raw,
			   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			   "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;",
			   NULL, NULL, &msg);
	sqlite3_free(msg);
	if (src != SQLITE_OK)
		return bench__raw_fail(b->raw, "pragmas");
	return 0;
}

/* 64 hex digits standing in for a hash: the bytes differ, the size does not. */
static void bench__fake_hex(char out[65], uint64_t seed)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t x = seed;

	for (int i = 0; i < 64; i += 16) {
		/* splitmix64 */
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		for (int j = 0; j < 16; j++)
			out[i + j] = digits[(z >> (4 * j)) & 15];
	}
	out[64] = '\0';
}

/* One event's leaf row, as service_ledger_record_fields makes it (ledger/event.h). */
struct bench_raw_event {
	char now[SX_TIME_TEXT_LEN];
	char entity[32];
	char data[256];
	int data_len;
	char hex[65];
};

static void bench__raw_event(struct bench_raw_event *ev, int64_t i, int64_t index, int writers)
{
	sx_time_format_utc(ev->now, sx_time_now_us());
	snprintf(ev->entity, sizeof(ev->entity), "bench-%d", (int)(i % writers));
	ev->data_len = snprintf(ev->data, sizeof(ev->data),
				"{\"at\":\"%s\",\"data\":{\"by\":\"bench\",\"seq\":\"%lld\"},"
				"\"entity\":\"%s\",\"kind\":\"" BENCH_KIND "\"}",
				ev->now, (long long)i, ev->entity);
	bench__fake_hex(ev->hex, (uint64_t)index);
}

/* Whether commit k (1-based) closes after event i (0-based): after ceil(k * events / commits).
 * events <= 10^8 and commits <= events: the products fit in 64 bits. */
static bool bench__raw_commits_after(int64_t i, int64_t events, uint64_t commits)
{
	return ((uint64_t)(i + 1) * commits) / (uint64_t)events !=
	       ((uint64_t)i * commits) / (uint64_t)events;
}

static int bench__raw_step(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return src == SQLITE_DONE ? 0 : bench__raw_fail(db, what);
}

/*
 * Appends `events` rows the way the store does — leaf row plus 1 + trailing
 * ones of its index hash rows — in exactly `commits` transactions, commit k
 * ending after event ceil(k * events / commits).
 */
static int bench__run_raw(struct bench_result *out, struct bench *b, int writers, int64_t events,
			  uint64_t commits)
{
	sqlite3_stmt *begin = NULL, *commit = NULL, *leaf = NULL, *hash = NULL;
	struct bench_counts before;
	bool in_tx = false;
	double t0, cpu0;
	int rc = 0;

	if (commits == 0 || (int64_t)commits > events)
		commits = (uint64_t)events;
	if (sqlite3_prepare_v2(b->raw, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->raw, "COMMIT", -1, &commit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->raw,
			       "INSERT INTO ledger_leaf (idx, kind, entity_id, data, leaf_hash, "
			       "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &leaf, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->raw,
			       "INSERT INTO ledger_hash (level, idx, hash) VALUES (?1, ?2, ?3)", -1,
			       &hash, NULL) != SQLITE_OK) {
		rc = bench__raw_fail(b->raw, "prepare");
		goto cleanup;
	}
	before = bench__vfs_snapshot(&b->vfs);
	cpu0 = bench__cpu_s();
	t0 = bench__now_s();
	for (int64_t i = 0; i < events; i++) {
		int64_t index = b->raw_next_index + i;
		struct bench_raw_event ev;

		if (!in_tx) {
			if ((rc = bench__raw_step(b->raw, begin, "begin")) < 0)
				goto cleanup;
			in_tx = true;
		}
		bench__raw_event(&ev, i, index, writers);
		sqlite3_bind_int64(leaf, 1, index);
		sqlite3_bind_text(leaf, 2, BENCH_KIND, -1, SQLITE_STATIC);
		sqlite3_bind_text(leaf, 3, ev.entity, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(leaf, 4, ev.data, ev.data_len, SQLITE_TRANSIENT);
		sqlite3_bind_text(leaf, 5, ev.hex, 64, SQLITE_TRANSIENT);
		sqlite3_bind_text(leaf, 6, ev.now, -1, SQLITE_TRANSIENT);
		if ((rc = bench__raw_step(b->raw, leaf, "insert leaf")) < 0)
			goto cleanup;
		/* Leaf n completes one subtree per trailing one bit of n (ledger/merkle.c). */
		for (int level = 0;; level++) {
			uint64_t at = (uint64_t)index >> level;

			bench__fake_hex(ev.hex, ((uint64_t)index << 6) | (uint64_t)level);
			sqlite3_bind_int(hash, 1, level);
			sqlite3_bind_int64(hash, 2, (int64_t)at);
			sqlite3_bind_text(hash, 3, ev.hex, 64, SQLITE_TRANSIENT);
			if ((rc = bench__raw_step(b->raw, hash, "insert hash")) < 0)
				goto cleanup;
			if ((at & 1) == 0)
				break;
		}
		if (bench__raw_commits_after(i, events, commits)) {
			if ((rc = bench__raw_step(b->raw, commit, "commit")) < 0)
				goto cleanup;
			in_tx = false;
		}
	}
	out->raw_seconds = bench__now_s() - t0;
	out->raw_cpu_seconds = bench__cpu_s() - cpu0;
	out->raw_io = bench__counts_since(bench__vfs_snapshot(&b->vfs), before);
	out->raw_events = events;
	b->raw_next_index += events;
cleanup:
	if (in_tx)
		sqlite3_exec(b->raw, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(leaf);
	sqlite3_finalize(hash);
	return rc;
}

/* ---- in process: the raw PostgreSQL baseline ---- */

static int bench__pg_fail(int rc, const char *what, const struct sx_error *err)
{
	fprintf(stderr, "bench_ledger_append: raw postgresql %s: %s %s\n", what, err->message,
		err->detail);
	return rc;
}

static int bench__pg_run(struct db *db, const char *sql, const char *what)
{
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = db_exec_cached(db, sql, &err)) < 0)
		return bench__pg_fail(rc, what, &err);
	return 0;
}

/*
 * bench__run_raw on PostgreSQL: the same rows and the same commits, over one
 * connection of the store's own driver (db_pg.c: statements prepared on the
 * server once, PQexecPrepared per row, one round trip each), plain BEGIN and
 * COMMIT — no advisory lock, no SAVEPOINTs, no hashing.
 *
 * The connection is opened DB_OPEN_READ_ONLY and each transaction begins
 * READ WRITE: db_pg.c wraps a write on a read-write connection in its own
 * SAVEPOINT pipeline (statement atomicity as on SQLite) but runs it as a bare
 * PQexecPrepared on any other, which is what raw libpq does. The bench gets a
 * raw baseline without including libpq-fe.h, at the price of relying on that
 * documented behaviour of the driver.
 */
static int bench__run_raw_pg(struct bench_result *out, struct bench *b, int writers,
			     int64_t events, uint64_t commits)
{
	static const char leaf_sql[] =
		"INSERT INTO ledger_leaf (idx, kind, entity_id, data, leaf_hash, created_at) "
		"VALUES ($1, $2, $3, $4, $5, $6)";
	static const char hash_sql[] = "INSERT INTO ledger_hash (level, idx, hash) "
				       "VALUES ($1, $2, $3)";
	struct db *db = b->pg_raw;
	struct bench_counts before, after;
	struct sx_error err;
	bool in_tx = false;
	double t0, cpu0;
	int rc = 0;

	sx_error_clear(&err);
	if (commits == 0 || (int64_t)commits > events)
		commits = (uint64_t)events;
	if ((rc = bench__snapshot(&before, b)) < 0)
		return rc;
	cpu0 = bench__cpu_s();
	t0 = bench__now_s();
	for (int64_t i = 0; i < events; i++) {
		int64_t index = b->raw_next_index + i;
		struct bench_raw_event ev;
		struct db_stmt *st = NULL;

		if (!in_tx) {
			if ((rc = bench__pg_run(db, "BEGIN READ WRITE", "begin")) < 0)
				goto cleanup;
			in_tx = true;
		}
		bench__raw_event(&ev, i, index, writers);
		if ((rc = db_prepare(&st, db, leaf_sql, &err)) < 0)
			goto fail;
		db_bind_int64(st, 1, index);
		db_bind_str(st, 2, BENCH_KIND);
		db_bind_str(st, 3, ev.entity);
		db_bind_text(st, 4, ev.data, (size_t)ev.data_len);
		db_bind_text(st, 5, ev.hex, 64);
		db_bind_str(st, 6, ev.now);
		rc = db_step(st, &err);
		db_finish(st);
		if (rc < 0)
			goto fail;
		for (int level = 0;; level++) {
			uint64_t at = (uint64_t)index >> level;

			bench__fake_hex(ev.hex, ((uint64_t)index << 6) | (uint64_t)level);
			if ((rc = db_prepare(&st, db, hash_sql, &err)) < 0)
				goto fail;
			db_bind_int64(st, 1, level);
			db_bind_int64(st, 2, (int64_t)at);
			db_bind_text(st, 3, ev.hex, 64);
			rc = db_step(st, &err);
			db_finish(st);
			if (rc < 0)
				goto fail;
			if ((at & 1) == 0)
				break;
		}
		if (bench__raw_commits_after(i, events, commits)) {
			in_tx = false;
			if ((rc = db_commit(db, &err)) < 0)
				goto fail;
		}
	}
	out->raw_seconds = bench__now_s() - t0;
	out->raw_cpu_seconds = bench__cpu_s() - cpu0;
	if ((rc = bench__snapshot(&after, b)) < 0)
		goto cleanup;
	out->raw_io = bench__counts_since(after, before);
	if ((rc = bench__pg_commits(&out->raw_io.commits, b, before.wal_bytes,
				    after.wal_bytes)) < 0)
		goto cleanup;
	out->raw_events = events;
	b->raw_next_index += events;
	goto cleanup;
fail:
	bench__pg_fail(rc, "insert", &err);
cleanup:
	if (in_tx)
		db_rollback(db);
	return rc;
}

/* ---- set-up ---- */

static int bench__path(char *out, const char *dir, const char *name)
{
	if (snprintf(out, BENCH_PATH_MAX, "%s/%s", dir, name) >= BENCH_PATH_MAX)
		return SX_ETOOBIG;
	return 0;
}

static int bench__report(int rc, const char *what, const struct sx_error *err)
{
	fprintf(stderr, "bench_ledger_append: %s: %s (%s) %s\n", what, sx_errno_code(rc),
		err && err->message[0] ? err->message : "", err ? err->detail : "");
	return rc;
}

/* One text value of a one-row query on the admin connection into out ("?" on failure). */
static void bench__pg_show(char *out, size_t out_size, struct bench *b, const char *sql)
{
	struct db_stmt *st = NULL;
	struct sx_error err;

	snprintf(out, out_size, "?");
	sx_error_clear(&err);
	if (db_prepare(&st, b->pg_admin, sql, &err) == 0 && db_step(st, &err) == DB_ROW &&
	    db_column_text(st, 0))
		snprintf(out, out_size, "%s", db_column_text(st, 0));
	db_finish(st);
}

/*
 * PostgreSQL: connects to --db and makes three fresh databases there, for the
 * store, the raw baseline and the HTTP server; their conninfos are --db with
 * " dbname=..." appended (libpq takes the last value of a repeated keyword).
 */
static int bench__pg_setup(struct bench *b)
{
	static const char *const suffix[3] = {"sx", "raw", "http"};
	char *const dsn[3] = {b->db_path, b->raw_path, b->http_dsn};
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = db_open(&b->pg_admin, b->opt.pg, DB_OPEN_READ_WRITE, false, BENCH_PG_BUSY_MS,
			  &err)) < 0)
		return bench__report(rc, "connect to --db", &err);
	for (int i = 0; i < 3; i++) {
		char name[64], sql[192];

		snprintf(name, sizeof(name), "sx_bench_%ld_%s", (long)getpid(), suffix[i]);
		/* As docs/postgresql.md asks: UTF8 (required), collation C (bytes, as SQLite). */
		snprintf(sql, sizeof(sql),
			 "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
			 "LC_CTYPE 'C'",
			 name);
		if ((rc = db_exec(b->pg_admin, sql, &err)) < 0)
			return bench__report(rc, "CREATE DATABASE", &err);
		snprintf(b->pg_names[i], sizeof(b->pg_names[i]), "%s", name);
		if (snprintf(dsn[i], BENCH_PATH_MAX, "%s dbname=%s", b->opt.pg, name) >=
		    BENCH_PATH_MAX)
			return SX_ETOOBIG;
	}
	if ((rc = db_exec(b->pg_admin, "CREATE EXTENSION IF NOT EXISTS pg_walinspect", &err)) < 0)
		return bench__report(rc, "CREATE EXTENSION pg_walinspect (the bench counts commit "
				     "records with it; it needs a superuser)",
				     &err);
	bench__pg_show(b->pg_version, sizeof(b->pg_version), b, "SHOW server_version");
	bench__pg_show(b->pg_fsync, sizeof(b->pg_fsync), b, "SHOW fsync");
	bench__pg_show(b->pg_sync_commit, sizeof(b->pg_sync_commit), b,
		       "SHOW synchronous_commit");
	return 0;
}

/* Drops the databases bench__pg_setup made. */
static void bench__pg_teardown(struct bench *b)
{
	for (int i = 0; i < 3 && b->pg_admin; i++) {
		char sql[128];
		struct sx_error err;

		if (b->pg_names[i][0] == '\0')
			continue;
		sx_error_clear(&err);
		if (b->opt.keep) {
			fprintf(stderr, "bench_ledger_append: kept database %s\n", b->pg_names[i]);
			continue;
		}
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
			 b->pg_names[i]);
		if (db_exec(b->pg_admin, sql, &err) < 0)
			fprintf(stderr, "bench_ledger_append: could not drop %s: %s\n",
				b->pg_names[i], err.detail);
	}
	db_close(b->pg_admin);
	b->pg_admin = NULL;
}

static int bench__setup(struct bench *b)
{
	struct service_ledger_init_options lopt = {"sha256", "bench.sanxiang.local/ledger", NULL};
	char key_dir[BENCH_PATH_MAX];
	char pattern[BENCH_PATH_MAX];
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (snprintf(pattern, sizeof(pattern), "%s/sanxiang-bench-XXXXXX", b->opt.dir) >=
	    (int)sizeof(pattern))
		return SX_ETOOBIG;
	if (mkdtemp(pattern) == NULL) {
		fprintf(stderr, "bench_ledger_append: mkdtemp in %s: %s\n", b->opt.dir,
			strerror(errno));
		return SX_EIO;
	}
	snprintf(b->dir, sizeof(b->dir), "%s", pattern);
	if ((rc = bench__path(b->db_path, b->dir, "sanxiang.db")) < 0 ||
	    (rc = bench__path(b->raw_path, b->dir, "raw.db")) < 0 ||
	    (rc = bench__path(b->http_dsn, b->dir, "http.db")) < 0 ||
	    (rc = bench__path(key_dir, b->dir, "sanxiang.db.keys")) < 0)
		return rc;
	if (b->is_pg && (rc = bench__pg_setup(b)) < 0)
		return rc;
	lopt.key_dir = key_dir;
	if ((rc = store_create(b->db_path, &err)) < 0)
		return bench__report(rc, "store_create", &err);
	if ((rc = store_open(&b->store, b->db_path, NULL, &err)) < 0)
		return bench__report(rc, "store_open", &err);
	service_init(&b->svc, b->store);
	if ((rc = service_ledger_init(&b->svc, &lopt, &err)) < 0)
		return bench__report(rc, "service_ledger_init", &err);
	/* As `serve` does: with the meta loaded, an append does not re-read it. */
	if ((rc = service_ledger_open(&b->svc, key_dir, &err)) < 0)
		return bench__report(rc, "service_ledger_open", &err);
	/* The baseline gets the very same schema, then only raw SQL. */
	if ((rc = store_create(b->raw_path, &err)) < 0)
		return bench__report(rc, "store_create (raw)", &err);
	if (b->is_pg) {
		/* Read-only mode: see bench__run_raw_pg. */
		if ((rc = db_open(&b->pg_raw, b->raw_path, DB_OPEN_READ_ONLY, false,
				  BENCH_PG_BUSY_MS, &err)) < 0)
			return bench__report(rc, "connect (raw)", &err);
	} else if ((rc = bench__raw_open(b)) < 0) {
		return rc;
	}
	b->raw_next_index = 1;   /* the store's log starts with its ledger.init leaf */
	return 0;
}

/* Removes the folder the bench made: files, and folders of files (key folders). */
static int bench__remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return SX_EIO;
	while ((e = readdir(d)) != NULL) {
		char path[BENCH_PATH_MAX];
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (bench__path(path, dir, e->d_name) < 0 || lstat(path, &sb) < 0) {
			rc = SX_EIO;
			continue;
		}
		if (S_ISDIR(sb.st_mode))
			rc = depth > 0 && bench__remove_tree(path, depth - 1) == 0 ? rc : SX_EIO;
		else if (unlink(path) < 0)
			rc = SX_EIO;
	}
	closedir(d);
	if (rmdir(dir) < 0)
		rc = SX_EIO;
	return rc;
}

/*
 * Keeps every CPU busy at the lowest priority (nice 19), in child processes so
 * that their CPU time is not counted as the bench's. Why: on a virtual machine
 * a vCPU that goes idle while a thread waits in fdatasync wakes up late — here
 * an fdatasync took ~4 ms with both CPUs idle and ~0.3 ms with one kept busy —
 * and that penalty lands on whichever side leaves CPUs idle: the single-threaded
 * baseline, not the store's many threads. A nice-19 spinner yields to any real
 * work, so it costs the measured code about 1.5 % of a CPU at most.
 */
static void bench__spinners_start(struct bench *b)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t parent = getpid();

	if (cpus < 1)
		cpus = 1;
	if (cpus > BENCH_MAX_SPINNERS)
		cpus = BENCH_MAX_SPINNERS;
	fflush(stdout);
	fflush(stderr);
	for (long i = 0; i < cpus; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			setpriority(PRIO_PROCESS, 0, 19);
			/* Ends with the bench even if the bench is killed. */
			for (;;) {
				for (volatile long n = 0; n < 10000000L; n++)
					;
				if (getppid() != parent)
					_exit(0);
			}
		}
		if (pid < 0) {
			fprintf(stderr, "bench_ledger_append: fork: %s (continuing with %d "
				"spinners)\n", strerror(errno), b->spinner_count);
			break;
		}
		b->spinners[b->spinner_count++] = pid;
	}
}

static void bench__spinners_stop(struct bench *b)
{
	for (int i = 0; i < b->spinner_count; i++) {
		int status;

		kill(b->spinners[i], SIGKILL);
		while (waitpid(b->spinners[i], &status, 0) < 0 && errno == EINTR)
			;
	}
	b->spinner_count = 0;
}

static void bench__teardown(struct bench *b)
{
	bench__spinners_stop(b);
	if (b->store) {
		service_ledger_close(&b->svc);
		store_close(b->store);
		b->store = NULL;
	}
	if (b->raw) {
		sqlite3_close_v2(b->raw);
		b->raw = NULL;
	}
	db_close(b->pg_raw);
	b->pg_raw = NULL;
	if (b->is_pg)
		bench__pg_teardown(b);
	if (b->dir[0] == '\0')
		return;
	if (b->opt.keep)
		fprintf(stderr, "bench_ledger_append: kept %s\n", b->dir);
	else if (bench__remove_tree(b->dir, 2) < 0)
		fprintf(stderr, "bench_ledger_append: could not remove all of %s\n", b->dir);
}

/* Checks the log holds what was appended and its tree heads compute. */
static int bench__verify(struct bench *b, int64_t appended)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	uint64_t size = 0, published = 0;
	int rc;

	sx_error_clear(&err);
	if ((rc = store_begin(&tx, b->store, STORE_TX_READ, &err)) < 0)
		return bench__report(rc, "verify", &err);
	rc = store_ledger_size(&size, tx, &err);
	store_rollback(tx);
	if (rc < 0)
		return bench__report(rc, "verify size", &err);
	if (size != (uint64_t)appended + 1) {
		fprintf(stderr, "bench_ledger_append: log holds %llu leaves, expected %lld\n",
			(unsigned long long)size, (long long)appended + 1);
		return SX_ECORRUPT;
	}
	if ((rc = service_ledger_publish(&published, &b->svc, &err)) < 0)
		return bench__report(rc, "publish checkpoint", &err);
	printf("check: log size %llu = 1 + appended events; signed checkpoint at %llu published\n",
	       (unsigned long long)size, (unsigned long long)published);
	return 0;
}

/* ---- machine description ---- */

static int bench__cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Median time of write(4 KiB) + fdatasync on a file in the bench's folder:
 * what one durable commit costs at the least on this disk, so that
 * events/s <= batch / latency. 0 when it could not be measured.
 */
static double bench__fsync_ms(const struct bench *b)
{
	enum { ROUNDS = 101 };
	double ms[ROUNDS];
	char path[BENCH_PATH_MAX], block[4096];
	int fd;
	int n = 0;

	if (bench__path(path, b->dir, "fsync.probe") < 0)
		return 0.0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0.0;
	memset(block, 'x', sizeof(block));
	for (; n < ROUNDS; n++) {
		double t0 = bench__now_s();

		off_t at = (off_t)(n % 16) * (off_t)sizeof(block);

		if (pwrite(fd, block, sizeof(block), at) != (ssize_t)sizeof(block) ||
		    fdatasync(fd) < 0)
			break;
		ms[n] = (bench__now_s() - t0) * 1000.0;
	}
	close(fd);
	unlink(path);
	if (n < ROUNDS)
		return 0.0;
	qsort(ms, ROUNDS, sizeof(ms[0]), bench__cmp_double);
	return ms[ROUNDS / 2];
}

static void bench__print_machine(const struct bench *b)
{
	char model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "model name", 10) == 0) {
				const char *colon = strchr(line, ':');
				size_t len;

				if (colon == NULL)
					continue;
				colon++;
				while (*colon == ' ' || *colon == '\t')
					colon++;
				len = strcspn(colon, "\n");
				if (len >= sizeof(model))
					len = sizeof(model) - 1;
				memcpy(model, colon, len);
				model[len] = '\0';
				break;
			}
		}
		fclose(f);
	}
	if (b->is_pg)
		printf("machine: %ld online CPUs, %s; PostgreSQL %s (fsync=%s, "
		       "synchronous_commit=%s) at %s; key files in %s\n",
		       sysconf(_SC_NPROCESSORS_ONLN), model, b->pg_version, b->pg_fsync,
		       b->pg_sync_commit, b->opt.pg, b->dir);
	else
		printf("machine: %ld online CPUs, %s; SQLite %s; databases in %s\n",
		       sysconf(_SC_NPROCESSORS_ONLN), model, sqlite3_libversion(), b->dir);
	printf("disk: write 4 KiB + fdatasync there takes %.2f ms with the CPUs idle",
	       b->fsync_idle_ms);
	if (b->spinner_count > 0)
		printf(", %.2f ms with them kept awake by %d nice-19 spinners (on during the "
		       "runs)\n",
		       b->fsync_awake_ms, b->spinner_count);
	else
		printf(" (no spinners: --no-keep-awake)\n");
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			printf("load average at start (other work on this machine): %s", line);
		fclose(f);
	}
}

/* ---- the in-process table ---- */

static void bench__print_disk_table(const struct bench *b);

static void bench__print_in_process(const struct bench *b)
{
	if (b->is_pg) {
		printf("\nIn process on PostgreSQL: store_begin(WRITE) + "
		       "service_ledger_record_fields + store_commit (durable when fsync=on and "
		       "synchronous_commit=on)\n");
		printf("baseline: raw inserts through the same libpq driver, same rows (1 leaf + 2 "
		       "hash rows/event on average), same number of COMMITs\n\n");
	} else {
		printf("\nIn process: store_begin(WRITE) + service_ledger_record_fields + "
		       "store_commit (durable; WAL, synchronous=FULL)\n");
		printf("baseline: raw SQLite, same rows (1 leaf + 2 hash rows/event on average), "
		       "same number of COMMITs\n\n");
	}
	printf("%7s %8s %8s %9s %13s %10s %6s %15s\n", "writers", "events", "commits",
	       "avg batch", "sanxiang ev/s", "raw ev/s", "ratio", "CPU us/ev sx:raw");
	for (int i = 0; i < b->result_count; i++) {
		const struct bench_result *r = &b->results[i];
		double sx = bench__rate(r->events, r->seconds);
		double raw = bench__rate(r->raw_events, r->raw_seconds);
		double batch = r->io.commits ? (double)r->events / (double)r->io.commits : 0.0;
		double sx_cpu = r->events ? r->cpu_seconds * 1e6 / (double)r->events : 0.0;
		double raw_cpu =
			r->raw_events ? r->raw_cpu_seconds * 1e6 / (double)r->raw_events : 0.0;

		printf("%7d %8lld %8llu %9.1f %13.0f %10.0f %6.2f %8.1f:%-6.1f\n", r->writers,
		       (long long)r->events, (unsigned long long)r->io.commits, batch, sx, raw,
		       raw > 0 ? sx / raw : 0.0, sx_cpu, raw_cpu);
	}
	if (b->is_pg) {
		/* No fsync figures on PostgreSQL (bench__pg_snapshot). */
		printf("\n%7s %21s %21s\n", "writers", "commits sx:raw", "WAL KiB/commit sx:raw");
		for (int i = 0; i < b->result_count; i++) {
			const struct bench_result *r = &b->results[i];
			char commits[48], wal[32];

			snprintf(commits, sizeof(commits), "%llu:%llu",
				 (unsigned long long)r->io.commits,
				 (unsigned long long)r->raw_io.commits);
			snprintf(wal, sizeof(wal), "%.1f:%.1f",
				 bench__div((double)r->io.wal_bytes / 1024.0,
					    (double)r->io.commits),
				 bench__div((double)r->raw_io.wal_bytes / 1024.0,
					    (double)r->raw_io.commits));
			printf("%7d %21s %21s\n", r->writers, commits, wal);
		}
		printf("(commits: commit records in the WAL, pg_walinspect; CPU us/ev is this "
		       "process only, the server's backends are not counted)\n");
	} else {
		bench__print_disk_table(b);
	}
	printf("\n");
	for (int i = 0; i < b->result_count; i++) {
		const struct bench_result *r = &b->results[i];
		double sx = bench__rate(r->events, r->seconds);
		double raw = bench__rate(r->raw_events, r->raw_seconds);
		bool rate_met = sx >= BENCH_TARGET_EVENTS_PER_S;
		bool ratio_met = raw > 0 && sx / raw >= BENCH_TARGET_RATIO;

		printf("target W=%d: %.0f ev/s %s 20000; ratio %.2f %s 0.50 -> %s\n", r->writers,
		       sx, rate_met ? ">=" : "<", bench__div(sx, raw), ratio_met ? ">=" : "<",
		       rate_met && ratio_met ? "met" : "NOT met");
	}
}

/* The SQLite table of fsyncs and WAL bytes, both sides, from the counting VFS. */
static void bench__print_disk_table(const struct bench *b)
{
	printf("\n%7s %21s %21s %21s %21s\n", "writers", "fsyncs WAL+db sx:raw",
	       "ms in fsync sx:raw", "fsync share sx:raw", "WAL KiB/commit sx:raw");
	for (int i = 0; i < b->result_count; i++) {
		const struct bench_result *r = &b->results[i];
		char syncs[32], in_sync[32], share[32], wal[32];

		snprintf(syncs, sizeof(syncs), "%llu+%llu:%llu+%llu",
			 (unsigned long long)r->io.wal_syncs, (unsigned long long)r->io.db_syncs,
			 (unsigned long long)r->raw_io.wal_syncs,
			 (unsigned long long)r->raw_io.db_syncs);
		snprintf(in_sync, sizeof(in_sync), "%.0f:%.0f", (double)r->io.sync_ns / 1e6,
			 (double)r->raw_io.sync_ns / 1e6);
		snprintf(share, sizeof(share), "%.0f%%:%.0f%%",
			 bench__div((double)r->io.sync_ns / 1e7, r->seconds),
			 bench__div((double)r->raw_io.sync_ns / 1e7, r->raw_seconds));
		snprintf(wal, sizeof(wal), "%.1f:%.1f",
			 bench__div((double)r->io.wal_bytes / 1024.0, (double)r->io.commits),
			 bench__div((double)r->raw_io.wal_bytes / 1024.0,
				    (double)r->raw_io.commits));
		printf("%7d %21s %21s %21s %21s\n", r->writers, syncs, in_sync, share, wal);
	}
}

/* ---- HTTP ---- */

/* Runs argv to completion with stdout and stderr appended to log_path. */
static int bench__spawn(pid_t *out, char *const argv[], const char *log_path)
{
	posix_spawn_file_actions_t fa;
	int src;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return SX_ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	src = posix_spawn(out, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (src != 0) {
		fprintf(stderr, "bench_ledger_append: cannot run %s: %s\n", argv[0], strerror(src));
		return SX_EIO;
	}
	return 0;
}

static int bench__run_command(char *const argv[], const char *log_path)
{
	pid_t pid;
	int status = 0;
	int rc;

	if ((rc = bench__spawn(&pid, argv, log_path)) < 0)
		return rc;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return SX_EIO;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_ledger_append: `%s %s` failed (see %s)\n", argv[0], argv[1],
			log_path);
		return SX_EIO;
	}
	return 0;
}

struct bench_body {
	char data[BENCH_HTTP_BODY_MAX];
	size_t len;
};

static size_t bench__collect(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct bench_body *body = ctx;
	size_t n = size * nmemb;
	size_t room = sizeof(body->data) - 1 - body->len;
	size_t take = n < room ? n : room;

	memcpy(body->data + body->len, ptr, take);
	body->len += take;
	body->data[body->len] = '\0';
	return n;
}

struct bench_login {
	char session[128];                /* the sx_session cookie's value */
	char csrf[128];
	char agency_id[64];
};

static size_t bench__login_header(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	static const char prefix[] = "set-cookie: sx_session=";
	struct bench_login *login = ctx;
	size_t n = size * nmemb;
	size_t plen = sizeof(prefix) - 1;

	if (n > plen && strncasecmp(ptr, prefix, plen) == 0) {
		const char *v = ptr + plen;
		size_t len = 0;

		while (plen + len < n && v[len] != ';' && v[len] != '\r' && v[len] != '\n')
			len++;
		if (len < sizeof(login->session)) {
			memcpy(login->session, v, len);
			login->session[len] = '\0';
		}
	}
	return n;
}

static int bench__copy_json_string(char *out, size_t out_size, json_t *v)
{
	const char *s = json_string_value(v);

	if (s == NULL || strlen(s) >= out_size)
		return SX_EINVALID;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int bench__login(struct bench_login *out, const char *base_url)
{
	struct curl_slist *headers = NULL;
	struct bench_body body;
	char url[256];
	json_t *root = NULL, *user = NULL;
	long status = 0;
	CURL *c = NULL;
	int rc = SX_EIO;
	char login_body[128];

	memset(out, 0, sizeof(*out));
	memset(&body, 0, sizeof(body));
	snprintf(url, sizeof(url), "%s/api/v1/session", base_url);
	snprintf(login_body, sizeof(login_body), "{\"username\":\"admin\",\"password\":\"%s\"}",
		 SERVICE_DEMO_PASSWORD);
	if ((c = curl_easy_init()) == NULL)
		return SX_ENOMEM;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, login_body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench__collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, bench__login_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (curl_easy_perform(c) != CURLE_OK)
		goto cleanup;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 201 || out->session[0] == '\0')
		goto cleanup;
	root = json_loadb(body.data, body.len, 0, NULL);
	user = root ? json_object_get(root, "user") : NULL;
	if (root == NULL ||
	    bench__copy_json_string(out->csrf, sizeof(out->csrf),
				    json_object_get(root, "csrf_token")) < 0 ||
	    bench__copy_json_string(out->agency_id, sizeof(out->agency_id),
				    json_object_get(user, "agency_id")) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (rc < 0)
		fprintf(stderr, "bench_ledger_append: admin login failed (HTTP %ld): %.200s\n",
			status, body.data);
	json_decref(root);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return rc;
}

enum bench_http_path {
	BENCH_HTTP_CREATE_USER = 1,       /* POST /api/v1/users */
	BENCH_HTTP_DISABLE_USER,          /* POST /api/v1/users/officer2/disable */
};

struct bench_http_shared {
	const char *base_url;
	const struct bench_login *login;
	enum bench_http_path path;
	int config;                       /* tells usernames of different runs apart */
	struct bench_gate start;
	double deadline;
};

struct bench_http_worker {
	struct bench_http_shared *shared;
	int id;
	int64_t ok;
	int64_t failed;
	long first_status;                /* of the first failure; 0 = transport error */
	char first_error[160];
};

static void *bench__http_main(void *arg)
{
	struct bench_http_worker *w = arg;
	struct bench_http_shared *s = w->shared;
	struct curl_slist *headers = NULL;
	char url[256], cookie[192], csrf[192], body[512];
	struct bench_body resp;
	long expected;
	CURL *c = curl_easy_init();

	snprintf(cookie, sizeof(cookie), "sx_session=%s", s->login->session);
	snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", s->login->csrf);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, csrf);
	headers = curl_slist_append(headers, "Expect:");
	if (s->path == BENCH_HTTP_CREATE_USER) {
		snprintf(url, sizeof(url), "%s/api/v1/users", s->base_url);
		expected = 201;
	} else {
		snprintf(url, sizeof(url), "%s/api/v1/users/officer2/disable", s->base_url);
		expected = 200;
	}
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench__collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	}
	bench__gate_wait(&s->start);
	for (int64_t n = 0; c && headers && bench__now_s() < s->deadline; n++) {
		long status = 0;
		CURLcode cc;

		if (s->path == BENCH_HTTP_CREATE_USER)
			snprintf(body, sizeof(body),
				 "{\"username\":\"b%dc%dn%lld\",\"display_name\":\"压测用户\","
				 "\"password\":\"Bench-pass-2026\",\"role\":\"officer\","
				 "\"agency_id\":\"%s\"}",
				 s->config, w->id, (long long)n, s->login->agency_id);
		else
			snprintf(body, sizeof(body), "{}");
		resp.len = 0;
		resp.data[0] = '\0';
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		cc = curl_easy_perform(c);
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cc == CURLE_OK && status == expected) {
			w->ok++;
			continue;
		}
		if (w->failed++ == 0) {
			w->first_status = status;
			/* A failure's first bytes are enough to tell what went wrong. */
			snprintf(w->first_error, sizeof(w->first_error), "%.*s",
				 (int)sizeof(w->first_error) - 1,
				 cc == CURLE_OK ? resp.data : curl_easy_strerror(cc));
		}
	}
	if (c == NULL || headers == NULL) {
		w->failed++;
		snprintf(w->first_error, sizeof(w->first_error), "curl set-up failed");
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return NULL;
}

struct bench_http_result {
	int64_t ok, failed;
	double seconds;
};

static int bench__http_run(struct bench_http_result *out, struct bench_http_shared *s,
			   int connections, double seconds)
{
	struct bench_http_worker *w = sx_calloc((size_t)connections, sizeof(*w));
	pthread_t *threads = sx_calloc((size_t)connections, sizeof(*threads));
	int started = 0;
	double t0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	bench__gate_init(&s->start);
	if (w == NULL || threads == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < connections; i++) {
		w[i].shared = s;
		w[i].id = i;
		if (pthread_create(&threads[i], NULL, bench__http_main, &w[i]) != 0) {
			rc = SX_EINTERNAL;
			break;
		}
		started++;
	}
	t0 = bench__now_s();
	/* A failed start still releases the threads made, with a deadline passed. */
	s->deadline = rc == 0 ? t0 + seconds : 0.0;
	bench__gate_open(&s->start);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	out->seconds = bench__now_s() - t0;
	for (int i = 0; i < started; i++) {
		out->ok += w[i].ok;
		out->failed += w[i].failed;
		if (w[i].failed && rc == 0) {
			fprintf(stderr,
				"bench_ledger_append: HTTP connection %d: %lld failures, "
				"first HTTP %ld: %s\n",
				i, (long long)w[i].failed, w[i].first_status, w[i].first_error);
			rc = SX_EIO;
		}
	}
cleanup:
	bench__gate_destroy(&s->start);
	sx_free(w);
	sx_free(threads);
	return rc;
}

static int bench__wait_ready(int *port, const char *ready_path, pid_t server)
{
	for (long waited = 0; waited < BENCH_READY_WAIT_MS; waited += 20) {
		FILE *f = fopen(ready_path, "r");
		int status;

		if (f) {
			char line[32];
			long v = 0;

			if (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\r\n")] = '\0';
				if (bench__parse_long(&v, line, 1, 65535) == 0) {
					fclose(f);
					*port = (int)v;
					return 0;
				}
			}
			fclose(f);
		}
		if (waitpid(server, &status, WNOHANG) == server) {
			fprintf(stderr, "bench_ledger_append: `sanxiang serve` exited early\n");
			return SX_EIO;
		}
		bench__sleep_ms(20);
	}
	fprintf(stderr, "bench_ledger_append: `sanxiang serve` not ready after %d ms\n",
		BENCH_READY_WAIT_MS);
	return SX_EIO;
}

static void bench__stop_server(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int bench__http(struct bench *b)
{
	char db[BENCH_PATH_MAX], log_path[BENCH_PATH_MAX], ready[BENCH_PATH_MAX];
	char key_dir[BENCH_PATH_MAX];
	char threads_text[16], base_url[64];
	const char *bin = b->opt.sanxiang;
	struct bench_login login;
	struct bench_http_shared shared;
	pid_t server = -1;
	int port = 0;
	int rc;

	/* A file in the temporary folder on SQLite, a conninfo on PostgreSQL (bench__setup). */
	if (snprintf(db, sizeof(db), "%s", b->http_dsn) >= (int)sizeof(db))
		return SX_ETOOBIG;
	if ((rc = bench__path(log_path, b->dir, "serve.log")) < 0 ||
	    (rc = bench__path(ready, b->dir, "serve.port")) < 0 ||
	    (rc = bench__path(key_dir, b->dir, "http.db.keys")) < 0)
		return rc;
	{
		/* --key-dir: the default "<db>.keys" means nothing for a conninfo. */
		char *const init_argv[] = {(char *)bin, "init", "--db", db, "--key-dir", key_dir,
					   NULL};
		char *const demo_argv[] = {(char *)bin, "demo", "--db", db, NULL};

		if ((rc = bench__run_command(init_argv, log_path)) < 0 ||
		    (rc = bench__run_command(demo_argv, log_path)) < 0)
			return rc;
	}
	snprintf(threads_text, sizeof(threads_text), "%d", b->opt.serve_threads);
	{
		char *serve_argv[14];
		int n = 0;

		serve_argv[n++] = (char *)bin;
		serve_argv[n++] = "serve";
		serve_argv[n++] = "--db";
		serve_argv[n++] = db;
		serve_argv[n++] = "--listen";
		serve_argv[n++] = "127.0.0.1:0";
		serve_argv[n++] = "--ready-file";
		serve_argv[n++] = ready;
		serve_argv[n++] = "--key-dir";
		serve_argv[n++] = key_dir;
		if (b->opt.serve_threads) {
			serve_argv[n++] = "--threads";
			serve_argv[n++] = threads_text;
		}
		serve_argv[n] = NULL;
		if ((rc = bench__spawn(&server, serve_argv, log_path)) < 0)
			return rc;
	}
	if ((rc = bench__wait_ready(&port, ready, server)) < 0)
		goto cleanup;
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", port);
	if ((rc = bench__login(&login, base_url)) < 0)
		goto cleanup;

	printf("\nOver HTTP: `sanxiang serve` (%s worker threads) on 127.0.0.1, client threads "
	       "with one keep-alive libcurl connection each, on the same %ld CPUs; %.1f s per "
	       "line\n",
	       b->opt.serve_threads ? threads_text : "default", sysconf(_SC_NPROCESSORS_ONLN),
	       b->opt.http_seconds);
	printf("each request appends one ledger event in its own write transaction\n\n");
	printf("%-50s %5s %8s %9s %12s %12s\n", "request", "conns", "requests", "req/s",
	       "in-proc ev/s", "HTTP:in-proc");
	memset(&shared, 0, sizeof(shared));
	shared.base_url = base_url;
	shared.login = &login;
	for (int p = 0; p < 2; p++) {
		enum bench_http_path path =
			p == 0 ? BENCH_HTTP_CREATE_USER : BENCH_HTTP_DISABLE_USER;
		const char *label = p == 0 ? "POST /api/v1/users (user creations, argon2-bound)"
					   : "POST /api/v1/users/:id/disable";

		for (int i = 0; i < b->opt.writer_configs; i++) {
			struct bench_http_result r;
			int conns = b->opt.writers[i];
			double in_proc = 0.0;
			double rate;

			shared.path = path;
			shared.config = p * BENCH_MAX_CONFIGS + i;
			if ((rc = bench__http_run(&r, &shared, conns, b->opt.http_seconds)) < 0)
				goto cleanup;
			for (int k = 0; k < b->result_count; k++)
				if (b->results[k].writers == conns)
					in_proc = bench__rate(b->results[k].events,
							      b->results[k].seconds);
			rate = bench__rate(r.ok, r.seconds);
			printf("%-50s %5d %8lld %9.1f %12.0f %12.3f\n", label, conns,
			       (long long)r.ok, rate, in_proc, bench__div(rate, in_proc));
			fflush(stdout);
		}
	}
	printf("(no cheaper HTTP route records a ledger event: every other write route either "
	       "hashes a password or needs a fresh login)\n");
cleanup:
	bench__stop_server(server);
	return rc;
}

int main(int argc, char **argv)
{
	struct bench *b = NULL;
	int64_t appended = 0;
	int rc;

	b = sx_calloc(1, sizeof(*b));
	if (b == NULL)
		return 1;
	if ((rc = bench__parse_args(&b->opt, argc, argv)) != 0) {
		sx_free(b);
		return rc;
	}
	b->is_pg = b->opt.pg != NULL;
	/* Before any connection exists: every database opened from here on is counted. */
	if ((rc = bench__vfs_install(&b->vfs)) < 0) {
		fprintf(stderr, "bench_ledger_append: cannot install the counting VFS\n");
		goto cleanup;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		rc = SX_EINTERNAL;
		goto cleanup;
	}
	if ((rc = bench__setup(b)) < 0)
		goto cleanup;
	b->fsync_idle_ms = bench__fsync_ms(b);
	if (b->opt.keep_awake) {
		bench__spinners_start(b);
		b->fsync_awake_ms = bench__fsync_ms(b);
	}
	bench__print_machine(b);
	for (int i = 0; i < b->opt.writer_configs; i++) {
		struct bench_result *r = &b->results[b->result_count];
		int w = b->opt.writers[i];
		int64_t per_round = b->opt.max_events / b->opt.rounds;

		memset(r, 0, sizeof(*r));
		r->writers = w;
		fprintf(stderr,
			"bench_ledger_append: %d writer(s), %d round(s) of sanxiang then raw\n", w,
			b->opt.rounds);
		for (int k = 0; k < b->opt.rounds; k++) {
			struct bench_result one;

			memset(&one, 0, sizeof(one));
			if ((rc = bench__run_sanxiang(&one, b, w, per_round > 0 ? per_round : 1,
						      b->opt.seconds / b->opt.rounds)) < 0)
				goto cleanup;
			rc = b->is_pg ? bench__run_raw_pg(&one, b, w, one.events, one.io.commits)
				      : bench__run_raw(&one, b, w, one.events, one.io.commits);
			if (rc < 0)
				goto cleanup;
			if (one.raw_io.commits != one.io.commits)
				fprintf(stderr,
					"bench_ledger_append: warning: W=%d raw made %llu commits, "
					"sanxiang %llu\n",
					w, (unsigned long long)one.raw_io.commits,
					(unsigned long long)one.io.commits);
			bench__accumulate(r, &one);
		}
		appended += r->events;
		b->result_count++;
	}
	bench__print_in_process(b);
	if ((rc = bench__verify(b, appended)) < 0)
		goto cleanup;
	fflush(stdout);
	if (b->opt.sanxiang) {
		if ((rc = bench__http(b)) < 0)
			goto cleanup;
	} else {
		printf("\nOver HTTP: skipped (give --sanxiang PATH or set SANXIANG_BIN)\n");
	}
cleanup:
	bench__teardown(b);
	curl_global_cleanup();
	sqlite3_vfs_unregister(&b->vfs.vfs);
	sx_free(b);
	return rc < 0 ? 1 : 0;
}
