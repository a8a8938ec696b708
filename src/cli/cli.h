/*
 * cli — the sanxiang subcommands. main() only picks the command and calls
 * cli_<name>(argc, argv) with argv[0] = the command name. Each command parses
 * its own flags (cli_flag helpers), does its work through the service layer,
 * prints for people on stdout (errors on stderr, in Chinese, with the stable
 * code), and returns a documented exit code (docs/cli.md).
 */
#ifndef SX_CLI_CLI_H
#define SX_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,     /* runtime failure: database, I/O */
	CLI_EXIT_USAGE = 2,       /* unknown command or flag, missing argument */
	CLI_EXIT_INVALID = 3,     /* invalid input */
	CLI_EXIT_NOT_FOUND = 4,
	CLI_EXIT_EXISTS = 5,      /* already exists / already initialized */
	CLI_EXIT_TOO_NEW = 6,     /* database schema newer than this binary */
	CLI_EXIT_PERM = 7,        /* permission denied */
};

#define CLI_DEFAULT_DB "var/sanxiang.db"
#define CLI_DEFAULT_LISTEN "127.0.0.1:8080"

/* Maps an SX_E* code to an exit code. */
int cli_exit_code(int rc);

/* Prints err to stderr ("错误[code]: message") and the detail to the log;
 * returns cli_exit_code(err->rc or rc). */
int cli_fail(int rc, const struct sx_error *err);

/* Prints a usage error and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * If argv[*i] is `name VALUE` or `name=VALUE`, stores VALUE in *value,
 * advances *i past it and returns 1; returns 0 if argv[*i] is another flag,
 * and -1 when the flag lacks its value.
 */
int cli_flag(const char **value, int argc, char **argv, int *i, const char *name);

/* Whether argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/* The database: --db, else $SANXIANG_DB, else var/sanxiang.db. */
const char *cli_default_db(void);

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_migrate_store(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_ledger(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_export_proof(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_export_case(int argc, char **argv);

struct bundle_verify_options;

/* `verify` of a case archive (a ZIP, service/case_archive.h): prints the
 * report and returns the exit code (0 all checks hold, 1 otherwise). */
int cli_verify_archive(const char *path, const struct bundle_verify_options *opt);

/*
 * Reads the file at path, at most max_bytes, into *out (NUL-terminated;
 * sx_free) and *len. Errors in Chinese: SX_ENOTFOUND (no such file), SX_EIO,
 * SX_ETOOBIG "too_large" with "文件过大：" + limit_words, SX_ENOMEM.
 */
int cli_read_file(char **out, size_t *len, const char *path, size_t max_bytes,
		  const char *limit_words, struct sx_error *err);

int cli_import(int argc, char **argv);

/* Why the default signing-key folder cannot be used for db (when
 * service_ledger_default_key_dir fails): PostgreSQL needs --key-dir, or the
 * path is too long. */
const char *cli_key_dir_problem(const char *db);

/* The operating-system login running the command, for the audit trail. */
const char *cli_os_login(void);

#endif
