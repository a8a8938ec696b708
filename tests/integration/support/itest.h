/*
 * itest — support for the integration tests: a real `sanxiang serve` process
 * on 127.0.0.1 and libcurl clients that speak HTTP to it.
 *
 * A server lives in its own temporary directory (mkdtemp under $TMPDIR or
 * /tmp) that holds the database (test.db), the ready file the server writes
 * once it listens, setup.log (output of `init` and `demo`) and server.log
 * (stdout and stderr of every `serve` run, appended across restarts). The
 * binary is the one named by the environment variable SANXIANG_BIN.
 *
 * Invariants: at most one serve process per struct itest_server; pid is 0
 * exactly when no child is running; the port is re-read from the ready file
 * on every start, so a restarted server may listen on another port and a
 * client always builds URLs from the server's current port. Children receive
 * SIGKILL if the test process dies (PR_SET_PDEATHSIG), so a crashed test does
 * not leave servers behind.
 *
 * Waiting never sleeps a fixed time: it polls (waitpid WNOHANG, the ready
 * file) with short nanosleeps under a bound (60 s to become ready, because
 * sanitizer builds start slowly; 30 s to exit after a signal).
 *
 * What this does not do: it does not follow redirects (tests assert on 303s),
 * does not speak TLS, and does not interpret the server's answers beyond
 * splitting headers and parsing JSON; the tests decide what is right.
 *
 * Spec followed: RFC 9110 (HTTP semantics), RFC 6265 (cookies; the client
 * keeps its own in-memory cookie engine like a browser).
 */
#ifndef SX_ITEST_H
#define SX_ITEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

/* The password every demo user has after `sanxiang demo`. */
#define ITEST_DEMO_PASSWORD "Sanxiang@2026"

/* ---- server process ---------------------------------------------------------------------- */

struct itest_server;

/*
 * Creates a temp dir, runs `$SANXIANG_BIN init --db DIR/test.db` and
 * `$SANXIANG_BIN demo --db DIR/test.db` (both must exit 0), then starts
 * `serve --db DIR/test.db --listen 127.0.0.1:0 --ready-file DIR/ready <extra>`
 * and waits until the ready file names the port.
 *
 * extra_serve_args: NULL-terminated list of further serve arguments, or NULL;
 * copied, so the caller may free it afterwards (restarts reuse it).
 * Returns 0 and *out (free with itest_server_free), or SX_EINVALID (no
 * SANXIANG_BIN), SX_EIO (a step failed or the server exited early; the reason
 * and the log are printed to stderr), SX_EBUSY (not ready within 60 s),
 * SX_ENOMEM. On error nothing is left running and the temp dir is removed.
 */
int itest_server_start(struct itest_server **out, const char *const *extra_serve_args);

/*
 * Starts serve again on the same database with the same arguments, after
 * itest_server_kill or itest_server_stop. Returns 0, SX_EINVALID if a server
 * is still running, or the errors of itest_server_start.
 */
int itest_server_restart(struct itest_server *s);

/*
 * Sends sig to the server and reaps it (bounded 30 s; after that SIGKILL).
 * Returns the wait status (>= 0, inspect with WIFEXITED/WTERMSIG…),
 * SX_EINVALID if no server is running, or SX_EBUSY if it had to be SIGKILLed
 * because it did not exit in time.
 */
int itest_server_kill(struct itest_server *s, int sig);

/*
 * Graceful stop: SIGTERM, wait up to 30 s. Returns 0 only if the server
 * exited with status 0; SX_EIO if it exited otherwise (printed), SX_EBUSY if
 * it had to be SIGKILLed, SX_EINVALID if none was running.
 */
int itest_server_stop(struct itest_server *s);

/* Marks the server's tests as failed, so that itest_server_free prints its log. */
void itest_server_mark_failed(struct itest_server *s);

