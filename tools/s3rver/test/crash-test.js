#!/usr/bin/env node
'use strict';

/*
 * Crash test for tools/s3rver/mobilex-s3rver.js. Plain node; exit code 0 on pass.
 *
 *   node tools/s3rver/test/crash-test.js [--rounds N] [--keep] [--unpatched]
 *
 * (a) recovery: a data directory with a good object, a damaged one (0-byte metadata.json), a committed write
 *     still in the journal, a write that never committed, a torn intent and a stray temporary; the launcher must
 *     roll forward, roll back, quarantine, and serve LIST/HEAD bucket with 200. Then the run-time safety net:
 *     damage an object after the one-time scan and LIST must still answer 200.
 * (b) crash rounds: concurrent PUTs (and some DELETEs) of 200 kB bodies while a client keeps listing (every
 *     LIST must answer 200), SIGKILL at a random moment, restart;
 *     LIST must answer 200 and every listed object must be one complete body we sent, with the md5 its ETag
 *     claims. --unpatched runs only (b) against plain s3rver, to show what the test catches without the patch.
 *
 * s3rver serves requests without an Authorization header as anonymous, so plain http requests suffice.
 */

const assert = require('assert');
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const LAUNCHER = path.join(__dirname, '..', 'mobilex-s3rver.js');
const UNPATCHED = path.join(__dirname, '..', 'node_modules', 's3rver', 'bin', 's3rver.js');
const TEMP_NAME = /\.tmp-\d+-\d+$/;

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const ROUNDS = Number(option('--rounds') || 12);
const KEEP = args.includes('--keep');
const UNPATCHED_ONLY = args.includes('--unpatched');

const children = new Set();
process.on('exit', () => {
  // Only the servers this test started, by pid.
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch (err) {
      // already gone
    }
  }
});

const md5 = data => crypto.createHash('md5').update(data).digest('hex');
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const log = (...parts) => console.log(...parts);

