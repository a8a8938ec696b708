/*
 * bench/evidence_upload — a large evidence upload over HTTP (docs/evidence-upload.md), against
 * `openssl dgst -sm3` reading the same file in the same run, and the server's peak memory.
 *
 * Target (DESIGN.md "Performance targets"): evidence upload of a 2 GiB file, hashing SHA-256
 * and SM3 in one pass, at ≥ 70 % of `openssl dgst -sm3` speed; server memory stays < 64 MiB
 * during the upload.
 *
 * Steps:
 *   1. A fresh folder under --dir; in it a test file of --size bytes (a xorshift64 stream, not
 *      random in any cryptographic sense, written in 1 MiB blocks and fsynced, so that no
 *      writeback of it overlaps the runs). The server's database and blobs go to the same
 *      folder, so the file is read from and the evidence written to the same filesystem.
 *   2. `sanxiang init` + `demo` + `serve --listen 127.0.0.1:0 --ready-file …` (on PostgreSQL
 *      with --db: a database sx_bench_<pid>_upload made and dropped by the bench, plus
 *      --key-dir and --blob-dir in the folder, as the integration tests do). Log in as the
 *      demo officer, open a case with a second officer of his agency (POST /api/v1/cases),
 *      create an upload of --size bytes (POST /api/v1/cases/:id/uploads).
 *   3. The baseline: `openssl dgst -sm3 FILE`, then `openssl dgst -sha256 FILE` (for
 *      information), each timed from spawn to exit with the monotonic clock.
 *   4. PUT /api/v1/uploads/:id with libcurl reading the file (one PUT, or --chunk bytes per
 *      PUT on one keep-alive connection; Expect: 100-continue off), timed from the first byte
 *      handed to libcurl to the 201. Meanwhile a thread samples the server's VmRSS every
 *      100 ms; VmHWM (the kernel's peak) is read at the end.
 *   5. The 201's sha256 and sm3 must equal what openssl printed in step 3: the upload counts
 *      only if the server stored the very bytes of the file.
 *
 * The upload figure is end to end: HTTP over loopback, the server's SHA-256 + SM3, its writes,
 * the fsync of the whole file and the commit of the evidence row and ledger event. openssl
 * only reads and hashes. Both read the test file through the page cache (it is warm when
 * it fits in RAM: the `memory:` line says whether it does).
 *
 * Output: figures on stdout, progress and errors on stderr. Exit 0 when the run completed
 * (met or not: targets are reported, not asserted), 1 on a failure, 2 on a usage error.
 *
 * Does not: drop the page cache, pin CPUs, or assert a speed in a test (benchmarks are not
 * tests; docs/benchmarks.md records the results).
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <mntent.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/mem.h"
#include "domain/idcheck.h"
#include "service/demo.h"
#include "store/db.h"

extern char **environ;

#define BENCH_NAME "bench_evidence_upload"
#define BENCH_PATH_MAX 4096
#define BENCH_DEFAULT_SIZE_BYTES 2147483648ULL          /* 2 GiB, as DESIGN.md's target */
#define BENCH_MAX_SIZE_BYTES (1ULL << 40)               /* serve --max-evidence-bytes' own cap */
#define BENCH_SERVER_DEFAULT_MAX_BYTES (4ULL << 30)     /* serve's default --max-evidence-bytes */
#define BENCH_BLOCK_BYTES (1024 * 1024)                 /* test file written in these */
#define BENCH_UPLOAD_BUFFER_BYTES (512 * 1024)          /* libcurl's upload buffer */
#define BENCH_SPARE_BYTES (256ULL * 1024 * 1024)        /* free space kept beyond file + blob */
#define BENCH_READY_WAIT_MS 15000
#define BENCH_RSS_SAMPLE_MS 100
#define BENCH_BODY_MAX (1024 * 1024)                    /* largest JSON answer read */
#define BENCH_HEX_LEN 64                                /* SHA-256 and SM3 digests in hex */
#define BENCH_TARGET_RATIO 0.70
#define BENCH_TARGET_RSS_MIB 64.0
#define BENCH_PG_BUSY_MS 60000
#define BENCH_DEMO_CERT "33010020260001"                /* 张明, the demo user "officer" */
#define BENCH_MATTER "330100-SJ-CF-001"                 /* a penalty matter of the demo data */
#define BENCH_MIB (1024.0 * 1024.0)
#define BENCH_MB 1e6                                    /* MB/s figures are 10^6 bytes/s */

/* ---- options ---- */

struct bench_options {
	uint64_t size_bytes;          /* the test file and the upload; 1..BENCH_MAX_SIZE_BYTES */
	uint64_t chunk_bytes;         /* bytes per PUT; 0 = the whole file in one PUT */
	const char *dir;              /* parent of the temporary folder */
	const char *sanxiang;         /* the sanxiang binary; required */
	const char *pg;               /* --db: a PostgreSQL keyword conninfo; NULL = SQLite */
	bool keep;                    /* keep the temporary folder (and database) */
};

/* "2147483648", "256M", "2G", "512k": a byte count with an optional binary suffix K, M, G or
 * T (case-insensitive). SX_EINVALID for anything else, 0, or more than max. */
static int bench__parse_bytes(uint64_t *out, const char *text, bool zero_ok, uint64_t max)
{
	char *end = NULL;
	unsigned long long v;
	unsigned shift = 0;

	if (text[0] < '0' || text[0] > '9')
		return SX_EINVALID;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || end == text)
		return SX_EINVALID;
	if (*end != '\0') {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return SX_EINVALID;
		}
		if (end[1] != '\0')
			return SX_EINVALID;
	}
	if (v > (max >> shift))
		return SX_EINVALID;
	v <<= shift;
	if (v == 0 && !zero_ok)
		return SX_EINVALID;
	*out = v;
	return 0;
}

static void bench__usage(FILE *to)
{
	fprintf(to,
		"usage: " BENCH_NAME " [--size BYTES] [--chunk BYTES] [--dir DIR]\n"
		"                             [--sanxiang PATH] [--keep] [--db CONNINFO]\n"
		"\n"
		"  --size BYTES      size of the test file and the upload; suffixes K, M, G, T\n"
		"                    (binary) are accepted (2G = 2147483648, the default)\n"
		"  --chunk BYTES     bytes per PUT, on one keep-alive connection; 0 = the whole\n"
		"                    file in one PUT (the default)\n"
		"  --dir DIR         where the temporary folder goes ($TMPDIR, else /var/tmp): the\n"
		"                    test file, the database and the evidence blobs are all there,\n"
		"                    so put it on the filesystem you want to measure; it needs\n"
		"                    twice --size free\n"
		"  --sanxiang PATH   the sanxiang binary ($SANXIANG_BIN)\n"
		"  --keep            keep the temporary folder (and the PostgreSQL database)\n"
		"  --db CONNINFO     run the server on PostgreSQL: a libpq keyword string naming\n"
		"                    a server and a database to connect to, as a role that may\n"
		"                    CREATE DATABASE; the bench makes sx_bench_<pid>_upload there\n"
		"                    and drops it at the end; blobs and keys stay in the folder\n");
}