/*
 * Stops the server if it is running (a non-zero exit marks it failed), prints
 * DIR/server.log to stderr if it is marked failed, and removes the temp dir —
 * unless SANXIANG_KEEP_TEST_DIR is set, then the dir is kept and named on
 * stderr. s may be NULL.
 */
void itest_server_free(struct itest_server *s);

/* The port the running server listens on; 0 when none is running. */
int itest_server_port(const struct itest_server *s);

/* The server's temp dir (owned by s). */
const char *itest_server_dir(const struct itest_server *s);

/*
 * Runs a cmocka group against one fresh server started with extra_serve_args:
 * each test receives the struct itest_server * as *state. After the group the
 * server is stopped with SIGTERM and must exit 0 (otherwise that counts as a
 * failure). On any failure the server log is printed. Returns the number of
 * failures (every test counts as failed if the server cannot start).
 * The tests' initial_state fields are overwritten.
 */
int itest_run_group(const char *name, struct CMUnitTest *tests, size_t count,
                    const char *const *extra_serve_args);

#define ITEST_RUN_GROUP(name, tests, extra_serve_args)                                             \
	itest_run_group((name), (tests), sizeof(tests) / sizeof((tests)[0]), (extra_serve_args))

/*
 * The whole of a test program's main(): initialises libcurl, runs the group
 * as itest_run_group does and cleans libcurl up again. Returns the process
 * exit status: 0 when every test passed, 1 when any failed or libcurl could
 * not be initialised (then nothing runs).
 */
int itest_run_group_as_main(const char *name, struct CMUnitTest *tests, size_t count,
                            const char *const *extra_serve_args);

#define ITEST_RUN_GROUP_AS_MAIN(name, tests, extra_serve_args)                                     \
	itest_run_group_as_main((name), (tests), sizeof(tests) / sizeof((tests)[0]),               \
	                        (extra_serve_args))

/*
 * Runs a helper program (a tool the test needs, not the server) to completion:
 * argv[0] is looked up on PATH, envp is its environment (NULL: this
 * process's), stdout and stderr go to output_path (created or truncated, mode
 * 0600), stdin is inherited. Waits for it at most timeout_ms; a program still
 * running then is killed with SIGKILL and reaped.
 * Returns 0 and *out = its wait status (inspect with WIFEXITED…); SX_EBUSY if
 * it had to be killed (*out is then the status of the killed program);
 * SX_ENOTFOUND if argv[0] is not on PATH; SX_EIO if it could not be started or
 * waited for (printed); SX_ENOMEM.
 */
int itest_run_program(int *out, char *const *argv, char *const *envp, const char *output_path,
                      int64_t timeout_ms);

/* ---- time -------------------------------------------------------------------------------- */

/* Milliseconds on the monotonic clock, for deadlines of bounded polls. */
int64_t itest_now_ms(void);

/* Sleeps ms milliseconds (ms >= 0), resuming after signals; for the pause between polls. */
void itest_sleep_ms(long ms);

/* ---- HTTP client ------------------------------------------------------------------------- */

struct itest_client;

/*
 * A libcurl easy handle with its own in-memory cookie engine, bound to s
 * (borrowed: s must outlive the client). Returns 0 and *out (free with
 * itest_client_free), SX_ENOMEM or SX_EIO.
 */
int itest_client_new(struct itest_client **out, struct itest_server *s);

/* Frees c and its cookies; c may be NULL. */
void itest_client_free(struct itest_client *c);

struct itest_header {
	char *name;  /* as received, e.g. "Set-Cookie" */
	char *value; /* without surrounding whitespace */
};

/* One HTTP response; everything is owned and freed by itest_response_free. */
struct itest_response {
	long status;                  /* final status code (interim 1xx responses are skipped) */
	char *body;                   /* NUL-terminated for convenience; never NULL after success */
	size_t body_len;              /* bytes, without the NUL */
	char *content_type;           /* Content-Type value; NULL if absent */
	char *set_cookie;             /* all Set-Cookie values joined with '\n'; NULL if none */
	char *location;               /* Location value as sent; NULL if absent */
	json_t *json;                 /* the body parsed as JSON; NULL if it is not JSON */
	struct itest_header *headers; /* headers of the final response, in order */
	size_t header_count;
};

