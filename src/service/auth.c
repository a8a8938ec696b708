/*
 * service/auth — see auth.h.
 */
#include "service/auth.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/log.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"

#define AUTH_TOUCH_INTERVAL_US (60LL * 1000000)

/* Verified against when the username does not exist, so that an unknown name
 * costs the same argon2 work as a known one. Made with the argon2 CLI from 32
 * random bytes that were thrown away, with the default parameters. */
static const char auth_dummy_hash[] =
	"$argon2id$v=19$m=19456,t=2,p=1$c2FueGlhbmdkdW1teXNhbHQ$"
	"l4FApvcJF2SGJ6w8vfmnAwc/sxx/+BP7JVpfCqVPG24";

static int auth__token_hash(char out[STORE_TOKEN_SIZE], const char *token)
{
	return crypto_hash_hex(out, CRYPTO_HASH_SHA256, token, strlen(token));
}

static void auth__actor_from(struct service_actor *out, const struct store_user *u,
			     const struct store_agency *a)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->user_id, sizeof(out->user_id), "%s", u->id);
	snprintf(out->username, sizeof(out->username), "%s", u->username);
	snprintf(out->display_name, sizeof(out->display_name), "%s", u->display_name);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", u->agency_id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", a->name);
	snprintf(out->region_code, sizeof(out->region_code), "%s", a->region_code);
	if (account_role_from_name(&out->role, u->role) < 0)
		out->role = ACCOUNT_ROLE_OFFICER; /* the CHECK constraint makes this unreachable */
}

static int auth__seconds_until(const char *until, int64_t now_us)
{
	int64_t until_us = 0;

	if (sx_time_parse_utc(&until_us, until, strlen(until)) < 0 || until_us <= now_us)
		return 1;
	return (int)((until_us - now_us + 999999) / 1000000);
}

/* Records a failure for username in its own committed transaction: the count
 * must survive even though the login itself fails. */
