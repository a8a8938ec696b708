// tests/browser/lib.mjs — what every browser test of tests/browser needs: its prerequisites, a
// `sanxiang serve` with the demo data in a temp dir, Debian's Chromium driven by playwright-core,
// a phone-sized context, logging in, and tidying up after the run.
//
// A test keeps its state in one `run` object (newRun); the helpers here read and set its fields:
//   dir     temp dir of the run (database, logs, screenshots)
//   server  ChildProcess of `sanxiang serve` while it runs; exit: Promise of its { code, signal }
//   base    http://127.0.0.1:PORT, also the server's public URL (QR codes open directly)
//   browser the launched Chromium; pw: the playwright-core module
//   failed  set when a check fails, so the dir is kept and the server log printed
//
// Invariants: the server listens on loopback only, on a free port, started under
// `setpriv --pdeathsig KILL` (a killed test run leaves no server); one server and one Chromium per
// run; the dir is removed after a run that passed unless SANXIANG_KEEP_TEST_DIR is set, and kept
// and named after a failure.
//
// What this does not do: it downloads no browser (`npx playwright install` is never used; the
// browser is Debian's) and skips nothing: a missing prerequisite FAILS the run, naming
// scripts/setup — a browser test that silently skips is a browser test nobody runs.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { accessSync, appendFileSync, closeSync, constants as fsc, existsSync, mkdtempSync,
	openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const execFileP = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SETUP_HINT = 'run scripts/setup (as root) from the repository root';

export const CHROMIUM = '/usr/bin/chromium';
// As root on these machines Chromium needs these; the background-networking flags keep it from
// calling hosts that the closed network refuses. Playwright gives every launch a new, empty
// profile directory (--user-data-dir) of its own and removes it on close.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];
// An iPhone-12-class screen: 390×844 CSS px at device scale factor 3.
export const PHONE = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 3,
	isMobile: true,
	hasTouch: true,
	locale: 'zh-CN',
	timezoneId: 'Asia/Shanghai',
};
export const READY_TIMEOUT_MS = 60_000; // sanitizer builds start slowly
export const STOP_TIMEOUT_MS = 30_000;
export const STEP_TIMEOUT_MS = 30_000;  // one navigation or one upload on a slow (sanitizer) build
export const DEMO_PASSWORD = 'Sanxiang@2026'; // src/service/demo.h SERVICE_DEMO_PASSWORD

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The state of one run; `fields` adds a test's own.
export function newRun(fields = {})
{
	return { dir: null, server: null, exit: null, base: null, browser: null, pw: null,
		failed: false, ...fields };
}

// ---- prerequisites ---------------------------------------------------------------------------

function executable(p)
{
	try {
		accessSync(p, fsc.X_OK);
		return true;
	} catch {
		return false;
	}
}

async function onPath(cmd)
{
	try {
		await execFileP('sh', ['-c', `command -v ${cmd}`]);
		return true;
	} catch {
		return false;
	}
}

// Families fontconfig says can draw Chinese; empty when there is no CJK font at all, null when
// fontconfig itself (fc-list) is missing.
async function listCjkFontFamilies()
{
	try {
		const { stdout } = await execFileP('fc-list', [':lang=zh-cn', 'family']);
		return new Set(stdout.split('\n').flatMap((l) => l.split(',')).map((s) => s.trim())
			.filter(Boolean));
	} catch {
		return null;
	}
}

// As listCjkFontFamilies, but an empty set when fc-list is missing.
export async function cjkFontFamilies()
{
	return (await listCjkFontFamilies()) ?? new Set();
}