/*
 * Sends one request to the client's server and reads the whole answer.
 *
 * method: "GET", "POST", "DELETE", "PATCH", … path: starts with '/'.
 * content_type: sent as Content-Type; NULL sends none (libcurl's form default
 * is suppressed). body/body_len: request body, or NULL. extra_headers:
 * NULL-terminated "Name: value" strings, or NULL.
 * Returns 0 and *out (free with itest_response_free) for any HTTP status;
 * SX_EIO if no HTTP response arrived (printed), SX_ETOOBIG if the body
 * exceeds 64 MiB, SX_ENOMEM. On error *out is zeroed.
 */
int itest_request(struct itest_response *out, struct itest_client *c, const char *method,
                  const char *path, const char *content_type, const char *body, size_t body_len,
                  const char *const *extra_headers);

/* GET path without extra headers. Returns as itest_request. */
int itest_get(struct itest_response *out, struct itest_client *c, const char *path);

/*
 * Sends a JSON body (a NUL-terminated text, may be NULL for none) with
 * Content-Type application/json and, when csrf_token is not NULL, the header
 * X-CSRF-Token. Returns as itest_request.
 */
int itest_send_json(struct itest_response *out, struct itest_client *c, const char *method,
                    const char *path, const char *json_text, const char *csrf_token);

/*
 * PUTs bytes start..end (inclusive) of an upload of total_bytes to
 * /api/v1/uploads/<upload_id> (docs/evidence-upload.md): application/octet-stream with
 * "Content-Range: bytes START-END/TOTAL" and, when csrf_token is not NULL, X-CSRF-Token.
 * data is the whole file; the bytes sent are data[start..end]. For refused ranges, build
 * the request with itest_request. Returns as itest_request; SX_EINVALID (with *out zeroed,
 * nothing sent) when end < start, end >= total_bytes or upload_id is too long.
 */
int itest_upload_put(struct itest_response *out, struct itest_client *c, const char *upload_id,
                     const char *data, size_t start, size_t end, size_t total_bytes,
                     const char *csrf_token);

/* Frees what r holds and zeroes it; r may be NULL or zeroed. */
void itest_response_free(struct itest_response *r);

/* The first header called name (case-insensitive), borrowed from r; NULL if absent. */
const char *itest_response_header(const struct itest_response *r, const char *name);

/*
 * The value of the cookie called name set by r (first Set-Cookie for it).
 * Returns 0 and *out (free with sx_free), SX_ENOTFOUND, SX_ENOMEM.
 */
int itest_response_cookie(char **out, const struct itest_response *r, const char *name);

/*
 * Whether r's Set-Cookie for cookie name carries attribute attr, compared
 * case-insensitively: "HttpOnly", "Secure", "SameSite=Strict", "Path=/".
 * False if r does not set that cookie.
 */
bool itest_response_cookie_has(const struct itest_response *r, const char *name, const char *attr);

/* The "error.code" string of a JSON error body, borrowed from r; NULL if not one. */
const char *itest_error_code(const struct itest_response *r);

/* The "error.message" string of a JSON error body, borrowed from r; NULL if not one. */
const char *itest_error_message(const struct itest_response *r);

/*
 * POST /api/v1/session as username/password; fills *out with the response
 * whatever its status. Returns as itest_request.
 */
int itest_login_response(struct itest_response *out, struct itest_client *c, const char *username,
                         const char *password);

/*
 * Logs c in (the session cookie lands in c's cookie engine). Returns 0 and
 * *out = a copy of the csrf_token (free with sx_free) if the server answered
 * 201 with a csrf_token; SX_EAUTH (status and body printed) otherwise, or the
 * errors of itest_request.
 */
