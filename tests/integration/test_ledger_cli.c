/*
 * Integration: the offline proof bundle end to end with the real binary.
 *
 * A server runs on a fresh database; the test notes its first checkpoint (the
 * "old" one an auditor might have kept), records two events about a new user
 * through the JSON API (create, then disable), waits until a checkpoint
 * covers them (the server publishes within about a second), takes the keys
 * from GET /ledger/keys and stops the server. Then, with no server running:
 *
 *   - `sanxiang export-proof --case <user id> --from-size <old size>` writes
 *     the bundle, mode 0644, and refuses to overwrite it (exit 5);
 *   - `sanxiang verify FILE --key "<keys>" --old-checkpoint OLD` exits 0 and
 *     names both events and the consistency with the old checkpoint;
 *   - without --key it still exits 0 but warns that the keys are unproven;
 *   - one changed byte in a leaf's data makes it exit 1 with a Chinese
 *     message and the code leaf_hash_mismatch;
 *   - a bundle without a consistency proof from the old size fails
 *     (consistency_missing) when the old checkpoint is given;
 *   - an event recorded after the last checkpoint (by `sanxiang user passwd`,
 *     with no server to sign) is listed as pending, not proved;
 *   - an entity without events is exit 4, bad usage exit 2.
 *
 * Spec: docs/ledger.md (bundle format, exit codes), c2sp.org/signed-note.
 */
#include "itest.h"

#include "base/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USER_PASSWORD "Ledger-Cli-Password-1"
#define POLL_LIMIT_MS 30000

/* ---- running the binary ---- */

struct run_result {
	int exit_code; /* -1 when it did not exit normally */
	char *output;  /* stdout and stderr interleaved, NUL-terminated; sx_free */
	size_t len;
};

/*
 * Runs argv (argv[0] is replaced by $SANXIANG_BIN) with input (may be NULL) on
 * its standard input, and collects its output.
 */
