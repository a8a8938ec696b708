/* service — shared set-up (see service.h). */
#include "service/service.h"

#include <stdio.h>
#include <string.h>

void service_init(struct service *svc, struct store *store)
{
	memset(svc, 0, sizeof(*svc));
	svc->store = store;
	account_throttle_default(&svc->throttle);
	account_session_default(&svc->session);
}

void service_actor_cli(struct service_actor *out, const char *os_login)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->user_id, sizeof(out->user_id), "cli:%s", os_login && *os_login ? os_login : "operator");
	snprintf(out->username, sizeof(out->username), "%s", "cli");
	snprintf(out->display_name, sizeof(out->display_name), "%s", "命令行管理员");
	out->role = ACCOUNT_ROLE_ADMIN;
}
