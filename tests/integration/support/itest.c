/*
 * itest — see itest.h. Process control (fork/exec/waitpid with bounded
 * polling for the server; posix_spawnp for helper programs, so that a program
 * missing from PATH is told apart from one that fails), a libcurl client that
 * keeps the final response's headers, and a few helpers that the tests share
 * (cookies, JSON errors, the demo officer's role, a small HTML attribute
 * scanner).
 *
 * Invariants: every allocation goes through base/mem (sx_*), vendor objects
 * are freed with their own functions (curl_*, json_decref, free() for
 * json_dumps text); the child runs only async-signal-safe calls between fork
 * and exec, so its argv is built before fork.
 *
 * What this does not do: it does not parse HTML properly (a tag scanner that
 * is enough for the server's own templates), nor retry requests.
 */
#include "itest.h"

#include "base/error.h"
#include "base/mem.h"
#include "testdb.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ITEST_READY_TIMEOUT_MS 60000
#define ITEST_EXIT_TIMEOUT_MS 30000
#define ITEST_TOOL_TIMEOUT_MS 120000
#define ITEST_POLL_INTERVAL_MS 10
#define ITEST_BODY_MAX_BYTES (64u * 1024u * 1024u)
#define ITEST_HEADERS_MAX 256
#define ITEST_LOG_PRINT_MAX_BYTES (256 * 1024)
#define ITEST_REQUEST_TIMEOUT_S 30L

extern char **environ;

struct itest_server {
	char *dir;            /* temp dir, owned */
	char *db_path;        /* DSN from testdb: DIR/test.db, or a PostgreSQL database */
	char *key_dir;        /* PostgreSQL only: DIR/test.db.keys, given as --key-dir; NULL on
	                         SQLite, where that is the default next to the file */
	char *blob_dir;       /* PostgreSQL only: DIR/blobs, given as --blob-dir (a DSN names no
				 * directory for serve's default); NULL on SQLite */
	bool db_created;      /* testdb_create succeeded: testdb_drop it when released */
	char *ready_path;     /* DIR/ready */
	char *log_path;       /* DIR/server.log, appended across restarts */
	char *setup_log_path; /* DIR/setup.log */
	char **extra_args;    /* NULL-terminated copy of the serve arguments */
	pid_t pid;            /* running serve child; 0 = none */
	int port;             /* 1..65535 while running; 0 = none */
	bool failed;          /* print the log when freed */
};

struct itest_client {
	CURL *easy;
	struct itest_server *server; /* borrowed */
};

/* ---- small helpers ----------------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	size_t nlen = strlen(name);
	char *p;

	if (dlen > SIZE_MAX - nlen - 2)
		return NULL;
	p = sx_malloc(dlen + nlen + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dlen);
	p[dlen] = '/';
	memcpy(p + dlen + 1, name, nlen);
	p[dlen + 1 + nlen] = '\0';
	return p;
}

int64_t itest_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void itest_sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void describe_status(char *buf, size_t len, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned)status);
}

static void print_file_tail(const char *path, const char *title)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	long size;
	size_t n;

	fprintf(stderr, "----- %s (%s) -----\n", title, path);
	if (!f) {
		fprintf(stderr, "(cannot open: %s)\n", strerror(errno));
		goto cleanup;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > ITEST_LOG_PRINT_MAX_BYTES) {
		fseek(f, size - ITEST_LOG_PRINT_MAX_BYTES, SEEK_SET);
		fprintf(stderr, "(… first %ld bytes omitted)\n", size - ITEST_LOG_PRINT_MAX_BYTES);
	} else {
		fseek(f, 0, SEEK_SET);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
cleanup:
	fprintf(stderr, "----- end of %s -----\n", title);
	if (f)
		fclose(f);
}

/*
 * Waits for pid up to timeout_ms. Returns 0 and *out = wait status, or
 * SX_EBUSY if it is still running at the deadline, SX_EIO if waitpid fails.
 */
static int wait_bounded(int *out, pid_t pid, int64_t timeout_ms)
{
	int64_t deadline = itest_now_ms() + timeout_ms;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			*out = status;
			return 0;
		}
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "itest: waitpid(%d): %s\n", (int)pid, strerror(errno));
			return SX_EIO;
		}
		if (itest_now_ms() >= deadline)
			return SX_EBUSY;
		itest_sleep_ms(ITEST_POLL_INTERVAL_MS);
	}
}

/*
 * fork + exec of argv[0] with stdout and stderr appended to log_path and
 * stdin from /dev/null. Returns 0 and *out = child pid, or SX_EIO.
 */
static int spawn(pid_t *out, char *const *argv, const char *log_path)
{
	pid_t parent = getpid();
	pid_t pid;
	int fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "itest: fork: %s\n", strerror(errno));
		return SX_EIO;
	}
	if (pid == 0) {
		/* A crashed or timed-out test must not leave a server listening. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			_exit(125);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	*out = pid;
	return 0;
}

/*
 * Runs one setup subcommand to completion; it must exit 0. with_key_dir: pass
 * --key-dir (init takes it, demo does not) when the server has one.
 */
static int run_tool(struct itest_server *s, const char *bin, const char *subcommand,
                    bool with_key_dir)
{
	char *argv[] = {(char *)bin, (char *)subcommand, "--db", s->db_path, NULL, NULL, NULL};
	char what[128];
	pid_t pid;
	int status;
	int rc;

	if (with_key_dir && s->key_dir) {
		argv[4] = "--key-dir";
		argv[5] = s->key_dir;
	}
	if ((rc = spawn(&pid, argv, s->setup_log_path)) < 0)
		return rc;
	rc = wait_bounded(&status, pid, ITEST_TOOL_TIMEOUT_MS);
	if (rc == SX_EBUSY) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "itest: `sanxiang %s` did not finish within %d s\n", subcommand,
		        ITEST_TOOL_TIMEOUT_MS / 1000);
		print_file_tail(s->setup_log_path, "setup log");
		return SX_EIO;
	}
	if (rc < 0)
		return rc;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(what, sizeof(what), status);
		fprintf(stderr, "itest: `%s %s --db %s` %s\n", bin, subcommand, s->db_path, what);
		print_file_tail(s->setup_log_path, "setup log");
		return SX_EIO;
	}
	return 0;
}