/* 0, or 2 for a usage error (already reported). */
static int bench__parse_args(struct bench_options *opt, int argc, char **argv)
{
	const char *env_bin = getenv("SANXIANG_BIN");
	const char *env_tmp = getenv("TMPDIR");

	memset(opt, 0, sizeof(*opt));
	opt->size_bytes = BENCH_DEFAULT_SIZE_BYTES;
	opt->dir = env_tmp && env_tmp[0] ? env_tmp : "/var/tmp";
	opt->sanxiang = env_bin && env_bin[0] ? env_bin : NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = 0;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			bench__usage(stdout);
			exit(0);
		} else if (strcmp(a, "--keep") == 0) {
			opt->keep = true;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, BENCH_NAME ": %s needs a value (see --help)\n", a);
			return 2;
		}
		if (strcmp(a, "--size") == 0) {
			rc = bench__parse_bytes(&opt->size_bytes, v, false, BENCH_MAX_SIZE_BYTES);
		} else if (strcmp(a, "--chunk") == 0) {
			rc = bench__parse_bytes(&opt->chunk_bytes, v, true, BENCH_MAX_SIZE_BYTES);
		} else if (strcmp(a, "--dir") == 0) {
			opt->dir = v;
		} else if (strcmp(a, "--sanxiang") == 0) {
			opt->sanxiang = v;
		} else if (strcmp(a, "--db") == 0) {
			/* Keyword form only: the bench appends " dbname=..." to it. */
			rc = db_dsn_is_postgresql(v) && strstr(v, "://") == NULL ? 0 : SX_EINVALID;
			opt->pg = v;
		} else {
			fprintf(stderr, BENCH_NAME ": unknown argument %s (see --help)\n", a);
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr, BENCH_NAME ": bad value for %s: %s\n", a, v);
			return 2;
		}
		i++;
	}
	if (opt->chunk_bytes >= opt->size_bytes)
		opt->chunk_bytes = 0; /* one PUT either way */
	if (opt->sanxiang == NULL) {
		fprintf(stderr, BENCH_NAME ": no sanxiang binary: give --sanxiang PATH or set "
				"SANXIANG_BIN\n");
		return 2;
	}
	return 0;
}

/* ---- the run's state ---- */

struct bench {
	struct bench_options opt;
	char dir[BENCH_PATH_MAX];         /* the temporary folder; "" until made */
	char file_path[BENCH_PATH_MAX];   /* the test file */
	char log_path[BENCH_PATH_MAX];    /* init, demo and serve write here */
	char dsn[BENCH_PATH_MAX];         /* --db of init/demo/serve: a file or a conninfo */
	char key_dir[BENCH_PATH_MAX];     /* PostgreSQL only: --key-dir */
	char blob_dir[BENCH_PATH_MAX];    /* PostgreSQL only: --blob-dir */
	struct db *pg_admin;              /* PostgreSQL: the --db connection; else NULL */
	char pg_name[64];                 /* the database the bench made; "" = none */
	pid_t server;                     /* `sanxiang serve`; -1 = not running */
	char base_url[64];                /* http://127.0.0.1:<port> */
	CURL *curl;                       /* one keep-alive connection for every request */
	char session[128];                /* sx_session cookie value */
	char csrf[128];
	char case_id[64];
	char upload_id[64];
	char *body;                       /* the last answer, NUL-terminated; BENCH_BODY_MAX */
	size_t body_len;
	bool body_truncated;              /* the answer was longer than BENCH_BODY_MAX - 1 */
};

static double bench__now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench__sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int bench__path(char *out, const char *dir, const char *name)
{
	if (snprintf(out, BENCH_PATH_MAX, "%s/%s", dir, name) >= BENCH_PATH_MAX)
		return SX_ETOOBIG;
	return 0;
}

static int bench__report(int rc, const char *what, const struct sx_error *err)
{
	fprintf(stderr, BENCH_NAME ": %s: %s (%s) %s\n", what, sx_errno_code(rc),
		err && err->message[0] ? err->message : "", err ? err->detail : "");
	return rc;
}

/* ---- processes ---- */

/*
 * Starts argv (argv[0] looked up in PATH when search_path) with stdout to out_path (truncated)
 * or, when out_path is NULL, to log_path, and stderr to log_path (appended).
 */
static int bench__spawn(pid_t *out, char *const argv[], bool search_path, const char *out_path,
			const char *log_path)
{
	posix_spawn_file_actions_t fa;
	int src;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return SX_ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 2, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (out_path)
		posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC,
						 0600);
	else
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	src = search_path ? posix_spawnp(out, argv[0], &fa, NULL, argv, environ)
			  : posix_spawn(out, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (src != 0) {
		fprintf(stderr, BENCH_NAME ": cannot run %s: %s\n", argv[0], strerror(src));
		return SX_EIO;
	}
	return 0;
}

/* Waits for pid; its CPU time into *cpu_s when not NULL. SX_EIO unless it exited 0. */
static int bench__wait(pid_t pid, double *cpu_s, char *const argv[], const char *log_path)
{
	struct rusage ru;
	int status = 0;

	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR)
			return SX_EIO;
	}
	if (cpu_s)
		*cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, BENCH_NAME ": `%s %s` failed (see %s)\n", argv[0], argv[1],
			log_path);
		return SX_EIO;
	}
	return 0;
}

static int bench__run_command(char *const argv[], const char *log_path)
{
	pid_t pid;
	int rc;

	if ((rc = bench__spawn(&pid, argv, false, NULL, log_path)) < 0)
		return rc;
	return bench__wait(pid, NULL, argv, log_path);
}

/* ---- machine and filesystem ---- */