static void run_input(struct run_result *out, const char *const *argv, const char *input)
{
	const char *bin = getenv("SANXIANG_BIN");
	char *args[16];
	size_t n = 0, cap = 0;
	int pipe_fds[2], in_fds[2];
	int status = 0;
	pid_t pid;

	assert_non_null(bin);
	memset(out, 0, sizeof(*out));
	args[0] = (char *)bin;
	for (n = 1; argv[n] != NULL; n++) {
		assert_true(n < 15);
		args[n] = (char *)argv[n];
	}
	args[n] = NULL;
	assert_int_equal(pipe(pipe_fds), 0);
	assert_int_equal(pipe(in_fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in_fds[0], 0);
		dup2(pipe_fds[1], 1);
		dup2(pipe_fds[1], 2);
		close(in_fds[0]);
		close(in_fds[1]);
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		execv(args[0], args);
		_exit(127);
	}
	close(pipe_fds[1]);
	close(in_fds[0]);
	/* A line of input fits in the pipe's buffer; the child reads it or exits. */
	if (input != NULL)
		assert_int_equal(write(in_fds[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in_fds[1]);
	n = 0;
	for (;;) {
		ssize_t got;

		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			out->output = sx_realloc(out->output, cap);
			assert_non_null(out->output);
		}
		got = read(pipe_fds[0], out->output + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		assert_true(got >= 0);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(pipe_fds[0]);
	out->output[n] = '\0';
	out->len = n;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run(struct run_result *out, const char *const *argv)
{
	run_input(out, argv, NULL);
}

static void run_free(struct run_result *r)
{
	sx_free(r->output);
	memset(r, 0, sizeof(*r));
}

static void expect_exit(const struct run_result *r, int code, const char *needle)
{
	if (r->exit_code != code || (needle && strstr(r->output, needle) == NULL))
		fail_msg("exit %d (want %d), output lacks \"%s\"?\n%s", r->exit_code, code,
			 needle ? needle : "", r->output);
}

/* ---- files ---- */

static char *path_in(const struct itest_server *s, const char *name)
{
	size_t len = strlen(itest_server_dir(s)) + 1 + strlen(name) + 1;
	char *p = sx_malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s/%s", itest_server_dir(s), name);
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	data = sx_malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	data[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return data;
}

/* ---- the server side ---- */

static void sleep_briefly(void)
{
	struct timespec ts = {0, 50 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

/* The tree size on the checkpoint note's second line. */
static unsigned long long note_size(const char *note)
{
	const char *line = strchr(note, '\n');

	assert_non_null(line);
	return strtoull(line + 1, NULL, 10);
}

/* Polls GET /ledger/checkpoint until its size exceeds min_size; returns the note (sx_free). */
static char *wait_for_checkpoint(struct itest_client *c, unsigned long long min_size)
{
	for (int waited = 0; waited < POLL_LIMIT_MS; waited += 50) {
		struct itest_response r;

		assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
		if (r.status == 200 && note_size(r.body) > min_size) {
			char *note = sx_strdup(r.body);

			assert_non_null(note);
			itest_response_free(&r);
			return note;
		}
		itest_response_free(&r);
		sleep_briefly();
	}
	fail_msg("no checkpoint above size %llu within %d ms", min_size, POLL_LIMIT_MS);
	return NULL;
}

/* Creates a user like the demo officer and disables it; returns its id (sx_free). */
static char *user_with_two_events(struct itest_client *c, long long *last_index)
{
	struct itest_response r;
	char *csrf = NULL, *id = NULL, *text, path[256];
	json_t *officer, *body;

	assert_int_equal(itest_login_response(&r, c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	officer = json_incref(json_object_get(r.json, "user"));
	itest_response_free(&r);

	assert_int_equal(itest_login(&csrf, c, "admin", ITEST_DEMO_PASSWORD), 0);
	body = json_pack("{s:s, s:s, s:s, s:O, s:O}", "username", "ledger_cli_user",
			 "display_name", "证明包测试", "password", USER_PASSWORD, "role",
			 json_object_get(officer, "role"), "agency_id",
			 json_object_get(officer, "agency_id"));
	assert_non_null(body);
	text = json_dumps(body, JSON_COMPACT);
	assert_non_null(text);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/users", text, csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	id = sx_strdup(json_string_value(json_object_get(json_object_get(r.json, "user"), "id")));
	assert_non_null(id);
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/api/v1/users/%s/disable", id);
	assert_int_equal(itest_send_json(&r, c, "POST", path, "{}", csrf), 0);
	ITEST_ASSERT_STATUS(r, 200);
	*last_index = json_integer_value(json_object_get(r.json, "ledger_index"));
	assert_true(*last_index > 0);
	itest_response_free(&r);

	free(text);
	json_decref(body);
	json_decref(officer);
	sx_free(csrf);
	return id;
}

/* ---- the test ---- */

static void test_case_bundle_is_exported_and_verified_offline(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = NULL;
	struct itest_response keys_r;
	struct run_result r;
	char *db = path_in(s, "test.db");
	char *bundle = path_in(s, "case.json");
	char *bare = path_in(s, "bare.json");
	char *pending = path_in(s, "pending.json");
	char *corrupt = path_in(s, "corrupt.json");
	char *old_path = path_in(s, "old.note");
	char *keys, *old, *final, *id, *data, *digit;
	char from_size[32];
	long long last_index = 0;
	struct stat st;
	size_t len = 0;

	if (itest_server_port(s) == 0)
		assert_int_equal(itest_server_restart(s), 0);
	assert_int_equal(itest_client_new(&c, s), 0);

	old = wait_for_checkpoint(c, 0);
	write_file(old_path, old, strlen(old));
	snprintf(from_size, sizeof(from_size), "%llu", note_size(old));
	id = user_with_two_events(c, &last_index);
	final = wait_for_checkpoint(c, (unsigned long long)last_index);
	assert_true(note_size(final) > note_size(old));
	assert_int_equal(itest_get(&keys_r, c, "/ledger/keys"), 0);
	ITEST_ASSERT_STATUS(keys_r, 200);
	keys = keys_r.body;
	itest_client_free(c);
	assert_int_equal(itest_server_stop(s), 0);

	/* Export, with a consistency proof from the old checkpoint's size. */
	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", id, "--out",
				      bundle, "--from-size", from_size, NULL});
	expect_exit(&r, 0, "已导出");
	run_free(&r);
	assert_int_equal(stat(bundle, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", id, "--out",
				      bundle, NULL});
	expect_exit(&r, 5, "file_exists");
	run_free(&r);

	/* Verify against the published keys and the old checkpoint. */
	run(&r, (const char *const[]){"sanxiang", "verify", bundle, "--key", keys,
				      "--old-checkpoint", old_path, NULL});
	expect_exit(&r, 0, "核验通过");
	expect_exit(&r, 0, "user.create");
	expect_exit(&r, 0, "user.disable");
	expect_exit(&r, 0, "未发现分叉");
	assert_null(strstr(r.output, "警告"));
	run_free(&r);

	/* Without a trusted key: holds, with a warning. */
	run(&r, (const char *const[]){"sanxiang", "verify", bundle, NULL});
	expect_exit(&r, 0, "警告");
	run_free(&r);

	/* One changed byte of a leaf's data: the timestamp's first digit. */
	data = read_file(bundle, &len);
	digit = strstr(data, "\"data\": \"{\\\"at\\\":\\\"");
	assert_non_null(digit);
	digit += strlen("\"data\": \"{\\\"at\\\":\\\"");
	*digit = *digit == '2' ? '3' : '2';
	write_file(corrupt, data, len);
	sx_free(data);
	run(&r, (const char *const[]){"sanxiang", "verify", corrupt, "--key", keys, NULL});
	expect_exit(&r, 1, "leaf_hash_mismatch");
	assert_true(itest_has_cjk(r.output, r.len));
	run_free(&r);

	/* Without --from-size the old checkpoint cannot be linked to the bundle's. */
	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", id, "--out",
				      bare, NULL});
	expect_exit(&r, 0, NULL);
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "verify", bare, "--key", keys, "--old-checkpoint",
				      old_path, NULL});
	expect_exit(&r, 1, "consistency_missing");
	run_free(&r);

	/* An event after the last checkpoint (the CLI records it, nobody signs): named, not
	 * proved. */
	run_input(&r,
		  (const char *const[]){"sanxiang", "user", "passwd", "--username",
					"ledger_cli_user", "--password-stdin", "--db", db, NULL},
		  "Ledger-Cli-Password-2\n");
	expect_exit(&r, 0, NULL);
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", id, "--out",
				      pending, NULL});
	expect_exit(&r, 0, "另有 1 个事件");
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "verify", pending, "--key", keys, NULL});
	expect_exit(&r, 0, "另有 1 个事件");
	expect_exit(&r, 0, "user.disable");
	run_free(&r);

	itest_response_free(&keys_r);
	sx_free(id);
	sx_free(old);
	sx_free(final);
	sx_free(db);
	sx_free(bundle);
	sx_free(bare);
	sx_free(pending);
	sx_free(corrupt);
	sx_free(old_path);
}