int itest_run_program(int *out, char *const *argv, char *const *envp, const char *output_path,
                      int64_t timeout_ms)
{
	posix_spawn_file_actions_t actions;
	pid_t pid = 0;
	int rc;

	*out = 0;
	if (posix_spawn_file_actions_init(&actions) != 0)
		return SX_ENOMEM;
	if (posix_spawn_file_actions_addopen(&actions, 1, output_path, O_WRONLY | O_CREAT | O_TRUNC,
	                                     0600) != 0 ||
	    posix_spawn_file_actions_adddup2(&actions, 1, 2) != 0) {
		posix_spawn_file_actions_destroy(&actions);
		return SX_ENOMEM;
	}
	rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc == ENOENT)
		return SX_ENOTFOUND;
	if (rc != 0) {
		fprintf(stderr, "itest: cannot run %s: %s\n", argv[0], strerror(rc));
		return SX_EIO;
	}
	rc = wait_bounded(out, pid, timeout_ms);
	if (rc == SX_EBUSY) {
		kill(pid, SIGKILL);
		while (waitpid(pid, out, 0) < 0 && errno == EINTR)
			;
	}
	return rc;
}

/*
 * Reads the ready file. Returns 0 and *out = port, SX_ENOTFOUND while it does
 * not exist, SX_EINVALID if its content is not "<port>\n".
 */
static int read_ready_file(int *out, const char *path)
{
	char buf[32];
	ssize_t n;
	char *end;
	long port;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SX_ENOTFOUND : SX_EIO;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return SX_EINVALID;
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return SX_EINVALID;
	errno = 0;
	port = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || port < 1 || port > 65535)
		return SX_EINVALID;
	if (end[0] != '\n' || end + 1 != buf + n)
		return SX_EINVALID;
	*out = (int)port;
	return 0;
}

static size_t count_args(const char *const *args)
{
	size_t n = 0;

	while (args && args[n])
		n++;
	return n;
}

static int launch_serve(struct itest_server *s)
{
	const char *bin = getenv("SANXIANG_BIN");
	size_t extra = count_args((const char *const *)s->extra_args);
	char **argv = NULL;
	char what[128];
	int64_t deadline;
	int status;
	size_t i = 0;
	size_t j;
	pid_t r;
	int rc;

	if (!bin || !*bin) {
		fprintf(stderr, "itest: SANXIANG_BIN is not set\n");
		return SX_EINVALID;
	}
	if (s->pid != 0)
		return SX_EINVALID;
	/* A stale ready file from the previous run would name the old port. */
	if (unlink(s->ready_path) < 0 && errno != ENOENT) {
		fprintf(stderr, "itest: unlink %s: %s\n", s->ready_path, strerror(errno));
		return SX_EIO;
	}
	argv = sx_calloc(extra + 14, sizeof(*argv));
	if (!argv)
		return SX_ENOMEM;
	argv[i++] = (char *)bin;
	argv[i++] = "serve";
	argv[i++] = "--db";
	argv[i++] = s->db_path;
	argv[i++] = "--listen";
	argv[i++] = "127.0.0.1:0";
	argv[i++] = "--ready-file";
	argv[i++] = s->ready_path;
	if (s->key_dir) {
		argv[i++] = "--key-dir";
		argv[i++] = s->key_dir;
	}
	if (s->blob_dir) {
		argv[i++] = "--blob-dir";
		argv[i++] = s->blob_dir;
	}
	for (j = 0; j < extra; j++)
		argv[i++] = s->extra_args[j];
	argv[i] = NULL;

	if ((rc = spawn(&s->pid, argv, s->log_path)) < 0)
		goto cleanup;

	deadline = itest_now_ms() + ITEST_READY_TIMEOUT_MS;
	for (;;) {
		r = waitpid(s->pid, &status, WNOHANG);
		if (r == s->pid) {
			s->pid = 0;
			describe_status(what, sizeof(what), status);
			fprintf(stderr, "itest: serve %s before it was ready\n", what);
			print_file_tail(s->log_path, "server log");
			rc = SX_EIO;
			goto cleanup;
		}
		rc = read_ready_file(&s->port, s->ready_path);
		if (rc == 0)
			break;
		if (rc == SX_EINVALID) {
			/* The contract is an atomic rename, so a partial file is a bug. */
			fprintf(stderr, "itest: ready file %s is not \"<port>\\n\"\n",
			        s->ready_path);
			rc = SX_EIO;
			goto cleanup;
		}
		if (itest_now_ms() >= deadline) {
			fprintf(stderr, "itest: serve not ready within %d s\n",
			        ITEST_READY_TIMEOUT_MS / 1000);
			rc = SX_EBUSY;
			goto cleanup;
		}
		itest_sleep_ms(ITEST_POLL_INTERVAL_MS);
	}
	rc = 0;
cleanup:
	if (rc < 0 && s->pid != 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
		s->pid = 0;
		s->port = 0;
		print_file_tail(s->log_path, "server log");
	}
	sx_free(argv);
	return rc;
}