function startServer(dir, { script = LAUNCHER, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--no-vhost-buckets', '--silent'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    );
    children.add(child);
    const server = { child, pid: child.pid, stdout: '', stderr: '', exited: null };
    server.exit = new Promise(done =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        server.exited = { code, signal };
        done(server.exited);
      }),
    );
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${server.stdout}\n${server.stderr}`)), 20000);
    child.stdout.on('data', chunk => {
      server.stdout += chunk;
      const m = /S3rver listening on [\d.]+:(\d+)/.exec(server.stdout);
      if (m && !server.port) {
        server.port = Number(m[1]);
        const summary = /^s3rver recovery: .*$/m.exec(server.stdout);
        server.summary = summary ? summary[0] : undefined;
        clearTimeout(timer);
        resolve(server);
      }
    });
    child.stderr.on('data', chunk => (server.stderr += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!server.port) reject(new Error(`server exited (${code}/${signal}) before listening:\n${server.stdout}\n${server.stderr}`));
    });
  });
}

async function stopServer(server, signal = 'SIGTERM') {
  if (server.exited) return server.exited;
  process.kill(server.pid, signal);
  const timeout = sleep(10000).then(() => 'timeout');
  const result = await Promise.race([server.exit, timeout]);
  if (result === 'timeout') {
    process.kill(server.pid, 'SIGKILL');
    await server.exit;
    throw new Error(`server ${server.pid} ignored ${signal}`);
  }
  return result;
}

function request(port, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: { ...headers } },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.setHeader('Content-Length', body.length);
    req.end(body);
  });
}

/** A PUT whose body goes out in pieces, so a kill can land while the server is still receiving it. */
function putInPieces(port, urlPath, body, pieces = 8) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: urlPath,
        agent: false,
        headers: { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const size = Math.ceil(body.length / pieces);
    let offset = 0;
    const next = () => {
      if (offset >= body.length) return req.end();
      const piece = body.subarray(offset, offset + size);
      offset += size;
      req.write(piece, () => setImmediate(next));
    };
    next();
  });
}

function parseList(xml) {
  const objects = [];
  const re = /<Contents><Key>([^<]*)<\/Key>.*?<ETag>&quot;([0-9a-f]*)&quot;<\/ETag><Size>(\d+)<\/Size>/g;
  let m;
  while ((m = re.exec(xml))) objects.push({ key: m[1], etag: m[2], size: Number(m[3]) });
  return { objects, truncated: /<IsTruncated>true<\/IsTruncated>/.test(xml) };
}

function walkFiles(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(file, out);
    else out.push(file);
  }
  return out;
}

function writeObjectFiles(dir, bucket, key, body, { metadata = '{\n  "content-type": "image/jpeg"\n}', md5Text = md5(body) } = {}) {
  const base = path.join(dir, bucket, ...key.split('/'));
  fs.mkdirSync(path.dirname(base), { recursive: true });
  fs.writeFileSync(`${base}._S3rver_object`, body);
  if (md5Text !== null) fs.writeFileSync(`${base}._S3rver_object.md5`, md5Text);
  if (metadata !== null) fs.writeFileSync(`${base}._S3rver_metadata.json`, metadata);
}

async function expectObject(port, bucket, key, body) {
  const res = await request(port, 'GET', `/${bucket}/${key}`);
  assert.strictEqual(res.status, 200, `GET ${key}: ${res.status} ${res.body}`);
  assert.ok(res.body.equals(body), `GET ${key}: wrong bytes`);
  assert.strictEqual(res.headers.etag, JSON.stringify(md5(body)), `GET ${key}: wrong ETag`);
}

async function listBucket(port, bucket) {
  const res = await request(port, 'GET', `/${bucket}`);
  return { status: res.status, text: res.body.toString(), ...parseList(res.body.toString()) };
}

async function partA(root) {
  log('(a) recovery and quarantine');
  const dir = path.join(root, 'data');
  const journal = `${dir}.journal`;
  const quarantine = `${dir}.quarantine`;
  const bucket = 'station-08';
  const good = crypto.randomBytes(50000);
  const old = crypto.randomBytes(40000);

  let server = await startServer(dir);
  assert.match(server.summary, /0 rolled back, 0 rolled forward, 0 quarantined \(full scan of 0 objects/);
  assert.strictEqual((await request(server.port, 'PUT', `/${bucket}`)).status, 200);
  for (const [key, body] of [['2026/12/07/good.jpg', good], ['rb/old.bin', old]]) {
    const res = await request(server.port, 'PUT', `/${bucket}/${key}`, body, { 'Content-Type': 'image/jpeg' });
    assert.strictEqual(res.status, 200, `PUT ${key}`);
  }
  const stopped = await stopServer(server, 'SIGTERM');
  assert.ok(stopped.signal === 'SIGTERM' || stopped.code !== null, 'SIGTERM stops the launcher');

  // Damage as an unpatched server leaves it.
  const damaged = crypto.randomBytes(30000);
  writeObjectFiles(dir, bucket, '2026/12/07/x.jpg', damaged, { metadata: '' });
  writeObjectFiles(dir, bucket, '2026/12/07/y.jpg', crypto.randomBytes(1000), { md5Text: '' });
  fs.writeFileSync(path.join(dir, bucket, 'stray._S3rver_object.tmp-1-1'), 'left by nobody');

  // A committed write whose md5 was already renamed into place when the process died.
  const rolledForward = crypto.randomBytes(70000);
  const rf = path.join(dir, bucket, 'rf', 'new.bin');
  fs.mkdirSync(path.dirname(rf), { recursive: true });
  fs.writeFileSync(`${rf}._S3rver_object.md5`, md5(rolledForward));
  fs.writeFileSync(`${rf}._S3rver_metadata.json.tmp-999999-1`, '{\n  "content-type": "application/x-new"\n}');
  fs.writeFileSync(`${rf}._S3rver_object.tmp-999999-1`, rolledForward);
  const rel = p => path.relative(dir, p);
  const pairs = (base, id) =>
    ['._S3rver_object.md5', '._S3rver_metadata.json', '._S3rver_object'].map(s => ({
      tmp: rel(`${base}${s}.tmp-${id}`),
      final: rel(`${base}${s}`),
    }));
  fs.writeFileSync(path.join(journal, 'w-999999-1.json'), JSON.stringify({ phase: 'commit', files: pairs(rf, '999999-1') }));

  // A write of rb/old.bin that had not committed: its temporaries must go, the old version must stay.
  const rb = path.join(dir, bucket, 'rb', 'old.bin');
  fs.writeFileSync(`${rb}._S3rver_object.md5.tmp-999999-2`, md5(Buffer.from('never committed')));
  fs.writeFileSync(`${rb}._S3rver_object.tmp-999999-2`, 'never committed');
  fs.writeFileSync(path.join(journal, 'w-999999-2.json'), JSON.stringify({ phase: 'begin', files: pairs(rb, '999999-2') }));
  fs.writeFileSync(`${path.join(journal, 'w-999999-2.json')}.c`, JSON.stringify({ phase: 'commit', files: pairs(rb, '999999-2') }));
  // A torn intent and a lone commit record.
  fs.writeFileSync(path.join(journal, 'w-999999-3.json'), '');
  fs.writeFileSync(path.join(journal, 'w-999999-4.json.c'), '{"pha');

  // The premise: plain s3rver answers 500 to LIST and HEAD bucket with one 0-byte metadata.json.
  server = await startServer(dir, { script: UNPATCHED });
  const plainList = await request(server.port, 'GET', `/${bucket}`);
  const plainHead = await request(server.port, 'HEAD', `/${bucket}`);
  await stopServer(server);
  log(`    unpatched s3rver on the damaged directory: LIST ${plainList.status}, HEAD bucket ${plainHead.status}`);
  assert.strictEqual(plainList.status, 500);

  server = await startServer(dir, { env: { MOBILEX_S3RVER_FULL_SCAN: '1' } });
  log(`    ${server.summary}`);
  assert.match(server.summary, /^s3rver recovery: 2 rolled back, 1 rolled forward, 2 quarantined \(full scan of 5 objects in \d+ ms; 1 stray temporary file deleted\)$/);
  const list = await listBucket(server.port, bucket);
  assert.strictEqual(list.status, 200, list.text);
  assert.deepStrictEqual(list.objects.map(o => o.key).sort(), ['2026/12/07/good.jpg', 'rb/old.bin', 'rf/new.bin']);
  assert.strictEqual((await request(server.port, 'HEAD', `/${bucket}`)).status, 200);
  await expectObject(server.port, bucket, 'rf/new.bin', rolledForward);
  assert.strictEqual((await request(server.port, 'HEAD', `/${bucket}/rf/new.bin`)).headers['content-type'], 'application/x-new');
  await expectObject(server.port, bucket, 'rb/old.bin', old);
  await expectObject(server.port, bucket, '2026/12/07/good.jpg', good);
  assert.strictEqual((await request(server.port, 'GET', `/${bucket}/2026/12/07/x.jpg`)).status, 404);

  const stamps = fs.readdirSync(quarantine);
  assert.strictEqual(stamps.length, 1);
  const q = path.join(quarantine, stamps[0], bucket, '2026', '12', '07');
  for (const s of ['x.jpg._S3rver_object', 'x.jpg._S3rver_object.md5', 'x.jpg._S3rver_metadata.json', 'y.jpg._S3rver_object']) {
    assert.ok(fs.existsSync(path.join(q, s)), `quarantined ${s}`);
  }
  assert.ok(fs.readFileSync(path.join(q, 'x.jpg._S3rver_object')).equals(damaged));
  assert.match(server.stderr, /s3rver: quarantined station-08\/2026\/12\/07\/x\.jpg \(metadata\.json is empty\) -> /);
  assert.match(server.stderr, /s3rver: quarantined station-08\/2026\/12\/07\/y\.jpg \(md5 is empty\) -> /);
  assert.deepStrictEqual(fs.readdirSync(journal), ['scanned-v1']);
  assert.deepStrictEqual(walkFiles(dir).filter(f => TEMP_NAME.test(f)), []);
  const interrupted = await stopServer(server, 'SIGINT');
  assert.ok(interrupted.signal === 'SIGINT' || interrupted.code !== null, 'SIGINT stops the launcher');

  // After the one-time scan, damage is caught while serving.
  fs.truncateSync(path.join(dir, bucket, '2026', '12', '07', 'good.jpg._S3rver_metadata.json'), 0);
  server = await startServer(dir);
  log(`    ${server.summary}`);
  assert.match(server.summary, /^s3rver recovery: 0 rolled back, 0 rolled forward, 0 quarantined \(journal only/);
  const list2 = await listBucket(server.port, bucket);
  assert.strictEqual(list2.status, 200, list2.text);
  assert.deepStrictEqual(list2.objects.map(o => o.key).sort(), ['rb/old.bin', 'rf/new.bin']);
  assert.strictEqual((await request(server.port, 'HEAD', `/${bucket}`)).status, 200);
  assert.strictEqual((await request(server.port, 'GET', `/${bucket}/2026/12/07/good.jpg`)).status, 404);
  assert.match(server.stderr, /s3rver: quarantined station-08\/2026\/12\/07\/good\.jpg \(metadata\.json is empty\) -> /);
  assert.strictEqual(fs.readdirSync(quarantine).length, 2);
  // Copy (with and without REPLACE) and delete go through the journal too.
  const copy = await request(server.port, 'PUT', `/${bucket}/copies/a.bin`, null, { 'x-amz-copy-source': `/${bucket}/rf/new.bin` });
  assert.strictEqual(copy.status, 200, copy.body.toString());
  const replace = await request(server.port, 'PUT', `/${bucket}/copies/b.bin`, null, {
    'x-amz-copy-source': `/${bucket}/rb/old.bin`,
    'x-amz-metadata-directive': 'REPLACE',
    'content-type': 'text/x-replaced',
  });
  assert.strictEqual(replace.status, 200, replace.body.toString());
  await expectObject(server.port, bucket, 'copies/a.bin', rolledForward);
  await expectObject(server.port, bucket, 'copies/b.bin', old);
  assert.strictEqual((await request(server.port, 'HEAD', `/${bucket}/copies/b.bin`)).headers['content-type'], 'text/x-replaced');
  assert.strictEqual((await request(server.port, 'DELETE', `/${bucket}/copies/a.bin`)).status, 204);
  assert.deepStrictEqual(fs.readdirSync(journal), ['scanned-v1']);
  await stopServer(server);
  log('    passed');
}

async function crashRounds(root, script) {
  const label = script === LAUNCHER ? 'launcher' : 'unpatched s3rver';
  log(`(b) ${ROUNDS} crash rounds against the ${label}`);
  const dir = path.join(root, 'crash');
  const bucket = 'crash-bucket';
  const sent = new Set(); // md5 of every body a client began to send
  const failures = [];
  const totals = { puts: 0, completed: 0, lists: 0, otherStatus: {}, killedInFlight: 0, rolledBack: 0, rolledForward: 0 };

  let server = await startServer(dir, { script });
  assert.strictEqual((await request(server.port, 'PUT', `/${bucket}`)).status, 200);

  for (let round = 1; round <= ROUNDS; round++) {
    let stop = false;
    let inFlight = 0;
    const port = server.port;
    const worker = async w => {
      while (!stop) {
        const key = `cams/${w % 3}/k-${crypto.randomInt(12)}.bin`;
        try {
          if (crypto.randomInt(10) === 0) {
            await request(port, 'DELETE', `/${bucket}/${key}`);
            continue;
          }
          const body = crypto.randomBytes(200 * 1024);
          sent.add(md5(body));
          inFlight++;
          totals.puts++;
          try {
            const status = await putInPieces(port, `/${bucket}/${key}`, body);
            if (status === 200) totals.completed++;
            else totals.otherStatus[status] = (totals.otherStatus[status] || 0) + 1;
          } finally {
            inFlight--;
          }
        } catch (err) {
          // The server was killed under this request.
        }
      }
    };
    // LISTs while PUTs commit: temporaries appear and vanish next to the listed files.
    const listDuringLoad = [];
    const lister = async () => {
      while (!stop) {
        try {
          const res = await request(port, 'GET', `/${bucket}?prefix=cams/`);
          totals.lists++;
          if (res.status !== 200) listDuringLoad.push(`LIST during PUTs answered ${res.status}: ${res.body.toString().slice(0, 200)}`);
        } catch (err) {
          // The server was killed under this request.
        }
      }
    };
    const workers = [...Array.from({ length: 6 }, (_, w) => worker(w)), lister()];
    await sleep(40 + crypto.randomInt(400));
    if (inFlight > 0) totals.killedInFlight++;
    stop = true;
    process.kill(server.pid, 'SIGKILL');
    await server.exit;
    await Promise.all(workers);

    server = await startServer(dir, { script });
    const problems = [...new Set(listDuringLoad)];
    const summary = server.summary && /(\d+) rolled back, (\d+) rolled forward, (\d+) quarantined/.exec(server.summary);
    if (summary) {
      totals.rolledBack += Number(summary[1]);
      totals.rolledForward += Number(summary[2]);
      if (summary[3] !== '0') problems.push(`recovery quarantined ${summary[3]} objects`);
    }
    const list = await listBucket(server.port, bucket);
    if (list.status !== 200) problems.push(`LIST answered ${list.status}: ${list.text.slice(0, 300)}`);
    const head = await request(server.port, 'HEAD', `/${bucket}`);
    if (head.status !== 200) problems.push(`HEAD bucket answered ${head.status}`);
    for (const o of list.objects) {
      const res = await request(server.port, 'GET', `/${bucket}/${o.key}`);
      const actual = md5(res.body);
      if (res.status !== 200) problems.push(`GET ${o.key}: ${res.status}`);
      else if (actual !== o.etag) problems.push(`${o.key}: bytes have md5 ${actual}, ETag claims ${o.etag}`);
      else if (res.body.length !== o.size) problems.push(`${o.key}: ${res.body.length} bytes, LIST claims ${o.size}`);
      else if (!sent.has(actual)) problems.push(`${o.key}: ${res.body.length} bytes that are no body a client sent (torn write)`);
    }
    if (script === LAUNCHER) {
      const journal = fs.readdirSync(`${dir}.journal`).filter(n => n !== 'scanned-v1');
      if (journal.length) problems.push(`journal not empty after recovery: ${journal.join(', ')}`);
      const temps = walkFiles(dir).filter(f => TEMP_NAME.test(f));
      if (temps.length) problems.push(`temporaries left after recovery: ${temps.join(', ')}`);
      if (/quarantined/.test(server.stderr)) problems.push(`run-time quarantine: ${server.stderr.trim()}`);
    }
    log(
      `    round ${String(round).padStart(2)}: ${list.objects.length} objects listed, LIST ${list.status}` +
        (server.summary ? `; ${server.summary.replace('s3rver recovery: ', '')}` : '') +
        (problems.length ? `\n      FAIL ${problems.join('\n      FAIL ')}` : ''),
    );
    failures.push(...problems.map(p => `round ${round}: ${p}`));
  }
  await stopServer(server);
  log(
    `    ${totals.puts} PUTs started, ${totals.completed} answered 200, kill landed with PUTs in flight in ` +
      `${totals.killedInFlight}/${ROUNDS} rounds; ${totals.lists} LISTs during PUTs; recovery rolled back ${totals.rolledBack} and forward ${totals.rolledForward} writes` +
      (Object.keys(totals.otherStatus).length ? `; other answers to PUT: ${JSON.stringify(totals.otherStatus)}` : ''),
  );
  return failures;
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mobilex-s3rver-crash-'));
  let failures = [];
  try {
    if (!UNPATCHED_ONLY) await partA(root);
    failures = await crashRounds(root, UNPATCHED_ONLY ? UNPATCHED : LAUNCHER);
  } catch (err) {
    console.error(err);
    console.error(`kept ${root}`);
    process.exitCode = 1;
    return;
  }
  if (failures.length) {
    console.error(`FAILED: ${failures.length} problems`);
    console.error(`kept ${root}`);
    process.exitCode = 1;
  } else {
    log('PASS');
    if (KEEP) log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
