/*
 * service/users — managing staff accounts. Permission rules come from
 * domain/account: only admins create, disable or reset; listing is scoped by
 * role (all / region / own agency / none). Every change is written to the
 * audit trail in the same transaction.
 */
#ifndef SX_SERVICE_USERS_H
#define SX_SERVICE_USERS_H

#include "service/service.h"

struct service_user_new {
	const char *username;
	const char *display_name;
	const char *password;
	size_t password_len;
	const char *role;        /* role name, e.g. "officer" */
	const char *agency_id;
};

/* Creates a user. SX_EPERM, SX_EINVALID (invalid_username, weak_password,
 * invalid role, unknown agency), SX_EEXISTS. */
int service_user_create(struct service_user *out, const struct service *svc,
			const struct service_actor *actor, const struct service_user_new *in,
			struct sx_error *err);

/* Users the actor may see. *out freed with sx_free. SX_EPERM for roles
 * without a listing scope. agency_id (may be NULL) narrows further. */
int service_user_list(struct service_user **out, size_t *count, const struct service *svc,
		      const struct service_actor *actor, const char *agency_id,
		      struct sx_error *err);

/* Finds a user by username or id within the actor's scope. */
int service_user_find(struct service_user *out, const struct service *svc,
		      const struct service_actor *actor, const char *id_or_username,
		      struct sx_error *err);

/* Disables a user and revokes their sessions. Admins cannot disable themselves. */
int service_user_disable(struct service_user *out, const struct service *svc,
			 const struct service_actor *actor, const char *user_id,
			 struct sx_error *err);

/* Sets a new password (admin for anyone; any user for themselves) and revokes
 * all of the user's sessions: whoever holds the old password is signed out. */
int service_user_set_password(const struct service *svc, const struct service_actor *actor,
			      const char *user_id, const char *password, size_t password_len,
			      struct sx_error *err);

#endif