/* Removes path and, if it is a directory, everything below it (symlinks are not followed). */
static void remove_tree(const char *path, int depth)
{
	struct dirent *e;
	struct stat st;
	char *child;
	DIR *d;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode) && depth < 32) {
		d = opendir(path);
		while (d && (e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			child = path_join(path, e->d_name);
			if (child)
				remove_tree(child, depth + 1);
			sx_free(child);
		}
		if (d)
			closedir(d);
	}
	if (remove(path) < 0)
		fprintf(stderr, "itest: remove %s: %s\n", path, strerror(errno));
}

static void server_release(struct itest_server *s)
{
	size_t i;

	if (!s)
		return;
	if (s->db_created) {
		if (getenv("SANXIANG_KEEP_TEST_DIR"))
			fprintf(stderr, "itest: keeping test database %s\n", s->db_path);
		else
			testdb_drop(s->db_path);
	}
	if (s->dir) {
		if (getenv("SANXIANG_KEEP_TEST_DIR"))
			fprintf(stderr, "itest: keeping test dir %s\n", s->dir);
		else
			remove_tree(s->dir, 0);
	}
	for (i = 0; s->extra_args && s->extra_args[i]; i++)
		sx_free(s->extra_args[i]);
	sx_free(s->extra_args);
	sx_free(s->dir);
	sx_free(s->db_path);
	sx_free(s->key_dir);
	sx_free(s->blob_dir);
	sx_free(s->ready_path);
	sx_free(s->log_path);
	sx_free(s->setup_log_path);
	sx_free(s);
}

/* ---- server API -------------------------------------------------------------------------- */

int itest_server_start(struct itest_server **out, const char *const *extra_serve_args)
{
	const char *tmp = getenv("TMPDIR");
	const char *bin = getenv("SANXIANG_BIN");
	struct itest_server *s = NULL;
	size_t extra = count_args(extra_serve_args);
	char *template = NULL;
	struct sx_error err;
	size_t i;
	int rc;

	*out = NULL;
	if (!bin || !*bin) {
		fprintf(stderr, "itest: SANXIANG_BIN is not set\n");
		return SX_EINVALID;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	s = sx_calloc(1, sizeof(*s));
	if (!s)
		return SX_ENOMEM;
	s->extra_args = sx_calloc(extra + 1, sizeof(*s->extra_args));
	template = path_join(tmp, "sanxiang-itest-XXXXXX");
	if (!s->extra_args || !template) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < extra; i++) {
		s->extra_args[i] = sx_strdup(extra_serve_args[i]);
		if (!s->extra_args[i]) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
	}
	if (!mkdtemp(template)) {
		fprintf(stderr, "itest: mkdtemp %s: %s\n", template, strerror(errno));
		rc = SX_EIO;
		goto cleanup;
	}
	s->dir = template;
	template = NULL;
	s->db_path = sx_malloc(TESTDB_DSN_MAX);
	s->ready_path = path_join(s->dir, "ready");
	s->log_path = path_join(s->dir, "server.log");
	s->setup_log_path = path_join(s->dir, "setup.log");
	if (!s->db_path || !s->ready_path || !s->log_path || !s->setup_log_path) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	sx_error_clear(&err);
	if ((rc = testdb_create(s->db_path, TESTDB_DSN_MAX, s->dir, &err)) < 0) {
		fprintf(stderr, "itest: test database: %s %s %s\n", err.code, err.message,
		        err.detail);
		if (rc != SX_ENOMEM)
			rc = SX_EIO;
		goto cleanup;
	}
	s->db_created = true;
	if (testdb_is_postgresql()) {
		/* The default key dir is "<db>.keys", which a DSN does not name. */
		s->key_dir = path_join(s->dir, "test.db.keys");
		if (!s->key_dir) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		s->blob_dir = path_join(s->dir, "blobs");
		if (!s->blob_dir) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
	}
	if ((rc = run_tool(s, bin, "init", true)) < 0)
		goto cleanup;
	if ((rc = run_tool(s, bin, "demo", false)) < 0)
		goto cleanup;
	if ((rc = launch_serve(s)) < 0)
		goto cleanup;
	*out = s;
	s = NULL;
cleanup:
	sx_free(template);
	server_release(s);
	return rc;
}

int itest_server_restart(struct itest_server *s)
{
	if (!s || s->pid != 0)
		return SX_EINVALID;
	return launch_serve(s);
}

int itest_server_kill(struct itest_server *s, int sig)
{
	int status = 0;
	int rc;

	if (!s || s->pid == 0)
		return SX_EINVALID;
	if (kill(s->pid, sig) < 0 && errno != ESRCH) {
		fprintf(stderr, "itest: kill(%d, %d): %s\n", (int)s->pid, sig, strerror(errno));
		return SX_EIO;
	}
	rc = wait_bounded(&status, s->pid, ITEST_EXIT_TIMEOUT_MS);
	if (rc == SX_EBUSY) {
		fprintf(stderr, "itest: server did not exit within %d s of signal %d; SIGKILL\n",
		        ITEST_EXIT_TIMEOUT_MS / 1000, sig);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
	}
	s->pid = 0;
	s->port = 0;
	if (rc < 0)
		return rc;
	return status;
}

