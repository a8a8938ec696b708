// upload.js — evidence upload on the staff case page (/staff/cases/:id), resumable.
//
// Speaks the protocol of docs/evidence-upload.md: POST /api/v1/cases/:id/uploads with the
// metadata, then PUT the file in 4 MiB pieces with Content-Range to /api/v1/uploads/:id. After a
// failed piece (network lost, 5xx, 503 upload_busy) it waits with a growing pause, asks the server
// where to continue (HEAD → Upload-Offset) and sends from there; a 409 offset_mismatch carries the
// offset to continue from. The server acknowledges only bytes it has fsynced, so nothing is sent
// twice into the file and nothing is lost. When the last piece is in (201) the page reloads and
// shows the evidence.
//
// The page works without this script except for uploading, which it then says needs JavaScript.
// CSP allows scripts from this site only: no inline code, no eval.
'use strict';

(function () {
	const CHUNK_BYTES = 4 * 1024 * 1024;
	const MAX_ATTEMPTS = 8;          // per piece, before giving up
	const FIRST_PAUSE_MS = 500;      // doubles after each failure, up to MAX_PAUSE_MS
	const MAX_PAUSE_MS = 15000;
	const RELOAD_AFTER_MS = 1000;    // leave the full bar on screen for a moment

	const section = document.getElementById('upload');
	if (!section)
		return;
	const form = section.querySelector('form.upload-form');
	const nojs = section.querySelector('.upload-nojs');
	const bar = section.querySelector('progress.upload-progress');
	const status = section.querySelector('.upload-status');
	const caseId = section.dataset.case;
	const csrf = section.dataset.csrf;

	if (nojs)
		nojs.hidden = true;
	form.hidden = false;

	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

	function say(text, isError)
	{
		status.textContent = text;
		status.classList.toggle('error', Boolean(isError));
	}

	function show(sent, total)
	{
		const pct = total > 0 ? Math.floor((sent * 100) / total) : 100;
		bar.hidden = false;
		bar.value = pct;
		bar.textContent = pct + '%';
		say('已上传 ' + pct + '%（' + sent + ' / ' + total + ' 字节）');
	}

	// A datetime-local value (the phone's local time) as UTC in the stored form the server
	// parses, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (base/time sx_time_parse_utc).
	function utc(value)
	{
		if (!value)
			return undefined;
		const d = new Date(value);
		if (Number.isNaN(d.getTime()))
			return undefined;
		return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
	}

	// The server's message for people, or a generic one.
	async function message(res)
	{
		try {
			const body = await res.json();
			if (body && body.error && body.error.message)
				return body.error.message;
		} catch (e) {
			// not JSON: fall through
		}
		return '服务器返回 HTTP ' + res.status;
	}

	// A refusal that retrying cannot fix.
	class Refused extends Error {}

	async function create(file, fields)
	{
		const meta = {
			kind: fields.get('kind'),
			size: file.size,
			stage: fields.get('stage') || undefined,
			content_type: file.type || undefined,
			file_name: file.name,
			captured_start: utc(fields.get('captured_start')),
			captured_end: utc(fields.get('captured_end')),
			device_id: fields.get('device_id') || undefined,
			place: fields.get('place') || undefined,
		};
		const res = await fetch('/api/v1/cases/' + encodeURIComponent(caseId) + '/uploads', {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
			body: JSON.stringify(meta),
		});
		if (res.status !== 201)
			throw new Refused(await message(res));
		const body = await res.json();
		return body.upload.url || ('/api/v1/uploads/' + encodeURIComponent(body.upload.id));
	}

	// Where the server's durable bytes end; null when it cannot be asked now.
	async function offsetOf(url)
	{
		try {
			const res = await fetch(url, { method: 'HEAD', credentials: 'same-origin' });
			await res.arrayBuffer().catch(() => null);
			const n = Number(res.headers.get('Upload-Offset'));
			return res.ok && Number.isFinite(n) ? n : null;
		} catch (e) {
			return null;
		}
	}

	// Sends file from offset to the end; resolves when the server made it evidence. With every
	// byte in but the completion failed (a 5xx on the last piece), "bytes */TOTAL" asks the
	// server to complete.
	async function send(url, file)
	{
		let offset = 0;
		let failures = 0;
		let pause = FIRST_PAUSE_MS;

		while (true) {
			const complete = offset >= file.size;
			const end = Math.min(offset + CHUNK_BYTES, file.size) - 1;
			let res = null;
			try {
				res = await fetch(url, {
					method: 'PUT',
					credentials: 'same-origin',
					headers: {
						'Content-Type': 'application/octet-stream',
						'Content-Range': complete ? 'bytes */' + file.size
							: 'bytes ' + offset + '-' + end + '/' + file.size,
						'X-CSRF-Token': csrf,
					},
					body: complete ? new Uint8Array(0) : file.slice(offset, end + 1),
				});
			} catch (e) {
				res = null; // the network failed: ask where to continue
			}
			// Read every answer to its end: an unread body would be cut off (and reported as
			// a failed request) when the page reloads.
			if (res && (res.status === 200 || res.status === 201))
				await res.arrayBuffer().catch(() => null);
			if (res && res.status === 201) {
				show(file.size, file.size);
				return;
			}
			if (res && res.status === 200) {
				const n = Number(res.headers.get('Upload-Offset'));
				const next = Number.isFinite(n) && res.headers.get('Upload-Offset') !== null
					? n : end + 1;
				if (complete && next >= file.size)
					throw new Refused('文件已全部上传，但服务器未能完成存证：请刷新页面查看');
				offset = next;
				failures = 0;
				pause = FIRST_PAUSE_MS;
				show(offset, file.size);
				continue;
			}
			if (res && res.status === 409) {
				const body = await res.clone().json().catch(() => null);
				const code = body && body.error ? body.error.code : '';
				const n = Number(res.headers.get('Upload-Offset'));
				if (code === 'offset_mismatch' && Number.isFinite(n)) {
					offset = n;
					show(offset, file.size);
					continue;
				}
				throw new Refused(await message(res));
			}
			if (res && res.status >= 400 && res.status < 500)
				throw new Refused(await message(res));
			// 5xx (503 upload_busy, 507 disk full …) or no answer: wait, ask, retry.
			if (++failures > MAX_ATTEMPTS)
				throw new Refused('网络或服务器多次出错，上传已暂停：请稍后重新选择文件上传');
			say('网络中断或服务器繁忙，' + Math.round(pause / 1000) + ' 秒后从断点续传……', true);
			await sleep(pause);
			pause = Math.min(pause * 2, MAX_PAUSE_MS);
			const n = await offsetOf(url);
			if (n !== null)
				offset = n;
		}
	}

	form.addEventListener('submit', async (event) => {
		event.preventDefault();
		const fields = new FormData(form);
		const file = fields.get('file');
		if (!file || !file.size) {
			say('请选择要上传的文件', true);
			return;
		}
		const button = form.querySelector('button[type="submit"]');
		button.disabled = true;
		try {
			show(0, file.size);
			const url = await create(file, fields);
			await send(url, file);
			say('上传完成，证据已存证（SHA-256 已记入账本）。正在刷新……');
			setTimeout(() => window.location.reload(), RELOAD_AFTER_MS);
		} catch (e) {
			say(e instanceof Refused ? e.message : '上传失败：' + e.message, true);
			button.disabled = false;
		}
	});
})();