/* The first line of `openssl version` into out ("?" when it cannot be run). */
static void bench__openssl_version(char *out, size_t out_size, struct bench *b)
{
	char *const argv[] = {"openssl", "version", NULL};
	char path[BENCH_PATH_MAX];
	pid_t pid;
	FILE *f;

	snprintf(out, out_size, "?");
	if (bench__path(path, b->dir, "openssl-version.out") < 0 ||
	    bench__spawn(&pid, argv, true, path, b->log_path) < 0 ||
	    bench__wait(pid, NULL, argv, b->log_path) < 0)
		return;
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(out, (int)out_size, f) == NULL)
		snprintf(out, out_size, "?");
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* The mount (device and type) holding path: the longest mount point that prefixes it. */
static void bench__filesystem(char *out, size_t out_size, const char *path)
{
	char real[PATH_MAX];
	char buf[4096];
	struct mntent ent;
	size_t best = 0;
	FILE *f;

	snprintf(out, out_size, "?");
	if (realpath(path, real) == NULL || (f = setmntent("/proc/self/mounts", "r")) == NULL)
		return;
	while (getmntent_r(f, &ent, buf, sizeof(buf)) != NULL) {
		size_t len = strlen(ent.mnt_dir);
		bool under = strncmp(real, ent.mnt_dir, len) == 0 &&
			     (len == 1 || real[len] == '\0' || real[len] == '/');

		if (under && len >= best) {
			best = len;
			snprintf(out, out_size, "%s (%s, mounted on %s)", ent.mnt_fsname,
				 ent.mnt_type, ent.mnt_dir);
		}
	}
	endmntent(f);
}

/* A "Key:   N kB" line of a /proc file, in KiB; -1 when absent. */
static long bench__proc_kib(const char *path, const char *key)
{
	char line[256];
	size_t key_len = strlen(key);
	long kib = -1;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
			kib = strtol(line + key_len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

static void bench__print_machine(struct bench *b)
{
	char model[256] = "unknown";
	char line[512], fs[BENCH_PATH_MAX], openssl[256];
	long total_kib = bench__proc_kib("/proc/meminfo", "MemTotal");
	long avail_kib = bench__proc_kib("/proc/meminfo", "MemAvailable");
	double size_mib = (double)b->opt.size_bytes / BENCH_MIB;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			const char *colon = strchr(line, ':');
			size_t len;

			if (strncmp(line, "model name", 10) != 0 || colon == NULL)
				continue;
			for (colon++; *colon == ' ' || *colon == '\t'; colon++)
				;
			len = strcspn(colon, "\n");
			if (len >= sizeof(model))
				len = sizeof(model) - 1;
			memcpy(model, colon, len);
			model[len] = '\0';
			break;
		}
		fclose(f);
	}
	bench__filesystem(fs, sizeof(fs), b->dir);
	bench__openssl_version(openssl, sizeof(openssl), b);
	printf("machine: %ld online CPUs, %s; %s\n", sysconf(_SC_NPROCESSORS_ONLN), model,
	       openssl);
	printf("files: %s on %s (test file, %s and evidence blobs on the same filesystem)\n",
	       b->dir, fs, b->opt.pg ? "keys" : "SQLite database");
	if (b->opt.pg)
		printf("database: PostgreSQL, database %s made by the bench on %s\n", b->pg_name,
		       b->opt.pg);
	printf("memory: %.0f MiB RAM, %.0f MiB available: the %.0f MiB test file %s\n",
	       (double)total_kib / 1024.0, (double)avail_kib / 1024.0, size_mib,
	       avail_kib > 0 && size_mib * 2 < (double)avail_kib / 1024.0
		       ? "stays in the page cache: openssl and the upload both read it from memory"
		       : "may not stay in the page cache: reads may go to the disk");
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			printf("load average at start (other work on this machine): %s", line);
		fclose(f);
	}
	fflush(stdout);
}

/* ---- setup and teardown ---- */

static int bench__pg_setup(struct bench *b)
{
	struct sx_error err;
	char sql[192];
	int rc;

	sx_error_clear(&err);
	if ((rc = db_open(&b->pg_admin, b->opt.pg, DB_OPEN_READ_WRITE, false, BENCH_PG_BUSY_MS,
			  &err)) < 0)
		return bench__report(rc, "connect to --db", &err);
	snprintf(b->pg_name, sizeof(b->pg_name), "sx_bench_%ld_upload", (long)getpid());
	/* As docs/postgresql.md asks: UTF8 (required), collation C (bytes, as SQLite). */
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
		 "LC_CTYPE 'C'",
		 b->pg_name);
	if ((rc = db_exec(b->pg_admin, sql, &err)) < 0) {
		b->pg_name[0] = '\0';
		return bench__report(rc, "CREATE DATABASE", &err);
	}
	if (snprintf(b->dsn, sizeof(b->dsn), "%s dbname=%s", b->opt.pg, b->pg_name) >=
	    (int)sizeof(b->dsn))
		return SX_ETOOBIG;
	if ((rc = bench__path(b->key_dir, b->dir, "keys")) < 0 ||
	    (rc = bench__path(b->blob_dir, b->dir, "blobs")) < 0)
		return rc;
	return 0;
}

static int bench__setup(struct bench *b)
{
	char pattern[BENCH_PATH_MAX];
	int rc;

	if (snprintf(pattern, sizeof(pattern), "%s/sanxiang-bench-upload-XXXXXX", b->opt.dir) >=
	    (int)sizeof(pattern))
		return SX_ETOOBIG;
	if (mkdtemp(pattern) == NULL) {
		fprintf(stderr, BENCH_NAME ": mkdtemp in %s: %s\n", b->opt.dir, strerror(errno));
		return SX_EIO;
	}
	snprintf(b->dir, sizeof(b->dir), "%s", pattern);
	if ((rc = bench__path(b->file_path, b->dir, "evidence.bin")) < 0 ||
	    (rc = bench__path(b->log_path, b->dir, "sanxiang.log")) < 0 ||
	    (rc = bench__path(b->dsn, b->dir, "sanxiang.db")) < 0)
		return rc;
	if (b->opt.pg && (rc = bench__pg_setup(b)) < 0)
		return rc;
	return 0;
}

/* Removes dir and everything below it, depth levels of folders deep at most. */
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

static void bench__stop_server(struct bench *b)
{
	int status;

	if (b->server <= 0)
		return;
	kill(b->server, SIGTERM);
	while (waitpid(b->server, &status, 0) < 0 && errno == EINTR)
		;
	b->server = -1;
}

static void bench__teardown(struct bench *b)
{
	bench__stop_server(b);
	if (b->curl) {
		curl_easy_cleanup(b->curl);
		b->curl = NULL;
	}
	if (b->pg_admin && b->pg_name[0]) {
		struct sx_error err;
		char sql[128];

		sx_error_clear(&err);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", b->pg_name);
		if (b->opt.keep)
			fprintf(stderr, BENCH_NAME ": kept database %s\n", b->pg_name);
		else if (db_exec(b->pg_admin, sql, &err) < 0)
			fprintf(stderr, BENCH_NAME ": could not drop %s: %s\n", b->pg_name,
				err.detail);
	}
	db_close(b->pg_admin);
	b->pg_admin = NULL;
	if (b->dir[0] == '\0')
		return;
	if (b->opt.keep)
		fprintf(stderr, BENCH_NAME ": kept %s\n", b->dir);
	else if (bench__remove_tree(b->dir, 6) < 0)
		fprintf(stderr, BENCH_NAME ": could not remove all of %s\n", b->dir);
}