int itest_server_stop(struct itest_server *s)
{
	char what[128];
	int status;

	status = itest_server_kill(s, SIGTERM);
	if (status < 0)
		return status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	describe_status(what, sizeof(what), status);
	fprintf(stderr, "itest: after SIGTERM the server %s (want exit status 0)\n", what);
	return SX_EIO;
}

void itest_server_mark_failed(struct itest_server *s)
{
	if (s)
		s->failed = true;
}

void itest_server_free(struct itest_server *s)
{
	if (!s)
		return;
	if (s->pid != 0 && itest_server_stop(s) != 0)
		s->failed = true;
	if (s->failed)
		print_file_tail(s->log_path, "server log");
	server_release(s);
}

int itest_server_port(const struct itest_server *s)
{
	return s ? s->port : 0;
}

const char *itest_server_dir(const struct itest_server *s)
{
	return s ? s->dir : NULL;
}

int itest_run_group(const char *name, struct CMUnitTest *tests, size_t count,
                    const char *const *extra_serve_args)
{
	struct itest_server *s = NULL;
	size_t i;
	int failures;

	if (itest_server_start(&s, extra_serve_args) < 0) {
		fprintf(stderr, "itest: group %s: the server did not start; %zu tests not run\n",
		        name, count);
		return (int)count;
	}
	for (i = 0; i < count; i++)
		tests[i].initial_state = s;
	failures = _cmocka_run_group_tests(name, tests, count, NULL, NULL);
	if (s->pid != 0 && itest_server_stop(s) != 0) {
		fprintf(stderr, "itest: group %s: graceful stop (SIGTERM) did not exit 0\n", name);
		failures++;
	}
	if (failures > 0)
		s->failed = true;
	itest_server_free(s);
	return failures;
}

int itest_run_group_as_main(const char *name, struct CMUnitTest *tests, size_t count,
                            const char *const *extra_serve_args)
{
	int failures;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures = itest_run_group(name, tests, count, extra_serve_args);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}

/* ---- client ------------------------------------------------------------------------------ */

struct body_sink {
	char *buf;
	size_t len;
	size_t cap;
	bool too_big;
	bool no_memory;
};

struct header_sink {
	struct itest_header *items;
	size_t count;
	bool no_memory;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body_sink *sink = ctx;
	size_t n = size * nmemb;
	size_t need;
	size_t cap;
	char *p;

	if (n > ITEST_BODY_MAX_BYTES - sink->len) {
		sink->too_big = true;
		return 0;
	}
	need = sink->len + n + 1;
	if (need > sink->cap) {
		cap = sink->cap ? sink->cap : 4096;
		while (cap < need)
			cap *= 2;
		p = sx_realloc(sink->buf, cap);
		if (!p) {
			sink->no_memory = true;
			return 0;
		}
		sink->buf = p;
		sink->cap = cap;
	}
	memcpy(sink->buf + sink->len, data, n);
	sink->len += n;
	sink->buf[sink->len] = '\0';
	return n;
}

static void headers_clear(struct header_sink *h)
{
	size_t i;

	for (i = 0; i < h->count; i++) {
		sx_free(h->items[i].name);
		sx_free(h->items[i].value);
	}
	sx_free(h->items);
	h->items = NULL;
	h->count = 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct header_sink *h = ctx;
	size_t n = size * nmemb;
	const char *end = data + n;
	const char *colon;
	const char *v;
	const char *vend;
	struct itest_header *items;

	/* A status line starts a new response (after 100 Continue, say): keep only the last. */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		headers_clear(h);
		return n;
	}
	colon = memchr(data, ':', n);
	if (!colon || colon == data || is_blank(data[0]))
		return n;
	if (h->count >= ITEST_HEADERS_MAX)
		return n;
	v = colon + 1;
	while (v < end && is_blank(*v))
		v++;
	vend = end;
	while (vend > v && is_blank(vend[-1]))
		vend--;
	items = sx_reallocarray(h->items, h->count + 1, sizeof(*items));
	if (!items) {
		h->no_memory = true;
		return 0;
	}
	h->items = items;
	items[h->count].name = sx_strndup(data, (size_t)(colon - data));
	items[h->count].value = sx_strndup(v, (size_t)(vend - v));
	if (!items[h->count].name || !items[h->count].value) {
		sx_free(items[h->count].name);
		sx_free(items[h->count].value);
		h->no_memory = true;
		return 0;
	}
	h->count++;
	return n;
}

int itest_client_new(struct itest_client **out, struct itest_server *s)
{
	struct itest_client *c;

	*out = NULL;
	c = sx_calloc(1, sizeof(*c));
	if (!c)
		return SX_ENOMEM;
	c->easy = curl_easy_init();
	if (!c->easy) {
		sx_free(c);
		return SX_EIO;
	}
	/* An empty file name switches on the in-memory cookie engine. */
	curl_easy_setopt(c->easy, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, ITEST_REQUEST_TIMEOUT_S);
	curl_easy_setopt(c->easy, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->easy, CURLOPT_HEADERFUNCTION, on_header);
	c->server = s;
	*out = c;
	return 0;
}

void itest_client_free(struct itest_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->easy);
	sx_free(c);
}

