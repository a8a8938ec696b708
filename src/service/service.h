/*
 * service — use cases: one function per user action. Each opens a store
 * transaction, checks the actor's permission (here, never in pages or
 * handlers), applies domain rules, writes the store and the audit trail, and
 * commits. Callers (HTTP handlers, CLI commands) pass an actor and plain
 * values; they never see SQL or transactions.
 *
 * A struct service holds the store and the policies; it is created once in
 * main and shared by all request threads (it is read-only after creation).
 */
#ifndef SX_SERVICE_SERVICE_H
#define SX_SERVICE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "domain/account.h"
#include "store/store.h"

struct blob_store;
struct crypto_password_params;
struct doctemplates;
struct service_ledger;

struct zhnorm;

struct service {
	struct store *store;                      /* borrowed; outlives the service */
	struct account_throttle_policy throttle;
	struct account_session_policy session;
	const struct crypto_password_params *password_params; /* NULL = default argon2id */
	struct service_ledger *ledger; /* keys and meta for publishing; NULL outside serve */
	/* Document templates (data/templates), loaded once; NULL = case records unavailable. */
	const struct doctemplates *templates;
	/* Evidence files (var/blobs); NULL = evidence unavailable (borrowed). */
	struct blob_store *blobs;
	/* The search normalizer (OpenCC), opened once; NULL = publishing and search unavailable
	 * (borrowed). */
	const struct zhnorm *zhnorm;
};

/* Fills svc with default policies over an open store. */
void service_init(struct service *svc, struct store *store);

/* The actor of a request or command. For CLI commands run by the machine's
 * operator the actor is a synthetic admin ("cli:<login>"). */
struct service_actor {
	char user_id[STORE_ID_SIZE + 32];
	char username[STORE_USERNAME_SIZE];
	char display_name[STORE_NAME_SIZE];
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char region_code[STORE_CODE_SIZE];
	enum account_role role;
	char csrf_token[STORE_TOKEN_SIZE];     /* "" outside a web session */
	char session_hash[STORE_TOKEN_SIZE];   /* "" outside a web session */
};

/* A synthetic admin actor for the command line; agency fields empty. */
void service_actor_cli(struct service_actor *out, const char *os_login);

/* A user as the outside may see it (never the password hash). */
struct service_user {
	char id[STORE_ID_SIZE];
	char username[STORE_USERNAME_SIZE];
	char display_name[STORE_NAME_SIZE];
	char agency_id[STORE_ID_SIZE];
	enum account_role role;
	bool disabled;
	char created_at[STORE_TIME_SIZE];
	int64_t ledger_index;   /* leaf recording the last change made by this call; -1 = none */
};

#endif