/* ---- the test file ---- */

/* Whether the folder has room for the test file, the server's copy of it, and some spare. */
static int bench__check_space(struct bench *b)
{
	struct statvfs vfs;
	uint64_t free_bytes;

	if (statvfs(b->dir, &vfs) < 0) {
		fprintf(stderr, BENCH_NAME ": statvfs %s: %s\n", b->dir, strerror(errno));
		return SX_EIO;
	}
	free_bytes = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
	if (free_bytes / 2 < b->opt.size_bytes + BENCH_SPARE_BYTES / 2) {
		fprintf(stderr,
			BENCH_NAME ": %s has %.0f MiB free; the test file and the server's copy "
				   "need %.0f MiB and more: give a smaller --size or another --dir\n",
			b->dir, (double)free_bytes / BENCH_MIB,
			2.0 * (double)b->opt.size_bytes / BENCH_MIB);
		return SX_ENOSPC;
	}
	return 0;
}

static int bench__write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return errno == ENOSPC ? SX_ENOSPC : SX_EIO;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Writes the test file: size bytes of a xorshift64 stream (Marsaglia 2003), 1 MiB per write,
 * then fsync, so that its writeback does not run during the timed reads.
 */
static int bench__write_file(struct bench *b)
{
	unsigned char *block = NULL;
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	uint64_t left = b->opt.size_bytes;
	double t0 = bench__now_s(), seconds;
	int fd = -1;
	int rc = 0;

	block = sx_malloc(BENCH_BLOCK_BYTES);
	if (block == NULL)
		return SX_ENOMEM;
	fd = open(b->file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = SX_EIO;
		goto done;
	}
	while (left > 0) {
		size_t n = left < BENCH_BLOCK_BYTES ? (size_t)left : BENCH_BLOCK_BYTES;

		for (size_t i = 0; i < BENCH_BLOCK_BYTES; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(block + i, &x, 8);
		}
		if ((rc = bench__write_all(fd, block, n)) < 0)
			goto done;
		left -= n;
	}
	if (fsync(fd) < 0)
		rc = SX_EIO;
done:
	if (rc < 0)
		fprintf(stderr, BENCH_NAME ": writing %s: %s\n", b->file_path, strerror(errno));
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = SX_EIO;
	sx_free(block);
	if (rc == 0) {
		seconds = bench__now_s() - t0;
		printf("test file: %.1f MiB of xorshift64 bytes written in 1 MiB blocks + fsync in "
		       "%.2f s (%.0f MB/s)\n",
		       (double)b->opt.size_bytes / BENCH_MIB, seconds,
		       (double)b->opt.size_bytes / BENCH_MB / seconds);
		fflush(stdout);
	}
	return rc;
}

/* ---- the baseline: openssl dgst ---- */

struct bench_digest {
	double seconds;                   /* wall time from spawn to exit */
	double cpu_s;                     /* the child's user + system time */
	char hex[BENCH_HEX_LEN + 1];      /* the digest it printed, lower case */
};

