#!/usr/bin/env node
'use strict';

/*
 * Per-PUT cost of the journalled launcher against plain s3rver.
 *
 *   node tools/s3rver/test/put-bench.js [--puts 500] [--size 61440] [--concurrency 1] [--overwrite]
 *
 * Both servers run at once on their own temporary directories; PUTs go to distinct keys over keep-alive
 * connections, one at a time unless --concurrency says otherwise (then the figure is wall time per PUT).
 * --overwrite PUTs ten keys over and over instead, where plain s3rver rewrites files in place. The two servers take turns in batches, so load from anything else on the
 * machine falls on both alike.
 */

const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const LAUNCHER = path.join(__dirname, '..', 'mobilex-s3rver.js');
const UNPATCHED = path.join(__dirname, '..', 'node_modules', 's3rver', 'bin', 's3rver.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const PUTS = option('--puts', 500);
const SIZE = option('--size', 60 * 1024);
const CONCURRENCY = option('--concurrency', 1);
const OVERWRITE = args.includes('--overwrite');
const BATCH = 50;
const WARMUP = 50;

const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch (err) {
      // already gone
    }
  }
});

function startServer(script, dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--no-vhost-buckets', '--silent'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      const m = /S3rver listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) });
    });
    child.on('exit', code => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
}

function request(server, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, agent: server.agent }, res => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${method} ${urlPath}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    if (body) req.setHeader('Content-Length', body.length);
    req.end(body);
  });
}

async function timedPuts(server, from, count, body) {
  const started = process.hrtime.bigint();
  let next = from;
  const lane = async () => {
    while (next < from + count) {
      const i = next++;
      const key = OVERWRITE ? `same/f-${((i % 10) + 10) % 10}.jpg` : `frames/${Math.floor(i / 100)}/f-${i}.jpg`;
      await request(server, 'PUT', `/bench/${key}`, body);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mobilex-s3rver-bench-'));
  const body = crypto.randomBytes(SIZE);
  const servers = {
    unpatched: await startServer(UNPATCHED, path.join(root, 'plain')),
    launcher: await startServer(LAUNCHER, path.join(root, 'journalled')),
  };
  const totals = { unpatched: 0, launcher: 0 };
  try {
    for (const server of Object.values(servers)) {
      await request(server, 'PUT', '/bench');
      await timedPuts(server, -WARMUP, WARMUP, body);
    }
    for (let done = 0; done < PUTS; done += BATCH) {
      const n = Math.min(BATCH, PUTS - done);
      // Alternate which goes first, so neither always follows the other's writeback.
      const order = (done / BATCH) % 2 ? ['launcher', 'unpatched'] : ['unpatched', 'launcher'];
      for (const name of order) totals[name] += await timedPuts(servers[name], done, n, body);
    }
  } finally {
    for (const server of Object.values(servers)) {
      server.agent.destroy();
      process.kill(server.child.pid, 'SIGTERM');
    }
  }
  const perPut = name => totals[name] / PUTS;
  const how = CONCURRENCY === 1 ? 'sequential' : `${CONCURRENCY} concurrent`;
  console.log(`${PUTS} ${how} PUTs of ${(SIZE / 1024).toFixed(0)} kB each (${OVERWRITE ? 'ten keys overwritten' : 'new keys'})`);
  console.log(`  unpatched s3rver : ${perPut('unpatched').toFixed(3)} ms per PUT`);
  console.log(`  mobilex-s3rver   : ${perPut('launcher').toFixed(3)} ms per PUT`);
  console.log(`  ratio            : ${(perPut('launcher') / perPut('unpatched')).toFixed(2)}x`);
  await new Promise(resolve => setTimeout(resolve, 300));
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
