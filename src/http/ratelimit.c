/* http/ratelimit — see ratelimit.h. */
#include "http/ratelimit.h"

#include <pthread.h>
#include <string.h>

#include "base/error.h"
#include "base/mem.h"

#define RATELIMIT_SLOTS 4096   /* power of two */
#define RATELIMIT_PROBES 16
#define RATELIMIT_KEY_MAX 64   /* an IPv6 text address is at most 45 bytes */

struct ratelimit_slot {
	char client[RATELIMIT_KEY_MAX]; /* "" = free */
	double tokens;
	int64_t updated_us;
};

struct http_ratelimit {
	pthread_mutex_t lock;
	double per_us;      /* tokens refilled per microsecond */
	double burst;
	struct ratelimit_slot slots[RATELIMIT_SLOTS];
};

int http_ratelimit_create(struct http_ratelimit **out, int per_minute, int burst)
{
	struct http_ratelimit *rl;

	*out = NULL;
	if (per_minute < 1 || burst < 1)
		return SX_EINVALID;
	rl = sx_calloc(1, sizeof(*rl));
	if (rl == NULL)
		return SX_ENOMEM;
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_us = per_minute / 60e6;
	rl->burst = burst;
	*out = rl;
	return 0;
}

void http_ratelimit_free(struct http_ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	sx_free(rl);
}

/* FNV-1a: the slot of a client; quality matters little, an attacker choosing
 * addresses only evicts itself. */
static uint32_t ratelimit__hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

bool http_ratelimit_take(struct http_ratelimit *rl, const char *client, int64_t now_us,
			 int64_t *retry_after_seconds)
{
	struct ratelimit_slot *slot = NULL, *free_slot = NULL, *oldest = NULL;
	uint32_t h;
	bool allowed;

	*retry_after_seconds = 0;
	/* "" is the mark of a free slot, so it cannot be a key: it would match an
	 * unused slot (no tokens, no timestamp) instead of starting a bucket. */
	if (client == NULL || client[0] == '\0' || strlen(client) >= RATELIMIT_KEY_MAX)
		client = "?";
	h = ratelimit__hash(client);
	pthread_mutex_lock(&rl->lock);
	for (uint32_t i = 0; i < RATELIMIT_PROBES; i++) {
		struct ratelimit_slot *s = &rl->slots[(h + i) & (RATELIMIT_SLOTS - 1)];

		if (strcmp(s->client, client) == 0) {
			slot = s;
			break;
		}
		if (s->client[0] == '\0') {
			if (free_slot == NULL)
				free_slot = s;
		} else if (oldest == NULL || s->updated_us < oldest->updated_us) {
			oldest = s;
		}
	}
	if (slot == NULL) {
		/* A new client takes a free slot, else the one idle longest. */
		slot = free_slot ? free_slot : oldest;
		memcpy(slot->client, client, strlen(client) + 1);
		slot->tokens = rl->burst;
		slot->updated_us = now_us;
	}
	if (now_us > slot->updated_us) {
		slot->tokens += (double)(now_us - slot->updated_us) * rl->per_us;
		if (slot->tokens > rl->burst)
			slot->tokens = rl->burst;
	}
	slot->updated_us = now_us;
	allowed = slot->tokens >= 1.0;
	if (allowed) {
		slot->tokens -= 1.0;
	} else {
		double wait_us = (1.0 - slot->tokens) / rl->per_us;

		*retry_after_seconds = (int64_t)(wait_us / 1e6) + 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return allowed;
}