/* Whether text is BENCH_HEX_LEN lower-case hex digits. */
static bool bench__is_hex_digest(const char *text, size_t len)
{
	if (len != BENCH_HEX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return true;
}

/* `openssl dgst -<alg> FILE`, timed; its output is "NAME(FILE)= <hex>". */
static int bench__openssl_dgst(struct bench_digest *out, struct bench *b, const char *alg)
{
	char flag[16], out_path[BENCH_PATH_MAX], line[BENCH_PATH_MAX + 128];
	char *argv[] = {"openssl", "dgst", flag, b->file_path, NULL};
	const char *eq;
	size_t len;
	double t0;
	pid_t pid;
	FILE *f;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(flag, sizeof(flag), "-%s", alg);
	snprintf(line, sizeof(line), "openssl-%s.out", alg);
	if ((rc = bench__path(out_path, b->dir, line)) < 0)
		return rc;
	fprintf(stderr, BENCH_NAME ": openssl dgst %s\n", flag);
	t0 = bench__now_s();
	if ((rc = bench__spawn(&pid, argv, true, out_path, b->log_path)) < 0 ||
	    (rc = bench__wait(pid, &out->cpu_s, argv, b->log_path)) < 0)
		return rc;
	out->seconds = bench__now_s() - t0;
	f = fopen(out_path, "r");
	if (f == NULL)
		return SX_EIO;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	eq = strstr(line, ")= ");
	len = eq ? strlen(eq + 3) : 0;
	if (eq == NULL || !bench__is_hex_digest(eq + 3, len)) {
		fprintf(stderr, BENCH_NAME ": cannot read the digest in `openssl dgst %s` output: "
				"%.200s\n",
			flag, line);
		return SX_EIO;
	}
	memcpy(out->hex, eq + 3, BENCH_HEX_LEN + 1);
	return 0;
}

/* ---- the server ---- */

static int bench__wait_ready(int *port, const char *ready_path, pid_t server)
{
	for (long waited = 0; waited < BENCH_READY_WAIT_MS; waited += 20) {
		FILE *f = fopen(ready_path, "r");
		int status;

		if (f) {
			char line[32], *end = NULL;
			long v = 0;

			if (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\r\n")] = '\0';
				errno = 0;
				v = strtol(line, &end, 10);
				if (errno == 0 && end != line && *end == '\0' && v >= 1 &&
				    v <= 65535) {
					fclose(f);
					*port = (int)v;
					return 0;
				}
			}
			fclose(f);
		}
		if (waitpid(server, &status, WNOHANG) == server) {
			fprintf(stderr, BENCH_NAME ": `sanxiang serve` exited early\n");
			return SX_EIO;
		}
		bench__sleep_ms(20);
	}
	fprintf(stderr, BENCH_NAME ": `sanxiang serve` not ready after %d ms\n",
		BENCH_READY_WAIT_MS);
	return SX_EIO;
}

/* init + demo + serve on a free loopback port; sets b->server and b->base_url. */
static int bench__start_server(struct bench *b)
{
	char *bin = (char *)b->opt.sanxiang;
	char ready[BENCH_PATH_MAX], max_bytes[32];
	char *init_argv[] = {bin, "init", "--db", b->dsn, NULL, NULL, NULL};
	char *demo_argv[] = {bin, "demo", "--db", b->dsn, NULL};
	char *serve_argv[16];
	int n = 0, port = 0;
	int rc;

	if ((rc = bench__path(ready, b->dir, "serve.port")) < 0)
		return rc;
	fprintf(stderr, BENCH_NAME ": sanxiang init + demo + serve (log: %s)\n", b->log_path);
	if (b->key_dir[0]) {
		/* The default "<db>.keys" means nothing for a conninfo. */
		init_argv[4] = "--key-dir";
		init_argv[5] = b->key_dir;
	}
	if ((rc = bench__run_command(init_argv, b->log_path)) < 0 ||
	    (rc = bench__run_command(demo_argv, b->log_path)) < 0)
		return rc;
	serve_argv[n++] = bin;
	serve_argv[n++] = "serve";
	serve_argv[n++] = "--db";
	serve_argv[n++] = b->dsn;
	serve_argv[n++] = "--listen";
	serve_argv[n++] = "127.0.0.1:0";
	serve_argv[n++] = "--ready-file";
	serve_argv[n++] = ready;
	if (b->key_dir[0]) {
		serve_argv[n++] = "--key-dir";
		serve_argv[n++] = b->key_dir;
		serve_argv[n++] = "--blob-dir";
		serve_argv[n++] = b->blob_dir;
	}
	if (b->opt.size_bytes > BENCH_SERVER_DEFAULT_MAX_BYTES) {
		snprintf(max_bytes, sizeof(max_bytes), "%llu",
			 (unsigned long long)b->opt.size_bytes);
		serve_argv[n++] = "--max-evidence-bytes";
		serve_argv[n++] = max_bytes;
	}
	serve_argv[n] = NULL;
	if ((rc = bench__spawn(&b->server, serve_argv, false, NULL, b->log_path)) < 0) {
		b->server = -1;
		return rc;
	}
	if ((rc = bench__wait_ready(&port, ready, b->server)) < 0)
		return rc;
	snprintf(b->base_url, sizeof(b->base_url), "http://127.0.0.1:%d", port);
	return 0;
}

/* ---- HTTP ---- */

static size_t bench__collect(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct bench *b = ctx;
	size_t n = size * nmemb;
	size_t room = BENCH_BODY_MAX - 1 - b->body_len;
	size_t take = n < room ? n : room;

	memcpy(b->body + b->body_len, ptr, take);
	b->body_len += take;
	b->body[b->body_len] = '\0';
	if (take < n)
		b->body_truncated = true;
	return n;
}

static size_t bench__session_header(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	static const char prefix[] = "set-cookie: sx_session=";
	struct bench *b = ctx;
	size_t n = size * nmemb;
	size_t plen = sizeof(prefix) - 1;

	if (n > plen && strncasecmp(ptr, prefix, plen) == 0) {
		const char *v = ptr + plen;
		size_t len = 0;

		while (plen + len < n && v[len] != ';' && v[len] != '\r' && v[len] != '\n')
			len++;
		if (len < sizeof(b->session)) {
			memcpy(b->session, v, len);
			b->session[len] = '\0';
		}
	}
	return n;
}

/* Resets the handle to a plain request on the keep-alive connection with the session. */
static void bench__curl_reset(struct bench *b, const char *url)
{
	char cookie[160];

	curl_easy_reset(b->curl);
	curl_easy_setopt(b->curl, CURLOPT_URL, url);
	curl_easy_setopt(b->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(b->curl, CURLOPT_WRITEFUNCTION, bench__collect);
	curl_easy_setopt(b->curl, CURLOPT_WRITEDATA, b);
	if (b->session[0]) {
		snprintf(cookie, sizeof(cookie), "sx_session=%s", b->session);
		curl_easy_setopt(b->curl, CURLOPT_COOKIE, cookie); /* libcurl copies it */
	}
	b->body_len = 0;
	b->body[0] = '\0';
	b->body_truncated = false;
}

/*
 * One JSON request: method path, body json_body (NULL = none), the CSRF header when logged
 * in. *out gets the parsed answer (json_decref) and *status the HTTP status; SX_EIO when the
 * request fails, the answer is cut short or is not JSON.
 */
static int bench__call(json_t **out, long *status, struct bench *b, const char *method,
		       const char *path, const char *json_body)
{
	struct curl_slist *headers = NULL, *h;
	char url[256], token[160];
	CURLcode cc;
	int rc = SX_EIO;

	*out = NULL;
	*status = 0;
	if (snprintf(url, sizeof(url), "%s%s", b->base_url, path) >= (int)sizeof(url))
		return SX_ETOOBIG;
	bench__curl_reset(b, url);
	curl_easy_setopt(b->curl, CURLOPT_TIMEOUT, 60L);
	if (json_body) {
		if ((h = curl_slist_append(headers, "Content-Type: application/json")) == NULL)
			goto done;
		headers = h;
		curl_easy_setopt(b->curl, CURLOPT_POSTFIELDS, json_body);
	}
	if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(b->curl, CURLOPT_CUSTOMREQUEST, method);
		if (b->csrf[0]) {
			snprintf(token, sizeof(token), "X-CSRF-Token: %s", b->csrf);
			if ((h = curl_slist_append(headers, token)) == NULL)
				goto done;
			headers = h;
		}
	}
	if (b->session[0] == '\0') {
		curl_easy_setopt(b->curl, CURLOPT_HEADERFUNCTION, bench__session_header);
		curl_easy_setopt(b->curl, CURLOPT_HEADERDATA, b);
	}
	curl_easy_setopt(b->curl, CURLOPT_HTTPHEADER, headers);
	if ((cc = curl_easy_perform(b->curl)) != CURLE_OK) {
		fprintf(stderr, BENCH_NAME ": %s %s: %s\n", method, path, curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, status);
	if (b->body_truncated || (*out = json_loadb(b->body, b->body_len, 0, NULL)) == NULL) {
		fprintf(stderr, BENCH_NAME ": %s %s: HTTP %ld, not a JSON answer: %.200s\n", method,
			path, *status, b->body);
		goto done;
	}
	rc = 0;
done:
	curl_slist_free_all(headers);
	return rc;
}

/* rc, with the answer printed when the status is not the one wanted. */
static int bench__expect(long status, long want, const struct bench *b, const char *what)
{
	if (status == want)
		return 0;
	fprintf(stderr, BENCH_NAME ": %s: HTTP %ld (want %ld): %.300s\n", what, status, want,
		b->body);
	return SX_EIO;
}

static int bench__copy_string(char *out, size_t out_size, json_t *v)
{
	const char *s = json_string_value(v);
	size_t len = s ? strlen(s) : 0;

	if (s == NULL || len >= out_size)
		return SX_EINVALID;
	memcpy(out, s, len + 1);
	return 0;
}

static int bench__login(struct bench *b)
{
	char body[128];
	json_t *root = NULL;
	long status;
	int rc;

	snprintf(body, sizeof(body), "{\"username\":\"officer\",\"password\":\"%s\"}",
		 SERVICE_DEMO_PASSWORD);
	if ((rc = bench__call(&root, &status, b, "POST", "/api/v1/session", body)) < 0 ||
	    (rc = bench__expect(status, 201, b, "officer login")) < 0)
		goto done;
	if (b->session[0] == '\0' ||
	    bench__copy_string(b->csrf, sizeof(b->csrf), json_object_get(root, "csrf_token")) <
		    0) {
		fprintf(stderr, BENCH_NAME ": officer login: no session cookie or csrf_token\n");
		rc = SX_EIO;
	}
done:
	json_decref(root);
	return rc;
}

/* A penalty case of the demo officer's agency with a second active officer of it. */
static int bench__create_case(struct bench *b)
{
	json_t *root = NULL, *list, *o;
	const char *me = NULL, *agency = NULL, *other = NULL;
	char credit[19], body[1024];
	long status;
	size_t i;
	int rc;

	if ((rc = bench__call(&root, &status, b, "GET", "/api/v1/staff/officers?page_size=100",
			      NULL)) < 0 ||
	    (rc = bench__expect(status, 200, b, "GET /api/v1/staff/officers")) < 0)
		goto done;
	list = json_object_get(root, "officers");
	json_array_foreach(list, i, o) {
		const char *cert = json_string_value(json_object_get(o, "cert_no"));

		if (cert && strcmp(cert, BENCH_DEMO_CERT) == 0) {
			me = json_string_value(json_object_get(o, "id"));
			agency = json_string_value(json_object_get(o, "agency_id"));
		}
	}
	json_array_foreach(list, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *a = json_string_value(json_object_get(o, "agency_id"));
		const char *st = json_string_value(json_object_get(o, "status"));

		if (other == NULL && me && agency && id && a && st && strcmp(id, me) != 0 &&
		    strcmp(a, agency) == 0 && strcmp(st, "active") == 0)
			other = id;
	}
	if (me == NULL || other == NULL) {
		fprintf(stderr, BENCH_NAME ": the demo data has no officer %s with a colleague\n",
			BENCH_DEMO_CERT);
		rc = SX_ENOTFOUND;
		goto done;
	}
	snprintf(credit, sizeof(credit), "91330106MA0000001%c",
		 idcheck_credit_code_check_char("91330106MA0000001"));
	if (snprintf(body, sizeof(body),
		     "{\"kind\":\"penalty\",\"procedure\":\"general\",\"matter_code\":\"%s\","
		     "\"cause\":\"涉嫌销售过期食品\",\"party_type\":\"organization\","
		     "\"party_name\":\"示例市某某超市有限公司\",\"party_id_code\":\"%s\","
		     "\"officer_ids\":[\"%s\",\"%s\"]}",
		     BENCH_MATTER, credit, me, other) >= (int)sizeof(body)) {
		rc = SX_ETOOBIG;
		goto done;
	}
	json_decref(root);
	root = NULL;
	if ((rc = bench__call(&root, &status, b, "POST", "/api/v1/cases", body)) < 0 ||
	    (rc = bench__expect(status, 201, b, "POST /api/v1/cases")) < 0)
		goto done;
	rc = bench__copy_string(b->case_id, sizeof(b->case_id),
				json_object_get(json_object_get(root, "case"), "id"));
done:
	json_decref(root);
	return rc;
}

static int bench__create_upload(struct bench *b)
{
	char path[128], body[256];
	json_t *root = NULL;
	long status;
	int rc;

	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", b->case_id);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"file\",\"size\":%llu,\"content_type\":\"application/octet-stream\","
		 "\"file_name\":\"bench-evidence.bin\",\"description\":\"上传性能测试\"}",
		 (unsigned long long)b->opt.size_bytes);
	if ((rc = bench__call(&root, &status, b, "POST", path, body)) < 0 ||
	    (rc = bench__expect(status, 201, b, "POST .../uploads")) < 0)
		goto done;
	rc = bench__copy_string(b->upload_id, sizeof(b->upload_id),
				json_object_get(json_object_get(root, "upload"), "id"));
done:
	json_decref(root);
	return rc;
}

/* ---- the server's memory and CPU ---- */

struct bench_rss {
	pid_t pid;
	atomic_bool stop;
	long max_kib;                 /* largest VmRSS sampled; -1 = none */
	long samples;
};

static void *bench__rss_main(void *arg)
{
	struct bench_rss *r = arg;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)r->pid);
	while (!atomic_load(&r->stop)) {
		long kib = bench__proc_kib(path, "VmRSS");

		if (kib > r->max_kib)
			r->max_kib = kib;
		r->samples++;
		bench__sleep_ms(BENCH_RSS_SAMPLE_MS);
	}
	return NULL;
}