int itest_login(char **out, struct itest_client *c, const char *username, const char *password);

/*
 * Logs in as the demo user "officer" with a client of its own and returns
 * what a test needs to create users like it: *role (user.role, free with
 * sx_free) and *agency (user.agency_id, any JSON value, json_decref). Returns
 * 0; SX_EAUTH (status and body printed) unless the server answered 201 with
 * a string user.role and a user.agency_id; SX_ENOMEM; or the errors of
 * itest_client_new and itest_request. On error *role and *agency are NULL.
 */
int itest_demo_officer_role_and_agency(char **role, json_t **agency, struct itest_server *s);

/*
 * An id-like JSON value (integer or string) as text, for URLs and messages.
 * Returns 0 and *out (free with sx_free), SX_EINVALID for other types, SX_ENOMEM.
 */
int itest_json_id_text(char **out, const json_t *v);

/*
 * URL-encodes s for an application/x-www-form-urlencoded body. Returns 0 and
 * *out (free with sx_free), SX_ENOMEM.
 */
int itest_form_escape(char **out, struct itest_client *c, const char *s);

/* ---- HTML -------------------------------------------------------------------------------- */

struct itest_slice {
	const char *ptr; /* borrowed */
	size_t len;      /* bytes */
};

/*
 * Finds the first <form> element in html[0..len) whose action attribute is
 * exactly action and sets *out to the text from "<form" through "</form>"
 * (or to the end of html if the form is not closed). Returns 0 or SX_ENOTFOUND.
 */
int itest_html_find_form(struct itest_slice *out, const char *html, size_t len, const char *action);

/*
 * Finds the first element <tag …> in html[0..len) that has attribute
 * match_name equal to match_value (both NULL: the first such element) and
 * returns the value of its attribute attr, with the entities &amp; &lt; &gt;
 * &quot; &#39; &#x27; decoded; an attribute without a value gives "".
 * Tag and attribute names are compared case-insensitively, values exactly.
 * Returns 0 and *out (free with sx_free), SX_ENOTFOUND, SX_ENOMEM.
 */
int itest_html_attribute(char **out, const char *html, size_t len, const char *tag,
                         const char *match_name, const char *match_value, const char *attr);

/* Whether s[0..len) contains a CJK unified ideograph (U+4E00..U+9FFF) in UTF-8. */
bool itest_has_cjk(const char *s, size_t len);

/* ---- assertions (cmocka; failures are reported at the caller's line) --------------------- */

void itest__assert_status(const struct itest_response *r, long status, const char *file, int line);
void itest__assert_api_error(const struct itest_response *r, long status, const char *code,
                             const char *file, int line);
void itest__assert_content_type(const struct itest_response *r, const char *want, const char *file,
                                int line);
void itest__assert_location(const struct itest_response *r, const struct itest_client *c,
                            const char *path, const char *file, int line);

/* The response has this status; on mismatch the body is printed. */
#define ITEST_ASSERT_STATUS(r, status) itest__assert_status(&(r), (status), __FILE__, __LINE__)

/*
 * The response is an API error: this status, Content-Type
 * application/json; charset=utf-8, body {"error":{"code":code,"message":…}}
 * with a message that contains Chinese text.
 */
#define ITEST_ASSERT_API_ERROR(r, status, code)                                                    \
	itest__assert_api_error(&(r), (status), (code), __FILE__, __LINE__)

/* Content-Type equals want, ignoring case and blanks around ';'. */
#define ITEST_ASSERT_CONTENT_TYPE(r, want)                                                         \
	itest__assert_content_type(&(r), (want), __FILE__, __LINE__)

/* Location is path, either as given or as an absolute URL to the client's server. */
#define ITEST_ASSERT_LOCATION(r, c, path)                                                          \
	itest__assert_location(&(r), (c), (path), __FILE__, __LINE__)

#endif