static void test_export_and_verify_refuse_what_they_cannot_do(void **state)
{
	struct itest_server *s = *state;
	char *db = path_in(s, "test.db");
	char *out = path_in(s, "nobody.json");
	struct run_result r;

	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case",
				      "01NOSUCHENTITY0000000000000", "--out", out, NULL});
	expect_exit(&r, 4, "no_events");
	assert_true(itest_has_cjk(r.output, r.len));
	run_free(&r);
	assert_int_not_equal(access(out, F_OK), 0);

	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", "x", NULL});
	expect_exit(&r, 2, "--out");
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "export-proof", "--db", db, "--case", "x",
				      "--out", out, "--from-size", "0", NULL});
	expect_exit(&r, 2, "--from-size");
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "verify", NULL});
	expect_exit(&r, 2, NULL);
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "verify", out, "--key", "not-a-key", NULL});
	expect_exit(&r, 2, "--key");
	run_free(&r);
	run(&r, (const char *const[]){"sanxiang", "verify", out, NULL});
	expect_exit(&r, 1, "核验失败");
	run_free(&r);
	sx_free(db);
	sx_free(out);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_bundle_is_exported_and_verified_offline),
		cmocka_unit_test(test_export_and_verify_refuse_what_they_cannot_do),
	};

	return ITEST_RUN_GROUP("ledger_cli", tests, NULL);
}