static char *join_set_cookie(const struct itest_header *items, size_t count)
{
	size_t total = 0;
	size_t i;
	size_t len;
	char *out;
	char *p;

	for (i = 0; i < count; i++) {
		if (strcasecmp(items[i].name, "Set-Cookie") == 0)
			total += strlen(items[i].value) + 1;
	}
	if (total == 0)
		return NULL;
	out = sx_malloc(total);
	if (!out)
		return NULL;
	p = out;
	for (i = 0; i < count; i++) {
		if (strcasecmp(items[i].name, "Set-Cookie") != 0)
			continue;
		if (p != out)
			*p++ = '\n';
		len = strlen(items[i].value);
		memcpy(p, items[i].value, len);
		p += len;
	}
	*p = '\0';
	return out;
}

static int copy_header(char **out, const struct itest_response *r, const char *name)
{
	const char *v = itest_response_header(r, name);

	*out = NULL;
	if (!v)
		return 0;
	*out = sx_strdup(v);
	return *out ? 0 : SX_ENOMEM;
}

int itest_request(struct itest_response *out, struct itest_client *c, const char *method,
                  const char *path, const char *content_type, const char *body, size_t body_len,
                  const char *const *extra_headers)
{
	struct body_sink sink = {0};
	struct header_sink hs = {0};
	struct curl_slist *headers = NULL;
	struct curl_slist *tmp;
	char *url = NULL;
	char *ct_line = NULL;
	size_t url_len;
	CURLcode cc;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!c || !method || !path || path[0] != '/' || itest_server_port(c->server) == 0)
		return SX_EINVALID;
	url_len = strlen(path) + 64;
	url = sx_malloc(url_len);
	if (!url)
		return SX_ENOMEM;
	snprintf(url, url_len, "http://127.0.0.1:%d%s", itest_server_port(c->server), path);

	/*
	 * The handle is reused so that its cookie engine persists; every option a
	 * previous request may have set is set again here. (curl_easy_reset would
	 * switch the cookie engine off, and turning it on again leaks in 7.88.)
	 */
	curl_easy_setopt(c->easy, CURLOPT_URL, url);
	curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c->easy, CURLOPT_HEADERDATA, &hs);
	curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
	curl_easy_setopt(c->easy, CURLOPT_HTTPGET, 1L);

	if (strcmp(method, "GET") == 0 && !body) {
		/* HTTPGET above already made it a plain GET. */
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c->easy, CURLOPT_NOBODY, 1L);
	} else {
		if (body || strcmp(method, "POST") == 0) {
			curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE_LARGE,
			                 (curl_off_t)(body ? body_len : 0));
			curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, body ? body : "");
		}
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, method);
	}

	if (content_type) {
		size_t len = strlen(content_type) + sizeof("Content-Type: ");

		ct_line = sx_malloc(len);
		if (!ct_line) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		snprintf(ct_line, len, "Content-Type: %s", content_type);
		tmp = curl_slist_append(headers, ct_line);
	} else {
		/* "Name:" with no value removes libcurl's own form Content-Type. */
		tmp = curl_slist_append(headers, "Content-Type:");
	}
	if (!tmp) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	headers = tmp;
	for (i = 0; extra_headers && extra_headers[i]; i++) {
		tmp = curl_slist_append(headers, extra_headers[i]);
		if (!tmp) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		headers = tmp;
	}
	curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, headers);

	cc = curl_easy_perform(c->easy);
	if (sink.too_big) {
		rc = SX_ETOOBIG;
		goto cleanup;
	}
	if (sink.no_memory || hs.no_memory) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	if (cc != CURLE_OK) {
		fprintf(stderr, "itest: %s %s: %s\n", method, path, curl_easy_strerror(cc));
		rc = SX_EIO;
		goto cleanup;
	}
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &out->status);
	if (!sink.buf) {
		sink.buf = sx_malloc(1);
		if (!sink.buf) {
			rc = SX_ENOMEM;
			goto cleanup;
		}
		sink.buf[0] = '\0';
	}
	out->body = sink.buf;
	out->body_len = sink.len;
	sink.buf = NULL;
	out->headers = hs.items;
	out->header_count = hs.count;
	hs.items = NULL;
	hs.count = 0;
	if ((rc = copy_header(&out->content_type, out, "Content-Type")) < 0)
		goto cleanup;
	if ((rc = copy_header(&out->location, out, "Location")) < 0)
		goto cleanup;
	out->set_cookie = join_set_cookie(out->headers, out->header_count);
	if (out->body_len > 0)
		out->json = json_loadb(out->body, out->body_len, JSON_REJECT_DUPLICATES, NULL);
cleanup:
	if (rc < 0)
		itest_response_free(out);
	curl_slist_free_all(headers);
	headers_clear(&hs);
	sx_free(sink.buf);
	sx_free(ct_line);
	sx_free(url);
	return rc;
}

int itest_get(struct itest_response *out, struct itest_client *c, const char *path)
{
	return itest_request(out, c, "GET", path, NULL, NULL, 0, NULL);
}

int itest_send_json(struct itest_response *out, struct itest_client *c, const char *method,
                    const char *path, const char *json_text, const char *csrf_token)
{
	const char *headers[2] = {NULL, NULL};
	char *line = NULL;
	size_t len;
	int rc;

	if (csrf_token) {
		len = strlen(csrf_token) + sizeof("X-CSRF-Token: ");
		line = sx_malloc(len);
		if (!line) {
			memset(out, 0, sizeof(*out));
			return SX_ENOMEM;
		}
		snprintf(line, len, "X-CSRF-Token: %s", csrf_token);
		headers[0] = line;
	}
	rc = itest_request(out, c, method, path, "application/json", json_text,
	                   json_text ? strlen(json_text) : 0, headers);
	sx_free(line);
	return rc;
}

