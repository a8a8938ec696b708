/*
 * service/auth — logging in and out, and turning a session cookie back into
 * an actor.
 *
 * Login: the username's throttle state is checked before the password, so a
 * throttled or locked username costs no argon2 work and reveals nothing; an
 * unknown username is hashed against a dummy anyway, so timing does not tell
 * whether it exists. A success always creates a new session (no fixation) and
 * clears the throttle; a failure counts towards delay and lockout
 * (domain/account). Only the SHA-256 of the session token is stored.
 */
#ifndef SX_SERVICE_AUTH_H
#define SX_SERVICE_AUTH_H

#include "service/service.h"

#define SERVICE_TOKEN_SIZE 48   /* 32 random bytes, base64url: 43 chars + NUL */

struct service_login_result {
	char token[SERVICE_TOKEN_SIZE];   /* the cookie value; secret */
	struct service_actor actor;       /* includes the new session's CSRF token */
	int64_t max_age_seconds;          /* for the cookie's Max-Age */
	int64_t retry_after_seconds;      /* with SX_ETHROTTLED / SX_ELOCKED */
};

/*
 * Checks credentials and opens a session. Errors: SX_EAUTH
 * ("invalid_credentials": wrong password, unknown or disabled user — one
 * message for all, also for an empty, over-long or malformed username or
 * password), SX_ETHROTTLED / SX_ELOCKED (out->retry_after_seconds set).
 */
int service_login(struct service_login_result *out, const struct service *svc,
		  const char *username, const char *password, size_t password_len,
		  const char *remote_addr, struct sx_error *err);

/*
 * Resolves a cookie token to its actor. SX_EAUTH ("unauthenticated") for a
 * token that was never issued, is revoked or expired, or whose user is
 * disabled. Refreshes last-seen at most once a minute.
 */
int service_session_resolve(struct service_actor *out, const struct service *svc,
			    const char *token, struct sx_error *err);

/* Revokes the actor's session. */
int service_logout(const struct service *svc, const struct service_actor *actor,
		   struct sx_error *err);

/* Constant-time comparison of a presented CSRF token with the session's;
 * SX_ECSRF when missing or different. */
int service_check_csrf(const struct service_actor *actor, const char *presented,
		       struct sx_error *err);

#endif