// Checks everything at once, so one scripts/setup run fixes it all; loads playwright-core into
// run.pw. tools: more commands the test runs, as [command, Debian package] pairs.
export async function checkPrerequisites(run, tools = [])
{
	const problems = [];
	const bin = process.env.SANXIANG_BIN;

	if (!bin)
		problems.push('SANXIANG_BIN is not set (the sanxiang binary to test)');
	else if (!executable(bin))
		problems.push(`SANXIANG_BIN=${bin} is not an executable file`);
	if (Number(process.versions.node.split('.')[0]) < 18)
		problems.push(`node ${process.versions.node} is too old (need 18+)`);
	if (!executable(CHROMIUM))
		problems.push(`${CHROMIUM} is missing (Debian package chromium)`);
	for (const [cmd, pkg] of [...tools, ['setpriv', 'util-linux']]) {
		if (!(await onPath(cmd)))
			problems.push(`${cmd} is missing (Debian package ${pkg})`);
	}
	const fonts = await listCjkFontFamilies();
	if (fonts === null)
		problems.push('fc-list is missing (Debian package fontconfig)');
	else if (fonts.size === 0)
		problems.push('no font can draw Chinese (Debian package fonts-noto-cjk)');
	if (!existsSync(path.join(HERE, 'node_modules', 'playwright-core')))
		problems.push('tests/browser/node_modules/playwright-core is missing (npm ci)');
	else {
		try {
			run.pw = await import('playwright-core');
		} catch (e) {
			problems.push(`playwright-core does not load: ${e.message}`);
		}
	}
	if (problems.length > 0) {
		const msg = `browser test prerequisites missing — ${SETUP_HINT}:\n  - ` +
			problems.join('\n  - ');
		process.stderr.write(msg + '\n');
		throw new Error(msg);
	}
}

// ---- the server ------------------------------------------------------------------------------

// Runs `sanxiang args…` to completion, its output appended to setup.log of the run's dir.
export async function sanxiang(run, args)
{
	try {
		const { stdout, stderr } = await execFileP(process.env.SANXIANG_BIN, args,
			{ timeout: 120_000 });
		appendFileSync(path.join(run.dir, 'setup.log'),
			`$ sanxiang ${args.join(' ')}\n${stdout}${stderr}`);
	} catch (e) {
		throw new Error(`sanxiang ${args.join(' ')} failed (${e.code ?? e.signal}):\n` +
			`${e.stdout ?? ''}${e.stderr ?? ''}`);
	}
}

// A port nobody listens on right now. Another process could take it before serve binds it; then
// serve fails to start and startServer tries again with another port.
function freePort()
{
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// Starts serve on port, whose URL is also its public URL; ok once the ready file names that port.
async function startServerOnce(run, port)
{
	const ready = path.join(run.dir, 'ready');
	const base = `http://127.0.0.1:${port}`;
	const log = openSync(path.join(run.dir, 'server.log'), 'a');
	rmSync(ready, { force: true });
	const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', process.env.SANXIANG_BIN,
		'serve', '--db', path.join(run.dir, 'test.db'), '--listen', `127.0.0.1:${port}`,
		'--public-url', base, '--ready-file', ready], { stdio: ['ignore', log, log] });
	closeSync(log);
	const exit = new Promise((resolve) => child.on('exit', (code, signal) =>
		resolve({ code, signal })));
	let exited = null;
	exit.then((e) => { exited = e; });

	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (exited)
			return { ok: false, why: `serve exited early (${JSON.stringify(exited)})` };
		if (existsSync(ready) && readFileSync(ready, 'utf8').trim() === String(port)) {
			Object.assign(run, { server: child, exit, base });
			return { ok: true };
		}
		await sleep(25);
	}
	child.kill('SIGKILL');
	await exit;
	return { ok: false, why: `serve was not ready within ${READY_TIMEOUT_MS} ms` };
}

// Up to three free ports; throws with the server log when none worked.
async function startServer(run)
{
	let last = '';

	for (let attempt = 0; attempt < 3; attempt++) {
		const r = await startServerOnce(run, await freePort());
		if (r.ok)
			return;
		last = r.why;
	}
	throw new Error(`${last}\n--- server.log ---\n` +
		readFileSync(path.join(run.dir, 'server.log'), 'utf8'));
}

// Sends SIGTERM to the server; resolves to its { code, signal }, or null when it has not exited
// within STOP_TIMEOUT_MS.
export async function stopServer(run)
{
	run.server.kill('SIGTERM');
	let timer;
	const late = new Promise((resolve) => {
		timer = setTimeout(resolve, STOP_TIMEOUT_MS, null);
	});
	const result = await Promise.race([run.exit, late]);
	clearTimeout(timer); // a pending timer would keep node alive for the whole bound
	return result;
}

