/*
 * cli/cli_serve — `sanxiang serve`: open the store, start the HTTP server,
 * wait for SIGTERM or SIGINT, then stop gracefully: stop accepting, let
 * in-flight requests finish (up to 10 s), close the database, exit 0.
 *
 * Signals are blocked in every thread (the mask is set before any thread
 * starts) and taken synchronously with sigwait in the main thread, so no
 * handler runs in a random thread and no global flag is needed.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "blob/blob.h"
#include "cli/cli.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "search/zhnorm.h"
#include "service/doctemplates.h"
#include "service/ledger.h"
#include "service/service.h"
#include "store/store.h"

#define SERVE_DRAIN_MS 10000
#define SERVE_PUBLISH_INTERVAL_MS 1000

/* The checkpoint publisher: signs a new checkpoint at most once a second
 * while the log grows (C2SP tlog-checkpoint). Stopped through `stop`. */
struct serve_publisher {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	const struct service *svc;
};

static void *serve__publish_loop(void *arg)
{
	struct serve_publisher *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		struct timespec until;
		struct sx_error err;

		pthread_mutex_unlock(&p->lock);
		sx_error_clear(&err);
		if (service_ledger_publish(NULL, p->svc, &err) < 0)
			sx_log(SX_LOG_ERROR, "ledger: publishing a checkpoint failed: %s %s", err.code,
			       err.detail);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)SERVE_PUBLISH_INTERVAL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&p->lock);
		if (!p->stop)
			pthread_cond_timedwait(&p->wake, &p->lock, &until);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void serve__help(void)
{
	printf("用法：sanxiang serve [--db PATH] [--listen HOST:PORT] [--threads N] [--tls-proxy]\n"
	       "                    [--db-replica DSN]... [--ready-file PATH] [--max-body-bytes N] [--key-dir DIR]\n"
	       "                    [--public-url URL] [--verify-per-minute N]\n"
	       "                    [--login-delay-after N] [--login-delay-base-ms MS]\n"
	       "                    [--login-lockout-after N] [--login-lockout-seconds S]\n"
	       "                    [--session-idle-seconds S] [--session-max-seconds S]\n"
	       "                    [--blob-dir DIR] [--max-evidence-bytes N]\n\n"
	       "在 HOST:PORT（默认 $SANXIANG_LISTEN 或 %s）上提供公众门户 /、工作人员界面 /staff/\n"
	       "和 JSON API /api/v1/。证据文件存放在 --blob-dir（SQLite 默认为数据库所在目录下的\n"
	       "blobs，PostgreSQL 必须指定）。收到 SIGTERM 或 SIGINT 后停止接收新连接，等待进行中\n"
	       "的请求完成（最多 10 秒），关闭数据库后以 0 退出。详见 docs/cli.md。\n",
	       CLI_DEFAULT_LISTEN);
}

/* Parses a non-negative integer flag value within [0, max]. */
static int serve__number(long long *out, const char *text, long long max)
{
	char *end = NULL;
	long long n;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < 0 || n > max)
		return SX_EINVALID;
	*out = n;
	return 0;
}

/* Writes the port to path atomically (temp file + rename), so a reader never
 * sees a half-written file. */
static int serve__write_ready(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return SX_EINVALID;
	f = fopen(tmp, "w");
	if (f == NULL)
		return SX_EIO;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return SX_EIO;
	return 0;
}

struct serve_flags {
	const char *db;
	const char *listen;
	const char *ready_file;
	const char *key_dir;
	const char *public_url;
	const char *blob_dir;      /* NULL = <db dir>/blobs (SQLite only) */
	bool tls_proxy;
	long long threads;
	long long max_body_bytes;
	long long max_evidence_bytes;
	/* --db-replica, repeatable: PostgreSQL replicas for public reads. */
	const char *replicas[STORE_MAX_REPLICAS];
	int replica_count;
};

