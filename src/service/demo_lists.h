/*
 * service/demo_lists — the demo agencies' public lists, read from the
 * embedded data/demo/lists.json (fictional agencies; real laws cited), for
 * service/demo only.
 *
 * The file gives, per agency (by name), its versions in order; a version is
 * the previous one with "add" (new matters, appended), "replace" (matters
 * whose code exists: new content in place) and "remove" (codes) applied.
 * "submitted_by" / "decided_by" name demo users (usernames) or "cli" (the
 * command-line admin loading the demo). "effective_from": "next_month" is the
 * first day of next month, so that the pending version is in the future
 * whenever the demo is loaded.
 */
#ifndef SX_SERVICE_DEMO_LISTS_H
#define SX_SERVICE_DEMO_LISTS_H

#include "service/service.h"

struct service_demo_people {
	const struct store_agency *agencies;
	size_t agency_count;
	const struct store_user *users;
	size_t user_count;
	const char *cli_actor_id;   /* who "cli" stands for */
};

/* Loads every version of the file inside tx. SX_EINTERNAL when the embedded
 * file does not follow its format (a bug in the data, named in err). */
int service_demo__lists(const struct service *svc, struct store_tx *tx,
			const struct service_demo_people *people, struct sx_error *err);

#endif