static int auth__record_failure(const struct service *svc, const char *username, int64_t now_us,
				struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_throttle t;
	int64_t until;
	bool locked = false;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_throttle_get(&t, tx, username, NULL);
	if (rc == SX_ENOTFOUND) {
		memset(&t, 0, sizeof(t));
		rc = 0;
	}
	if (rc < 0)
		goto cleanup;
	t.failures++;
	sx_time_format_utc(t.last_failure_at, now_us);
	until = account_throttle_after_failure(&svc->throttle, t.failures, now_us, &locked);
	sx_time_format_utc(t.blocked_until, until);
	if ((rc = store_throttle_put(tx, username, &t, err)) < 0)
		goto cleanup;
	if (locked) {
		struct store_audit ev = {"system", "session.lockout", "username", username, NULL};

		sx_log(SX_LOG_WARN, "login: username %s locked after %d failures", username,
		       t.failures);
		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	return rc;
}

int service_login(struct service_login_result *out, const struct service *svc,
		  const char *username, const char *password, size_t password_len,
		  const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user user;
	struct store_agency agency;
	struct store_throttle throttle;
	struct store_session session;
	char token_hash[STORE_TOKEN_SIZE];
	int64_t now_us = sx_time_now_us();
	bool user_found = false;
	bool need_rehash = false;
	char rehash[CRYPTO_PASSWORD_HASH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (username == NULL || password == NULL || username[0] == '\0' ||
	    strlen(username) >= STORE_USERNAME_SIZE || password_len == 0 || password_len > 1024)
		return sx_error_set(err, SX_EAUTH, "invalid_credentials", "用户名或密码错误");

	/* 1. Throttle state first: a blocked username gets no password check. */
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_throttle_get(&throttle, tx, username, err);
	if (rc == 0) {
		int64_t until_us = 0;

		if (sx_time_parse_utc(&until_us, throttle.blocked_until,
				      strlen(throttle.blocked_until)) == 0 &&
		    until_us > now_us) {
			bool locked = svc->throttle.lockout_after > 0 &&
				      throttle.failures >= svc->throttle.lockout_after;

			out->retry_after_seconds = auth__seconds_until(throttle.blocked_until, now_us);
			store_rollback(tx);
			if (locked)
				return sx_error_set(err, SX_ELOCKED, "account_locked",
						    "登录失败次数过多，账号已临时锁定，请稍后再试");
			return sx_error_set(err, SX_ETHROTTLED, "login_throttled",
					    "登录尝试过于频繁，请稍后再试");
		}
	} else if (rc != SX_ENOTFOUND) {
		goto cleanup;
	}
	rc = store_user_get_by_username(&user, tx, username, err);
	if (rc == 0) {
		user_found = true;
		rc = store_agency_get(&agency, tx, user.agency_id, err);
	} else if (rc == SX_ENOTFOUND) {
		rc = 0;
	}
	store_rollback(tx);
	tx = NULL;
	if (rc < 0)
		return rc;

	/* 2. The password, outside any transaction: argon2 takes tens of
	 * milliseconds and must not hold a connection. */
	rc = crypto_password_verify(user_found ? user.password_hash : auth_dummy_hash, password,
				    password_len);
	if (rc == SX_ENOMEM)
		return sx_error_set(err, rc, NULL, NULL);
	if (rc < 0 || !user_found || user.disabled) {
		int frc = auth__record_failure(svc, username, now_us, err);

		if (frc < 0)
			return frc;
		sx_log(SX_LOG_INFO, "login: failed for %s from %s", username,
		       remote_addr ? remote_addr : "-");
		return sx_error_set(err, SX_EAUTH, "invalid_credentials", "用户名或密码错误");
	}

	/* 3. A fresh session. */
	memset(&session, 0, sizeof(session));
	if ((rc = crypto_random_token(out->token, sizeof(out->token), 32)) < 0 ||
	    (rc = crypto_random_token(session.csrf_token, sizeof(session.csrf_token), 32)) < 0 ||
	    (rc = auth__token_hash(token_hash, out->token)) < 0) {
		rc = sx_error_set(err, SX_EINTERNAL, NULL, NULL);
		goto cleanup;
	}
	snprintf(session.token_hash, sizeof(session.token_hash), "%s", token_hash);
	snprintf(session.user_id, sizeof(session.user_id), "%s", user.id);
	sx_time_format_utc(session.created_at, now_us);
	sx_time_format_utc(session.last_seen_at, now_us);
	sx_time_format_utc(session.expires_at, now_us + svc->session.max_seconds * 1000000);
	snprintf(session.remote_addr, sizeof(session.remote_addr), "%s",
		 remote_addr ? remote_addr : "");

	/* Hashes made with weaker parameters than today's are replaced while
	 * the password is at hand (argon2 outside the transaction). */
	if (crypto_password_needs_rehash(user.password_hash, svc->password_params) &&
	    crypto_password_hash(rehash, password, password_len, svc->password_params) == 0)
		need_rehash = true;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	if ((rc = store_session_insert(tx, &session, err)) < 0 ||
	    (rc = store_throttle_clear(tx, username, err)) < 0)
		goto cleanup;
	if (need_rehash &&
	    (rc = store_user_set_password(tx, user.id, rehash, user.password_changed_at, err)) < 0)
		goto cleanup;
	{
		struct store_audit ev = {user.id, "session.login", "user", user.id, remote_addr};

		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc < 0)
		goto cleanup;
	auth__actor_from(&out->actor, &user, &agency);
	snprintf(out->actor.csrf_token, sizeof(out->actor.csrf_token), "%s", session.csrf_token);
	snprintf(out->actor.session_hash, sizeof(out->actor.session_hash), "%s", token_hash);
	out->max_age_seconds = svc->session.max_seconds;
cleanup:
	store_rollback(tx);
	if (rc < 0)
		crypto_cleanse(out->token, sizeof(out->token));
	return rc;
}

int service_session_resolve(struct service_actor *out, const struct service *svc,
			    const char *token, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_session session;
	struct store_user user;
	struct store_agency agency;
	char token_hash[STORE_TOKEN_SIZE];
	int64_t now_us = sx_time_now_us();
	int64_t created_us = 0, seen_us = 0;
	char now_text[SX_TIME_TEXT_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	/* Fixed-width UTC text: text order is time order. The stored absolute
	 * limit holds even if the server's policy was loosened since login. */
	sx_time_format_utc(now_text, now_us);
	/* Tokens we issue are 43 base64url characters; anything else was not
	 * issued by us and is not worth a lookup. */
	if (token == NULL || strlen(token) != 43 || !codec_is_valid_utf8(token, 43))
		return sx_error_set(err, SX_EAUTH, "unauthenticated", "请先登录");
	if ((rc = auth__token_hash(token_hash, token)) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_session_get(&session, tx, token_hash, err);
	if (rc == 0)
		rc = store_user_get(&user, tx, session.user_id, err);
	if (rc == 0)
		rc = store_agency_get(&agency, tx, user.agency_id, err);
	store_rollback(tx);
	tx = NULL;
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_EAUTH, "unauthenticated", "请先登录");
	if (rc < 0)
		return rc;
	if (session.revoked_at[0] != '\0' || user.disabled ||
	    strcmp(now_text, session.expires_at) >= 0 ||
	    sx_time_parse_utc(&created_us, session.created_at, strlen(session.created_at)) < 0 ||
	    sx_time_parse_utc(&seen_us, session.last_seen_at, strlen(session.last_seen_at)) < 0 ||
	    !account_session_is_live(&svc->session, created_us, seen_us, now_us))
		return sx_error_set(err, SX_EAUTH, "unauthenticated", "登录已失效，请重新登录");

	/* Idle expiry needs last_seen, but a write per request would serialize
	 * every reader behind the writer: refresh at most once a minute. */
	if (now_us - seen_us > AUTH_TOUCH_INTERVAL_US) {
		char now[SX_TIME_TEXT_LEN];

		sx_time_format_utc(now, now_us);
		if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
			return rc;
		if ((rc = store_session_touch(tx, token_hash, now, err)) < 0) {
			store_rollback(tx);
			return rc;
		}
		if ((rc = store_commit(tx, err)) < 0)
			return rc;
	}
	auth__actor_from(out, &user, &agency);
	snprintf(out->csrf_token, sizeof(out->csrf_token), "%s", session.csrf_token);
	snprintf(out->session_hash, sizeof(out->session_hash), "%s", token_hash);
	return 0;
}

int service_logout(const struct service *svc, const struct service_actor *actor,
		   struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_audit ev = {actor->user_id, "session.logout", "user", actor->user_id, NULL};
	char now[SX_TIME_TEXT_LEN];
	int rc;

	if (actor->session_hash[0] == '\0')
		return sx_error_set(err, SX_EAUTH, "unauthenticated", "请先登录");
	sx_time_format_utc(now, sx_time_now_us());
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_session_revoke(tx, actor->session_hash, now, err)) < 0 ||
	    (rc = store_audit_append(tx, &ev, err)) < 0) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

int service_check_csrf(const struct service_actor *actor, const char *presented,
		       struct sx_error *err)
{
	if (presented == NULL || presented[0] == '\0' || actor->csrf_token[0] == '\0' ||
	    !crypto_str_equal(presented, actor->csrf_token))
		return sx_error_set(err, SX_ECSRF, "csrf_failed", "安全令牌缺失或无效，请刷新页面后重试");
	return 0;
}