/*
 * Resets the kernel's peak RSS (VmHWM) of pid to its current RSS by writing "5" to
 * /proc/PID/clear_refs (Linux 4.0+, Documentation/filesystems/proc.rst), so that the VmHWM
 * read after the upload is the peak of the upload alone, not of the login's argon2id.
 * Returns whether it worked.
 */
static bool bench__reset_hwm(pid_t pid)
{
	char path[64];
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/clear_refs", (long)pid);
	f = fopen(path, "w");
	if (f == NULL)
		return false;
	ok = fputs("5", f) >= 0;
	if (fclose(f) != 0)
		ok = false;
	return ok;
}

/* User + system CPU seconds of pid so far (/proc/PID/stat fields 14 and 15); -1 on failure. */
static double bench__proc_cpu_s(pid_t pid)
{
	char path[64], line[1024];
	unsigned long long utime = 0, stime = 0;
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1.0;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	/* After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime. */
	if (p == NULL || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&utime, &stime) != 2)
		return -1.0;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the upload ---- */

struct bench_reader {
	int fd;
	uint64_t left;                /* bytes of this PUT not yet handed to libcurl */
	double first_byte_s;          /* monotonic time of the first byte; 0 = not yet */
};

static size_t bench__read(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct bench_reader *r = ctx;
	size_t want = size * nitems;
	ssize_t got;

	if (r->left == 0)
		return 0;
	if (want > r->left)
		want = (size_t)r->left;
	if (r->first_byte_s == 0.0)
		r->first_byte_s = bench__now_s();
	do {
		got = read(r->fd, buf, want);
	} while (got < 0 && errno == EINTR);
	if (got <= 0)
		return CURL_READFUNC_ABORT;
	r->left -= (uint64_t)got;
	return (size_t)got;
}