int itest_upload_put(struct itest_response *out, struct itest_client *c, const char *upload_id,
                     const char *data, size_t start, size_t end, size_t total_bytes,
                     const char *csrf_token)
{
	char path[160], range[96], token[200];
	const char *headers[3] = {range, NULL, NULL};
	int n;

	memset(out, 0, sizeof(*out));
	n = snprintf(path, sizeof(path), "/api/v1/uploads/%s", upload_id);
	if (end < start || end >= total_bytes || n < 0 || (size_t)n >= sizeof(path))
		return SX_EINVALID;
	snprintf(range, sizeof(range), "Content-Range: bytes %zu-%zu/%zu", start, end, total_bytes);
	if (csrf_token) {
		n = snprintf(token, sizeof(token), "X-CSRF-Token: %s", csrf_token);
		if (n < 0 || (size_t)n >= sizeof(token))
			return SX_EINVALID;
		headers[1] = token;
	}
	return itest_request(out, c, "PUT", path, "application/octet-stream", data + start,
	                     end - start + 1, headers);
}

void itest_response_free(struct itest_response *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->header_count; i++) {
		sx_free(r->headers[i].name);
		sx_free(r->headers[i].value);
	}
	sx_free(r->headers);
	sx_free(r->body);
	sx_free(r->content_type);
	sx_free(r->set_cookie);
	sx_free(r->location);
	if (r->json)
		json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

const char *itest_response_header(const struct itest_response *r, const char *name)
{
	size_t i;

	for (i = 0; r && i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	}
	return NULL;
}

/* The Set-Cookie value that sets cookie name, borrowed from r; NULL if none. */
static const char *find_set_cookie(const struct itest_response *r, const char *name)
{
	size_t nlen = strlen(name);
	const char *v;
	size_t i;

	for (i = 0; r && i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, "Set-Cookie") != 0)
			continue;
		v = r->headers[i].value;
		while (is_blank(*v))
			v++;
		if (strncmp(v, name, nlen) == 0 && v[nlen] == '=')
			return v;
	}
	return NULL;
}

int itest_response_cookie(char **out, const struct itest_response *r, const char *name)
{
	const char *v = find_set_cookie(r, name);
	const char *end;

	*out = NULL;
	if (!v)
		return SX_ENOTFOUND;
	v += strlen(name) + 1;
	end = strchr(v, ';');
	if (!end)
		end = v + strlen(v);
	while (end > v && is_blank(end[-1]))
		end--;
	*out = sx_strndup(v, (size_t)(end - v));
	return *out ? 0 : SX_ENOMEM;
}

bool itest_response_cookie_has(const struct itest_response *r, const char *name, const char *attr)
{
	const char *v = find_set_cookie(r, name);
	size_t alen = strlen(attr);
	const char *p;
	const char *end;

	if (!v)
		return false;
	p = strchr(v, ';');
	while (p) {
		p++;
		while (is_blank(*p))
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		while (end > p && is_blank(end[-1]))
			end--;
		if ((size_t)(end - p) == alen && strncasecmp(p, attr, alen) == 0)
			return true;
		p = strchr(p, ';');
	}
	return false;
}

static const char *error_field(const struct itest_response *r, const char *field)
{
	json_t *err;
	json_t *v;

	if (!r || !json_is_object(r->json))
		return NULL;
	err = json_object_get(r->json, "error");
	if (!json_is_object(err))
		return NULL;
	v = json_object_get(err, field);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *itest_error_code(const struct itest_response *r)
{
	return error_field(r, "code");
}

const char *itest_error_message(const struct itest_response *r)
{
	return error_field(r, "message");
}

int itest_login_response(struct itest_response *out, struct itest_client *c, const char *username,
                         const char *password)
{
	json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
	char *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!body)
		return SX_ENOMEM;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return SX_ENOMEM;
	rc = itest_send_json(out, c, "POST", "/api/v1/session", text, NULL);
	free(text);
	return rc;
}

int itest_login(char **out, struct itest_client *c, const char *username, const char *password)
{
	struct itest_response r;
	json_t *token;
	int rc;

	*out = NULL;
	if ((rc = itest_login_response(&r, c, username, password)) < 0)
		return rc;
	token = json_object_get(r.json, "csrf_token");
	if (r.status != 201 || !json_is_string(token) || json_string_length(token) == 0) {
		fprintf(stderr, "itest: login as %s: want 201 with csrf_token, got %ld: %.*s\n",
		        username, r.status, (int)(r.body_len > 2000 ? 2000 : r.body_len), r.body);
		rc = SX_EAUTH;
		goto cleanup;
	}
	*out = sx_strdup(json_string_value(token));
	rc = *out ? 0 : SX_ENOMEM;
cleanup:
	itest_response_free(&r);
	return rc;
}

