/*
 * base/error — see error.h. Default words and messages per code live in one
 * table so that the JSON API, the CLI and the pages say the same thing.
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct errno_text {
	int rc;
	const char *code;
	const char *message;
};

static const struct errno_text errno_texts[] = {
	{SX_OK, "ok", "成功"},
	{SX_EINVALID, "invalid", "输入不合法"},
	{SX_ENOTFOUND, "not_found", "未找到"},
	{SX_EEXISTS, "exists", "该记录已存在"},
	{SX_EPERM, "forbidden", "无权执行此操作"},
	{SX_ECONFLICT, "conflict", "当前状态不允许此操作"},
	{SX_ETOOBIG, "too_large", "内容超过大小限制"},
	{SX_ENOMEM, "out_of_memory", "服务器内存不足，请稍后重试"},
	{SX_EIO, "io_error", "存储读写失败，请稍后重试"},
	{SX_EBUSY, "busy", "系统繁忙，请稍后重试"},
	{SX_ENOSPC, "disk_full", "存储空间不足，操作未完成"},
	{SX_EAUTH, "unauthenticated", "请先登录"},
	{SX_ETHROTTLED, "login_throttled", "尝试过于频繁，请稍后再试"},
	{SX_ELOCKED, "account_locked", "账号已临时锁定，请稍后再试"},
	{SX_ETOONEW, "schema_too_new", "数据库版本高于本程序，请升级程序"},
	{SX_ECORRUPT, "corrupt", "数据完整性校验失败"},
	{SX_EINTERNAL, "internal", "服务器内部错误"},
	{SX_ECSRF, "csrf_failed", "安全令牌缺失或无效，请刷新页面后重试"},
	{SX_EUNSUPPORTED, "unsupported", "不支持的请求类型"},
	{SX_EMETHOD, "method_not_allowed", "该地址不支持此请求方法"},
};

static const struct errno_text *errno_text_find(int rc)
{
	for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++) {
		if (errno_texts[i].rc == rc)
			return &errno_texts[i];
	}
	return errno_text_find(SX_EINTERNAL);
}

const char *sx_errno_code(int rc)
{
	return errno_text_find(rc)->code;
}

const char *sx_errno_message(int rc)
{
	return errno_text_find(rc)->message;
}

/* After a truncating snprintf: drop a UTF-8 sequence cut in two at the end,
 * so that a long message stays valid UTF-8 (JSON refuses anything else). */
static void error__trim_utf8(char *text, size_t size)
{
	size_t len = strlen(text);
	size_t start = len;

	if (len + 1 < size)
		return; /* not truncated */
	while (start > 0 && ((unsigned char)text[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)text[start - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)text[start - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (len - (start - 1) < need)
			text[start - 1] = '\0';
	}
}

void sx_error_clear(struct sx_error *err)
{
	if (err == NULL)
		return;
	err->rc = 0;
	err->code[0] = '\0';
	err->message[0] = '\0';
	err->detail[0] = '\0';
}

int sx_error_set(struct sx_error *err, int rc, const char *code, const char *message)
{
	if (err == NULL)
		return rc;
	err->rc = rc;
	snprintf(err->code, sizeof(err->code), "%s", code ? code : sx_errno_code(rc));
	snprintf(err->message, sizeof(err->message), "%s", message ? message : sx_errno_message(rc));
	error__trim_utf8(err->message, sizeof(err->message));
	err->detail[0] = '\0';
	return rc;
}

int sx_error_setf(struct sx_error *err, int rc, const char *code, const char *message,
		  const char *detail_fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	sx_error_set(err, rc, code, message);
	va_start(ap, detail_fmt);
	vsnprintf(err->detail, sizeof(err->detail), detail_fmt, ap);
	va_end(ap);
	return rc;
}