struct bench_upload {
	double seconds;               /* first byte to the 201 */
	int puts;                     /* PUT requests sent */
	char sha256[BENCH_HEX_LEN + 1];
	char sm3[BENCH_HEX_LEN + 1];
};

/* PUT bytes start..end (inclusive) from r; the answer into *out, the status into *status. */
static int bench__put(json_t **out, long *status, struct bench *b, struct bench_reader *r,
		      uint64_t start, uint64_t end)
{
	struct curl_slist *headers = NULL, *h;
	char url[256], range[96], token[160];
	const char *fixed[] = {"Content-Type: application/octet-stream",
			       "Expect:", /* no 100-continue round trip */
			       range, token};
	CURLcode cc;
	int rc = SX_EIO;

	*out = NULL;
	*status = 0;
	snprintf(url, sizeof(url), "%s/api/v1/uploads/%s", b->base_url, b->upload_id);
	snprintf(range, sizeof(range), "Content-Range: bytes %llu-%llu/%llu",
		 (unsigned long long)start, (unsigned long long)end,
		 (unsigned long long)b->opt.size_bytes);
	snprintf(token, sizeof(token), "X-CSRF-Token: %s", b->csrf);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((h = curl_slist_append(headers, fixed[i])) == NULL)
			goto done;
		headers = h;
	}
	r->left = end - start + 1;
	bench__curl_reset(b, url);
	curl_easy_setopt(b->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(b->curl, CURLOPT_READFUNCTION, bench__read);
	curl_easy_setopt(b->curl, CURLOPT_READDATA, r);
	curl_easy_setopt(b->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(end - start + 1));
	curl_easy_setopt(b->curl, CURLOPT_UPLOAD_BUFFERSIZE, (long)BENCH_UPLOAD_BUFFER_BYTES);
	curl_easy_setopt(b->curl, CURLOPT_HTTPHEADER, headers);
	/* No overall timeout (a slow disk may take minutes); a stalled transfer is a failure. */
	curl_easy_setopt(b->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(b->curl, CURLOPT_LOW_SPEED_TIME, 300L);
	if ((cc = curl_easy_perform(b->curl)) != CURLE_OK) {
		fprintf(stderr, BENCH_NAME ": PUT bytes %llu-%llu: %s\n",
			(unsigned long long)start, (unsigned long long)end,
			curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, status);
	if (b->body_truncated || (*out = json_loadb(b->body, b->body_len, 0, NULL)) == NULL) {
		fprintf(stderr, BENCH_NAME ": PUT: HTTP %ld, not a JSON answer: %.200s\n", *status,
			b->body);
		goto done;
	}
	rc = 0;
done:
	curl_slist_free_all(headers);
	return rc;
}

/* The whole file, in one PUT or --chunk bytes per PUT; the 201's digests into out. */
static int bench__upload(struct bench_upload *out, struct bench *b)
{
	struct bench_reader r = {-1, 0, 0.0};
	uint64_t size = b->opt.size_bytes;
	uint64_t chunk = b->opt.chunk_bytes ? b->opt.chunk_bytes : size;
	json_t *root = NULL;
	json_t *ev;
	long status = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	r.fd = open(b->file_path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		fprintf(stderr, BENCH_NAME ": open %s: %s\n", b->file_path, strerror(errno));
		return SX_EIO;
	}
	for (uint64_t start = 0; start < size; start += chunk) {
		uint64_t end = size - start > chunk ? start + chunk - 1 : size - 1;
		bool last = end == size - 1;

		json_decref(root);
		root = NULL;
		out->puts++;
		if ((rc = bench__put(&root, &status, b, &r, start, end)) < 0 ||
		    (rc = bench__expect(status, last ? 201 : 200, b, "PUT /api/v1/uploads/:id")) <
			    0)
			goto done;
	}
	out->seconds = bench__now_s() - r.first_byte_s;
	ev = json_object_get(root, "evidence");
	if (bench__copy_string(out->sha256, sizeof(out->sha256), json_object_get(ev, "sha256")) <
		    0 ||
	    bench__copy_string(out->sm3, sizeof(out->sm3), json_object_get(ev, "sm3")) < 0 ||
	    json_integer_value(json_object_get(ev, "size")) != (json_int_t)size) {
		fprintf(stderr, BENCH_NAME ": the 201 lacks the evidence's sha256, sm3 or size: "
				"%.300s\n",
			b->body);
		rc = SX_EIO;
	}
done:
	json_decref(root);
	close(r.fd);
	return rc;
}

/* ---- the report ---- */

static double bench__mb_s(uint64_t bytes, double seconds)
{
	return seconds > 0.0 ? (double)bytes / BENCH_MB / seconds : 0.0;
}

struct bench_figures {
	struct bench_digest sm3;
	struct bench_digest sha256;
	struct bench_upload upload;
	double server_cpu_s;          /* the server's CPU time during the upload; < 0 = unknown */
	long rss_before_kib;          /* VmRSS just before the first PUT */
	long rss_max_kib;             /* largest VmRSS sampled during the upload */
	long rss_samples;
	long hwm_kib;                 /* VmHWM after the 201 */
	bool hwm_reset;               /* VmHWM was reset before the first PUT: the upload's peak;
				       * false = the peak over the server's whole life */
};

static void bench__print(const struct bench *b, const struct bench_figures *f)
{
	uint64_t size = b->opt.size_bytes;
	double up = bench__mb_s(size, f->upload.seconds);
	double sm3 = bench__mb_s(size, f->sm3.seconds);
	double sha = bench__mb_s(size, f->sha256.seconds);
	double ratio = sm3 > 0.0 ? up / sm3 : 0.0;
	double hwm_mib = (double)f->hwm_kib / 1024.0;
	char how[64];

	if (b->opt.chunk_bytes)
		snprintf(how, sizeof(how), "%d PUTs of %llu bytes", f->upload.puts,
			 (unsigned long long)b->opt.chunk_bytes);
	else
		snprintf(how, sizeof(how), "one PUT");
	printf("\n");
	printf("%-28s %llu bytes (%.1f MiB)\n", "size", (unsigned long long)size,
	       (double)size / BENCH_MIB);
	printf("%-28s %8.2f s %9.1f MB/s  (%s; server CPU %.2f s)\n", "upload over HTTP",
	       f->upload.seconds, up, how, f->server_cpu_s);
	printf("%-28s %8.2f s %9.1f MB/s  (CPU %.2f s)\n", "openssl dgst -sm3", f->sm3.seconds,
	       sm3, f->sm3.cpu_s);
	printf("%-28s %8.2f s %9.1f MB/s  (CPU %.2f s; for information)\n", "openssl dgst -sha256",
	       f->sha256.seconds, sha, f->sha256.cpu_s);
	printf("%-28s %8.2f     target >= %.2f: %s\n", "ratio upload / sm3", ratio,
	       BENCH_TARGET_RATIO, ratio >= BENCH_TARGET_RATIO ? "met" : "NOT met");
	printf("%-28s %8.1f MiB   target < %.0f MiB: %s\n", "server peak RSS (VmHWM)", hwm_mib,
	       BENCH_TARGET_RSS_MIB, hwm_mib < BENCH_TARGET_RSS_MIB ? "met" : "NOT met");
	printf("%-28s %s\n", "",
	       f->hwm_reset ? "(the peak during the upload: reset through /proc/PID/clear_refs "
			      "before the first PUT)"
			    : "(the peak since the server started, the login's argon2id (19 MiB) "
			      "included: /proc/PID/clear_refs could not reset it)");
	printf("%-28s %.1f MiB before the first PUT, at most %.1f MiB during the upload "
	       "(%ld samples, every %d ms)\n",
	       "server VmRSS", (double)f->rss_before_kib / 1024.0, (double)f->rss_max_kib / 1024.0,
	       f->rss_samples, BENCH_RSS_SAMPLE_MS);
	printf("%-28s sha256 and sm3 of the 201 equal `openssl dgst`'s\n", "hashes");
	printf("\nMB = 10^6 bytes. The upload figure is end to end: HTTP over loopback, the "
	       "server's SHA-256 + SM3 in one pass, its writes, the fsync of the whole file and "
	       "the commit of the evidence row and its ledger event; openssl only reads and "
	       "hashes (no fsync).\n");
}

/* ---- main ---- */

/* The end of the log of init, demo, serve and openssl, before teardown removes it. */
static void bench__print_log_tail(const struct bench *b)
{
	char tail[2048];
	size_t n;
	FILE *f;

	if (b->log_path[0] == '\0' || (f = fopen(b->log_path, "r")) == NULL)
		return;
	if (fseek(f, -(long)(sizeof(tail) - 1), SEEK_END) < 0)
		rewind(f);
	n = fread(tail, 1, sizeof(tail) - 1, f);
	fclose(f);
	tail[n] = '\0';
	if (n > 0)
		fprintf(stderr, BENCH_NAME ": end of %s:\n%s\n", b->log_path, tail);
}

static int bench__run(struct bench *b)
{
	struct bench_figures f;
	struct bench_rss rss;
	pthread_t sampler;
	char status_path[64];
	double cpu0;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = bench__setup(b)) < 0)
		return rc;
	bench__print_machine(b);
	if ((rc = bench__check_space(b)) < 0)
		return rc;
	fprintf(stderr, BENCH_NAME ": writing the %.0f MiB test file\n",
		(double)b->opt.size_bytes / BENCH_MIB);
	if ((rc = bench__write_file(b)) < 0)
		return rc;
	if ((b->curl = curl_easy_init()) == NULL)
		return SX_ENOMEM;
	if ((rc = bench__start_server(b)) < 0 || (rc = bench__login(b)) < 0 ||
	    (rc = bench__create_case(b)) < 0 || (rc = bench__create_upload(b)) < 0)
		return rc;

	if ((rc = bench__openssl_dgst(&f.sm3, b, "sm3")) < 0 ||
	    (rc = bench__openssl_dgst(&f.sha256, b, "sha256")) < 0)
		return rc;

	snprintf(status_path, sizeof(status_path), "/proc/%ld/status", (long)b->server);
	f.rss_before_kib = bench__proc_kib(status_path, "VmRSS");
	f.hwm_reset = bench__reset_hwm(b->server);
	memset(&rss, 0, sizeof(rss));
	rss.pid = b->server;
	rss.max_kib = -1;
	atomic_init(&rss.stop, false);
	if (pthread_create(&sampler, NULL, bench__rss_main, &rss) != 0)
		return SX_EINTERNAL;
	fprintf(stderr, BENCH_NAME ": PUT /api/v1/uploads/%s\n", b->upload_id);
	cpu0 = bench__proc_cpu_s(b->server);
	rc = bench__upload(&f.upload, b);
	f.server_cpu_s = cpu0 >= 0.0 ? bench__proc_cpu_s(b->server) - cpu0 : -1.0;
	atomic_store(&rss.stop, true);
	pthread_join(sampler, NULL);
	if (rc < 0)
		return rc;
	f.rss_max_kib = rss.max_kib;
	f.rss_samples = rss.samples;
	f.hwm_kib = bench__proc_kib(status_path, "VmHWM");
	if (f.hwm_kib < 0) {
		fprintf(stderr, BENCH_NAME ": cannot read VmHWM in %s\n", status_path);
		return SX_EIO;
	}
	if (strcmp(f.upload.sha256, f.sha256.hex) != 0 || strcmp(f.upload.sm3, f.sm3.hex) != 0) {
		fprintf(stderr,
			BENCH_NAME ": the server's digests differ from openssl's:\n"
				   "  sha256 %s (server) %s (openssl)\n  sm3    %s (server) %s "
				   "(openssl)\n",
			f.upload.sha256, f.sha256.hex, f.upload.sm3, f.sm3.hex);
		return SX_ECORRUPT;
	}
	bench__print(b, &f);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench *b = NULL;
	int rc;

	b = sx_calloc(1, sizeof(*b));
	if (b == NULL)
		return 1;
	b->server = -1;
	if ((rc = bench__parse_args(&b->opt, argc, argv)) != 0) {
		sx_free(b);
		return rc;
	}
	if ((b->body = sx_malloc(BENCH_BODY_MAX)) == NULL) {
		sx_free(b);
		return 1;
	}
	b->body[0] = '\0';
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		sx_free(b->body);
		sx_free(b);
		return 1;
	}
	rc = bench__run(b);
	if (rc < 0) {
		fprintf(stderr, BENCH_NAME ": failed (%s)\n", sx_errno_code(rc));
		bench__print_log_tail(b);
	}
	fflush(stdout);
	bench__teardown(b);
	curl_global_cleanup();
	sx_free(b->body);
	sx_free(b);
	return rc < 0 ? 1 : 0;
}