int itest_demo_officer_role_and_agency(char **role, json_t **agency, struct itest_server *s)
{
	struct itest_client *c = NULL;
	struct itest_response r;
	json_t *user, *role_value, *agency_value;
	int rc;

	*role = NULL;
	*agency = NULL;
	memset(&r, 0, sizeof(r));
	if ((rc = itest_client_new(&c, s)) < 0)
		goto cleanup;
	if ((rc = itest_login_response(&r, c, "officer", ITEST_DEMO_PASSWORD)) < 0)
		goto cleanup;
	user = json_object_get(r.json, "user");
	role_value = json_object_get(user, "role");
	agency_value = json_object_get(user, "agency_id");
	if (r.status != 201 || !json_is_string(role_value) || agency_value == NULL) {
		fprintf(stderr,
		        "itest: login as officer: want 201 with user.role and user.agency_id, got "
		        "%ld: %.*s\n",
		        r.status, (int)(r.body_len > 2000 ? 2000 : r.body_len), r.body);
		rc = SX_EAUTH;
		goto cleanup;
	}
	*role = sx_strdup(json_string_value(role_value));
	if (*role == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	*agency = json_incref(agency_value);
	rc = 0;
cleanup:
	itest_response_free(&r);
	itest_client_free(c);
	return rc;
}

int itest_json_id_text(char **out, const json_t *v)
{
	char buf[32];

	*out = NULL;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*out = sx_strdup(buf);
	} else if (json_is_string(v) && json_string_length(v) > 0) {
		*out = sx_strdup(json_string_value(v));
	} else {
		return SX_EINVALID;
	}
	return *out ? 0 : SX_ENOMEM;
}

int itest_form_escape(char **out, struct itest_client *c, const char *s)
{
	char *e = curl_easy_escape(c->easy, s, (int)strlen(s));

	*out = NULL;
	if (!e)
		return SX_ENOMEM;
	*out = sx_strdup(e);
	curl_free(e);
	return *out ? 0 : SX_ENOMEM;
}

/* ---- HTML -------------------------------------------------------------------------------- */

static bool is_name_char(char ch)
{
	return !is_blank(ch) && ch != '=' && ch != '>' && ch != '/' && ch != '<' && ch != '"' &&
	       ch != '\'' && ch != '\0';
}

/* Case-insensitive search of needle in hay[0..len). */
static const char *find_ci(const char *hay, size_t len, const char *needle)
{
	size_t nlen = strlen(needle);
	size_t i;

	if (nlen > len)
		return NULL;
	for (i = 0; i + nlen <= len; i++) {
		if (strncasecmp(hay + i, needle, nlen) == 0)
			return hay + i;
	}
	return NULL;
}

struct html_attr {
	struct itest_slice name;
	struct itest_slice value;
};

/*
 * Reads one attribute starting at *pos (before end, which is the tag's '>').
 * Returns true and advances *pos, or false at the end of the tag.
 */
static bool next_attr(struct html_attr *out, const char **pos, const char *end)
{
	const char *p = *pos;
	char quote;

	while (p < end && (is_blank(*p) || *p == '/'))
		p++;
	if (p >= end)
		return false;
	out->name.ptr = p;
	while (p < end && is_name_char(*p))
		p++;
	out->name.len = (size_t)(p - out->name.ptr);
	if (out->name.len == 0) {
		/* A stray character: skip it so the scan always advances. */
		*pos = p + 1;
		out->value.ptr = p;
		out->value.len = 0;
		return true;
	}
	while (p < end && is_blank(*p))
		p++;
	out->value.ptr = p;
	out->value.len = 0;
	if (p < end && *p == '=') {
		p++;
		while (p < end && is_blank(*p))
			p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			quote = *p++;
			out->value.ptr = p;
			while (p < end && *p != quote)
				p++;
			out->value.len = (size_t)(p - out->value.ptr);
			if (p < end)
				p++;
		} else {
			out->value.ptr = p;
			while (p < end && !is_blank(*p))
				p++;
			out->value.len = (size_t)(p - out->value.ptr);
		}
	}
	*pos = p;
	return true;
}

static bool slice_eq_ci(struct itest_slice s, const char *z)
{
	return strlen(z) == s.len && strncasecmp(s.ptr, z, s.len) == 0;
}