int cli_serve(int argc, char **argv)
{
	struct serve_flags flags = {.db = cli_default_db(),
				    .max_body_bytes = 1024 * 1024,
				    .max_evidence_bytes = (long long)BLOB_DEFAULT_MAX_BYTES};
	struct blob_store_options blob_opt;
	struct blob_store *blobs = NULL;
	struct doctemplates *templates = NULL;
	struct zhnorm *zh = NULL;
	char blob_dir[4096];
	struct store_options store_opt;
	long long verify_per_minute = 60;
	char public_url[512];
	struct serve_publisher publisher;
	pthread_t publisher_thread;
	char key_dir[4096];
	struct store *st = NULL;
	struct service svc;
	struct http_app app;
	struct http_server *srv = NULL;
	struct http_server_options opt;
	struct sx_error err;
	sigset_t signals;
	const char *env_listen = getenv("SANXIANG_LISTEN");
	int sig = 0;
	int rc;

	if (cli_wants_help(argc, argv)) {
		serve__help();
		return CLI_EXIT_OK;
	}
	flags.listen = env_listen && env_listen[0] ? env_listen : CLI_DEFAULT_LISTEN;
	sx_error_clear(&err);
	service_init(&svc, NULL);
	for (int i = 1; i < argc; i++) {
		const char *value = NULL;
		long long n = 0;
		int got;

		if (strcmp(argv[i], "--tls-proxy") == 0) {
			flags.tls_proxy = true;
			continue;
		}
		if ((got = cli_flag(&value, argc, argv, &i, "--db-replica")) != 0) {
			if (got < 0)
				return cli_usage_error("serve", "--db-replica 需要一个值");
			if (flags.replica_count == STORE_MAX_REPLICAS)
				return cli_usage_error("serve", "--db-replica 最多 %d 个",
						       STORE_MAX_REPLICAS);
			flags.replicas[flags.replica_count++] = value;
			continue;
		}
#define SERVE_TEXT_FLAG(name, field)                                                               \
	if ((got = cli_flag(&value, argc, argv, &i, name)) != 0) {                                 \
		if (got < 0)                                                                       \
			return cli_usage_error("serve", "%s 需要一个值", name);                    \
		field = value;                                                                     \
		continue;                                                                          \
	}
#define SERVE_NUMBER_FLAG(name, max, target)                                                       \
	if ((got = cli_flag(&value, argc, argv, &i, name)) != 0) {                                 \
		if (got < 0 || serve__number(&n, value, max) < 0)                                  \
			return cli_usage_error("serve", "%s 需要 0 到 %lld 之间的整数", name,         \
					       (long long)(max));                                  \
		target = n;                                                                        \
		continue;                                                                          \
	}
		SERVE_TEXT_FLAG("--db", flags.db)
		SERVE_TEXT_FLAG("--listen", flags.listen)
		SERVE_TEXT_FLAG("--ready-file", flags.ready_file)
		SERVE_TEXT_FLAG("--key-dir", flags.key_dir)
		SERVE_TEXT_FLAG("--public-url", flags.public_url)
		SERVE_TEXT_FLAG("--blob-dir", flags.blob_dir)
		SERVE_NUMBER_FLAG("--max-evidence-bytes", 1LL << 40, flags.max_evidence_bytes)
		SERVE_NUMBER_FLAG("--verify-per-minute", 100000, verify_per_minute)
		SERVE_NUMBER_FLAG("--threads", 1024, flags.threads)
		SERVE_NUMBER_FLAG("--max-body-bytes", 64LL * 1024 * 1024, flags.max_body_bytes)
		SERVE_NUMBER_FLAG("--login-delay-after", 1000, svc.throttle.delay_after)
		SERVE_NUMBER_FLAG("--login-delay-base-ms", 3600000, svc.throttle.delay_base_ms)
		SERVE_NUMBER_FLAG("--login-lockout-after", 1000, svc.throttle.lockout_after)
		SERVE_NUMBER_FLAG("--login-lockout-seconds", 86400 * 30, svc.throttle.lockout_seconds)
		SERVE_NUMBER_FLAG("--session-idle-seconds", 86400 * 30, svc.session.idle_seconds)
		SERVE_NUMBER_FLAG("--session-max-seconds", 86400 * 30, svc.session.max_seconds)
#undef SERVE_TEXT_FLAG
#undef SERVE_NUMBER_FLAG
		return cli_usage_error("serve", "未知参数：%s", argv[i]);
	}
	if (flags.public_url == NULL) {
		snprintf(public_url, sizeof(public_url), "http://%s", flags.listen);
	} else {
		size_t len = strlen(flags.public_url);

		size_t scheme = strncmp(flags.public_url, "https://", 8) == 0   ? 8
				: strncmp(flags.public_url, "http://", 7) == 0 ? 7
									     : 0;

		/* A scheme, then a host: "https://" alone would make QR links
		 * like "https:/verify/…". */
		if (scheme == 0 || len >= sizeof(public_url) || len == scheme ||
		    flags.public_url[scheme] == '/' ||
		    strpbrk(flags.public_url, " \t\r\n\"<>") != NULL)
			return cli_usage_error("serve",
					       "--public-url 须为 http:// 或 https:// 开头且带主机名的地址");
		memcpy(public_url, flags.public_url, len + 1);
		/* Links are built as public_url + "/path". */
		while (len > 0 && public_url[len - 1] == '/')
			public_url[--len] = '\0';
	}
	if (verify_per_minute < 1)
		return cli_usage_error("serve", "--verify-per-minute 至少为 1");
	if (flags.max_body_bytes < 1024)
		return cli_usage_error("serve", "--max-body-bytes 至少为 1024");
	if (flags.max_evidence_bytes < 1)
		return cli_usage_error("serve", "--max-evidence-bytes 至少为 1");
	if (flags.blob_dir != NULL && flags.blob_dir[0] == '\0')
		return cli_usage_error("serve", "--blob-dir 不能为空");
	if (flags.blob_dir == NULL) {
		/* Beside the SQLite file, like its keys; a DSN names no directory. */
		const char *slash;
		int n;

		if (store_dsn_is_postgresql(flags.db))
			return cli_usage_error("serve",
					       "使用 PostgreSQL 时须以 --blob-dir 指定证据文件目录");
		slash = strrchr(flags.db, '/');
		n = slash ? snprintf(blob_dir, sizeof(blob_dir), "%.*s/blobs",
				     (int)(slash - flags.db), flags.db)
			  : snprintf(blob_dir, sizeof(blob_dir), "blobs");
		if (n < 0 || (size_t)n >= sizeof(blob_dir))
			return cli_usage_error("serve", "数据库路径过长：%s", flags.db);
		if (slash == flags.db)
			memcpy(blob_dir, "/blobs", sizeof("/blobs"));
		flags.blob_dir = blob_dir;
	}
	if (svc.session.idle_seconds == 0 || svc.session.max_seconds == 0)
		return cli_usage_error("serve", "会话时长必须大于 0");
	/* A SQLite file has no replicas: only a PostgreSQL primary streams to any. */
	if (flags.replica_count > 0 && !store_dsn_is_postgresql(flags.db))
		return cli_usage_error("serve", "--db-replica 仅用于 PostgreSQL 数据库（--db）");
	for (int i = 0; i < flags.replica_count; i++) {
		if (!store_dsn_is_postgresql(flags.replicas[i]))
			return cli_usage_error("serve", "--db-replica 须为 PostgreSQL 连接串：%s",
					       flags.replicas[i]);
	}

	/* Block the stop signals before any thread exists, so all inherit the
	 * mask and only sigwait below receives them. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (flags.key_dir == NULL) {
		if (service_ledger_default_key_dir(key_dir, sizeof(key_dir), flags.db) < 0)
			return cli_usage_error("serve", "%s", cli_key_dir_problem(flags.db));
		flags.key_dir = key_dir;
	}
	memset(&store_opt, 0, sizeof(store_opt));
	store_opt.replica_dsns = flags.replicas;
	store_opt.replica_count = flags.replica_count;
	if ((rc = store_open(&st, flags.db, &store_opt, &err)) < 0)
		return cli_fail(rc, &err);
	svc.store = st;
	if ((rc = service_ledger_open(&svc, flags.key_dir, &err)) < 0) {
		store_close(st);
		return cli_fail(rc, &err);
	}
	memset(&blob_opt, 0, sizeof(blob_opt));
	blob_opt.root = flags.blob_dir;
	blob_opt.max_bytes = (uint64_t)flags.max_evidence_bytes;
	if ((rc = blob_store_open(&blobs, &blob_opt, &err)) < 0 ||
	    (rc = doctemplates_load(&templates, &err)) < 0) {
		blob_store_close(blobs);
		service_ledger_close(&svc);
		store_close(st);
		return cli_fail(rc, &err);
	}
	svc.blobs = blobs;
	svc.templates = templates;
	/* Search and publishing need OpenCC's data; without it the rest still serves. */
	if (zhnorm_open(&zh, NULL, &err) < 0)
		sx_log(SX_LOG_ERROR, "search unavailable: %s (%s)", err.message, err.detail);
	svc.zhnorm = zh;
	memset(&app, 0, sizeof(app));
	app.svc = &svc;
	app.tls_proxy = flags.tls_proxy;
	app.max_body_bytes = (size_t)flags.max_body_bytes;
	app.public_url = public_url;
	if (http_ratelimit_create(&app.verify_limit, (int)verify_per_minute,
				  (int)(verify_per_minute < 20 ? verify_per_minute : 20)) < 0) {
		service_ledger_close(&svc);
		doctemplates_free(templates);
		zhnorm_close(zh);
		blob_store_close(blobs);
		store_close(st);
		return cli_fail(SX_ENOMEM, NULL);
	}
	memset(&opt, 0, sizeof(opt));
	opt.listen = flags.listen;
	opt.thread_count = (unsigned)flags.threads;
	if ((rc = http_server_start(&srv, &app, &opt, &err)) < 0) {
		http_ratelimit_free(app.verify_limit);
		service_ledger_close(&svc);
		doctemplates_free(templates);
		zhnorm_close(zh);
		blob_store_close(blobs);
		store_close(st);
		return cli_fail(rc, &err);
	}
	memset(&publisher, 0, sizeof(publisher));
	pthread_mutex_init(&publisher.lock, NULL);
	pthread_cond_init(&publisher.wake, NULL);
	publisher.svc = &svc;
	if (pthread_create(&publisher_thread, NULL, serve__publish_loop, &publisher) != 0) {
		http_server_stop(srv, 0);
		http_ratelimit_free(app.verify_limit);
		service_ledger_close(&svc);
		doctemplates_free(templates);
		zhnorm_close(zh);
		blob_store_close(blobs);
		store_close(st);
		return cli_fail(SX_EINTERNAL, NULL);
	}
	sx_log(SX_LOG_INFO, "sanxiang serving %s on %s (port %u), %d read replica(s)", flags.db,
	       flags.listen, (unsigned)http_server_port(srv), flags.replica_count);
	if (flags.public_url == NULL &&
	    ((strlen(flags.listen) > 2 && strcmp(flags.listen + strlen(flags.listen) - 2, ":0") == 0) ||
	     strncmp(flags.listen, "0.0.0.0:", 8) == 0 || strncmp(flags.listen, "[::]:", 5) == 0))
		sx_log(SX_LOG_WARN, "QR codes will link to %s, which phones cannot reach: "
				    "set --public-url", public_url);
	if (flags.ready_file && serve__write_ready(flags.ready_file, http_server_port(srv)) < 0)
		sx_log(SX_LOG_ERROR, "cannot write ready file %s", flags.ready_file);

	while (sigwait(&signals, &sig) != 0)
		;
	sx_log(SX_LOG_INFO, "signal %d: stopping (draining up to %d ms)", sig, SERVE_DRAIN_MS);
	http_server_stop(srv, SERVE_DRAIN_MS);
	pthread_mutex_lock(&publisher.lock);
	publisher.stop = true;
	pthread_cond_signal(&publisher.wake);
	pthread_mutex_unlock(&publisher.lock);
	pthread_join(publisher_thread, NULL);
	/* A last checkpoint, so what was acknowledged before the stop is covered. */
	if (service_ledger_publish(NULL, &svc, &err) < 0)
		sx_log(SX_LOG_ERROR, "ledger: final checkpoint failed: %s", err.detail);
	pthread_cond_destroy(&publisher.wake);
	pthread_mutex_destroy(&publisher.lock);
	http_ratelimit_free(app.verify_limit);
	service_ledger_close(&svc);
	/* After the server stopped: no upload handle is out any more. */
	doctemplates_free(templates);
	zhnorm_close(zh);
	blob_store_close(blobs);
	store_close(st);
	sx_log(SX_LOG_INFO, "stopped cleanly");
	return CLI_EXIT_OK;
}