// ---- a run -----------------------------------------------------------------------------------

// For before(): checks the prerequisites, makes the temp dir (named dirPrefix + random), loads
// init + demo, starts the server and Chromium, then awaits more(), if given. Sets run.failed
// when anything after the prerequisites fails.
export async function startRun(run, { dirPrefix, tools = [], more = null })
{
	await checkPrerequisites(run, tools);
	run.dir = mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), dirPrefix));
	try {
		const db = path.join(run.dir, 'test.db');
		await sanxiang(run, ['init', '--db', db]);
		await sanxiang(run, ['demo', '--db', db]);
		await startServer(run);
		run.browser = await run.pw.chromium.launch({
			executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
		});
		if (more)
			await more();
	} catch (e) {
		run.failed = true;
		throw e;
	}
}

// For after(): closes Chromium, kills a server still running, and removes the dir — or keeps it
// (named on stderr, what: what is in it) after a failure or with SANXIANG_KEEP_TEST_DIR,
// printing the server log after a failure.
export async function finishRun(run, what)
{
	if (run.browser)
		await run.browser.close().catch(() => {});
	if (run.server && run.server.exitCode === null && run.server.signalCode === null) {
		run.server.kill('SIGKILL');
		await run.exit;
	}
	if (!run.dir)
		return;
	if (run.failed || process.env.SANXIANG_KEEP_TEST_DIR) {
		process.stderr.write(`browser test: kept ${run.dir} (${what})\n`);
		if (run.failed && existsSync(path.join(run.dir, 'server.log')))
			process.stderr.write('--- server.log ---\n' +
				readFileSync(path.join(run.dir, 'server.log'), 'utf8'));
	} else {
		rmSync(run.dir, { recursive: true, force: true });
	}
}

// A node:test test that marks the run failed (so its dir is kept) when fn throws. With
// skipAfterFailure, it is skipped once anything has failed: for steps that depend on the ones
// before, so that they do not run on a broken state.
export function check(run, name, fn, { skipAfterFailure = false, timeout = 120_000 } = {})
{
	test(name, { timeout }, async (t) => {
		if (skipAfterFailure && run.failed) {
			t.skip('an earlier step failed');
			return;
		}
		try {
			await fn(t);
		} catch (e) {
			run.failed = true;
			throw e;
		}
	});
}

// ---- the browser -----------------------------------------------------------------------------

// Collects into failures the page's failed requests, HTTP errors of anything but a document (a
// refusal shown as a page, or an unknown certificate's 404, is a document on purpose), page
// errors and console errors. Console errors include Content-Security-Policy violations: an
// inline style or script in a template is blocked by the server's CSP, so the page would not
// look as written. "Failed to load resource" lines are left to the response listener, which
// knows the resource type (the browser's own /favicon.ico probe is one the site does not serve).
export function watch(page, failures)
{
	page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
	page.on('response', (r) => {
		if (r.status() >= 400 && r.request().resourceType() !== 'document')
			failures.push(`${r.url()}: HTTP ${r.status()}`);
	});
	page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			failures.push(`console error: ${m.text()}`);
	});
}

// A fresh phone context (options override PHONE) with one watched page.
export async function phone(run, options = {})
{
	const context = await run.browser.newContext({ ...PHONE, ...options });
	const page = await context.newPage();
	const failures = [];

	watch(page, failures);
	return { context, page, failures };
}

// Clicks what `click` finds and waits for the page it leads to; resolves to its response.
export async function submitAndWait(page, click, timeout = STEP_TIMEOUT_MS)
{
	const [res] = await Promise.all([
		page.waitForNavigation({ waitUntil: 'load', timeout }),
		click(),
	]);
	return res;
}

// Logs demo user `username` in on /staff/login; the staff home /staff/ must follow.
export async function login(run, page, username)
{
	await page.goto(`${run.base}/staff/login`);
	await page.locator('input[name="username"]').fill(username);
	await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
	await submitAndWait(page, () => page.getByRole('button', { name: '登录' }).click());
	assert.equal(new URL(page.url()).pathname, '/staff/');
}