static int decode_entities(char **out, struct itest_slice v)
{
	static const struct {
		const char *entity;
		char ch;
	} table[] = {
	        {"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
	        {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''},
	};
	char *buf = sx_malloc(v.len + 1);
	size_t i = 0;
	size_t o = 0;
	size_t k;
	size_t elen;

	*out = NULL;
	if (!buf)
		return SX_ENOMEM;
	while (i < v.len) {
		for (k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
			elen = strlen(table[k].entity);
			if (v.len - i >= elen && strncasecmp(v.ptr + i, table[k].entity, elen) == 0)
				break;
		}
		if (k < sizeof(table) / sizeof(table[0])) {
			buf[o++] = table[k].ch;
			i += strlen(table[k].entity);
		} else {
			buf[o++] = v.ptr[i++];
		}
	}
	buf[o] = '\0';
	*out = buf;
	return 0;
}

/*
 * Finds the next element <tag …> at or after *pos in html[..end). Returns
 * true with *attrs_start (after the tag name) and *tag_end (the '>'),
 * advancing *pos past it.
 */
static bool next_element(const char **attrs_start, const char **tag_end, const char **pos,
                         const char *end, const char *tag)
{
	size_t tlen = strlen(tag);
	const char *p = *pos;
	const char *gt;
	char after;

	while (p < end) {
		p = memchr(p, '<', (size_t)(end - p));
		if (!p)
			return false;
		if ((size_t)(end - p) > tlen + 1 && strncasecmp(p + 1, tag, tlen) == 0) {
			after = p[1 + tlen];
			if (is_blank(after) || after == '>' || after == '/') {
				gt = memchr(p, '>', (size_t)(end - p));
				if (!gt)
					return false;
				*attrs_start = p + 1 + tlen;
				*tag_end = gt;
				*pos = gt + 1;
				return true;
			}
		}
		p++;
	}
	return false;
}

int itest_html_attribute(char **out, const char *html, size_t len, const char *tag,
                         const char *match_name, const char *match_value, const char *attr)
{
	const char *end = html + len;
	const char *pos = html;
	const char *attrs;
	const char *tag_end;
	const char *p;
	struct html_attr a;
	struct itest_slice found = {NULL, 0};
	bool matched;
	bool have;

	*out = NULL;
	while (next_element(&attrs, &tag_end, &pos, end, tag)) {
		matched = match_name == NULL;
		have = false;
		p = attrs;
		while (next_attr(&a, &p, tag_end)) {
			if (match_name && slice_eq_ci(a.name, match_name) &&
			    a.value.len == strlen(match_value) &&
			    memcmp(a.value.ptr, match_value, a.value.len) == 0)
				matched = true;
			if (!have && slice_eq_ci(a.name, attr)) {
				found = a.value;
				have = true;
			}
		}
		if (matched && have)
			return decode_entities(out, found);
		if (matched)
			return SX_ENOTFOUND;
	}
	return SX_ENOTFOUND;
}

int itest_html_find_form(struct itest_slice *out, const char *html, size_t len, const char *action)
{
	const char *end = html + len;
	const char *pos = html;
	const char *attrs;
	const char *tag_end;
	const char *start;
	const char *close;
	const char *p;
	struct html_attr a;

	while (next_element(&attrs, &tag_end, &pos, end, "form")) {
		p = attrs;
		while (next_attr(&a, &p, tag_end)) {
			if (!slice_eq_ci(a.name, "action"))
				continue;
			if (a.value.len != strlen(action) ||
			    memcmp(a.value.ptr, action, a.value.len) != 0)
				break;
			start = attrs - strlen("<form");
			close = find_ci(tag_end, (size_t)(end - tag_end), "</form>");
			out->ptr = start;
			out->len = close ? (size_t)(close + strlen("</form>") - start)
			                 : (size_t)(end - start);
			return 0;
		}
	}
	return SX_ENOTFOUND;
}

bool itest_has_cjk(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if ((p[i] & 0xF0) != 0xE0 || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80)
			continue;
		cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
		if (cp >= 0x4E00 && cp <= 0x9FFF)
			return true;
	}
	return false;
}

/* ---- assertions -------------------------------------------------------------------------- */

static void print_response(const struct itest_response *r)
{
	print_error("  status %ld, Content-Type %s\n  body: %.*s%s\n", r->status,
	            r->content_type ? r->content_type : "(none)",
	            (int)(r->body_len > 2000 ? 2000 : r->body_len), r->body ? r->body : "",
	            r->body_len > 2000 ? " …" : "");
}

void itest__assert_status(const struct itest_response *r, long status, const char *file, int line)
{
	if (r->status == status)
		return;
	print_error("want HTTP status %ld, got %ld\n", status, r->status);
	print_response(r);
	_fail(file, line);
}

/* Compares media types ignoring case and blanks around ';'. */
static bool content_type_equals(const char *got, const char *want)
{
	const char *g = got;
	const char *w = want;

	for (;;) {
		while (*g == ' ' || *g == '\t')
			g++;
		while (*w == ' ' || *w == '\t')
			w++;
		if (*g == '\0' || *w == '\0')
			return *g == *w;
		if (strncasecmp(g, w, 1) != 0)
			return false;
		g++;
		w++;
	}
}

void itest__assert_content_type(const struct itest_response *r, const char *want, const char *file,
                                int line)
{
	if (r->content_type && content_type_equals(r->content_type, want))
		return;
	print_error("want Content-Type \"%s\", got \"%s\"\n", want,
	            r->content_type ? r->content_type : "(none)");
	print_response(r);
	_fail(file, line);
}

void itest__assert_api_error(const struct itest_response *r, long status, const char *code,
                             const char *file, int line)
{
	const char *got_code = itest_error_code(r);
	const char *message = itest_error_message(r);

	if (r->status != status) {
		print_error("want HTTP status %ld (error \"%s\"), got %ld\n", status, code,
		            r->status);
		goto fail;
	}
	if (!r->content_type ||
	    !content_type_equals(r->content_type, "application/json; charset=utf-8")) {
		print_error("want an error with Content-Type application/json; charset=utf-8\n");
		goto fail;
	}
	if (!got_code) {
		print_error("want a body {\"error\":{\"code\":\"%s\",\"message\":…}}\n", code);
		goto fail;
	}
	if (strcmp(got_code, code) != 0) {
		print_error("want error.code \"%s\", got \"%s\"\n", code, got_code);
		goto fail;
	}
	if (!message || !itest_has_cjk(message, strlen(message))) {
		print_error("want error.message in Chinese, got %s\n", message ? message : "none");
		goto fail;
	}
	return;
fail:
	print_response(r);
	_fail(file, line);
}

void itest__assert_location(const struct itest_response *r, const struct itest_client *c,
                            const char *path, const char *file, int line)
{
	char absolute[512];

	snprintf(absolute, sizeof(absolute), "http://127.0.0.1:%d%s", itest_server_port(c->server),
	         path);
	if (r->location && (strcmp(r->location, path) == 0 || strcmp(r->location, absolute) == 0))
		return;
	print_error("want Location %s, got %s\n", path, r->location ? r->location : "(none)");
	print_response(r);
	_fail(file, line);
}
