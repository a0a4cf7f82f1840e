#!/usr/bin/env node
'use strict';

/*
 * MobileX launcher for s3rver 3.7.1. Takes exactly s3rver's own command line.
 *
 * s3rver writes an object as three files in place (object, .md5, metadata.json). A process killed during a PUT
 * can leave a metadata.json of 0 bytes, and because a LIST (and a HEAD bucket, which s3rver serves by listing)
 * parses the metadata of every key it returns, that one file makes the whole bucket answer 500 for good.
 *
 * This launcher makes every write a journalled commit before the server starts serving:
 *   - the new files are written to temporary names next to their final ones, after an intent record is in
 *     <DIR>.journal/; once all of them are complete the intent is switched to "commit" by an atomic rename,
 *     and only then are the temporaries renamed onto their final names;
 *   - at start, each intent left behind is rolled back (still "begin") or forward ("commit"), so the cost is
 *     proportional to the writes in flight, not to the size of the store;
 *   - once per data directory (or when MOBILEX_S3RVER_FULL_SCAN=1), a full scan moves objects damaged by an
 *     unpatched server into <DIR>.quarantine/, and a damaged metadata.json met while serving is quarantined
 *     the same way instead of failing the request.
 * Renames are atomic with respect to a killed process. There is no fsync, so a power loss or kernel crash can
 * still lose or tear recent writes.
 */

const crypto = require('crypto');
const nodeFs = require('fs');
const path = require('path');
const { format } = require('util');
const { pipeline, Transform } = require('stream');
const fs = require('fs-extra');
const { pick, pickBy } = require('lodash');

const S3RVER_OBJECT_SUFFIX = '._S3rver_object';
const S3RVER_MD5_SUFFIX = '._S3rver_object.md5';
const S3RVER_METADATA_SUFFIX = '._S3rver_metadata.json';
// Only names this launcher creates: s3rver's own files always end in ._S3rver_<resource>, so no key can match.
const TEMP_NAME = /\._S3rver_(?:object|object\.md5|metadata\.json)\.tmp-\d+-\d+$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;
const SCAN_MARK = 'scanned-v1';
const SCAN_CONCURRENCY = 32;

let writeCounter = 0;

function journalDirOf(root) {
  return `${path.resolve(root)}.journal`;
}

function quarantineDirOf(root) {
  return `${path.resolve(root)}.quarantine`;
}

// Colons are awkward in folder names on some tools; milliseconds keep separate run-time events apart.
function utcStamp() {
  return new Date().toISOString().replace(/:/g, '-');
}

function enoent(message) {
  const err = new Error(message);
  err.code = 'ENOENT';
  return err;
}

async function readOptional(file) {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

async function unlinkOptional(file) {
  try {
    await fs.unlink(file);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

// Sidecars first: s3rver lists a key as soon as its object file exists, so a new key must not appear before its
// md5 and metadata do. The sidecars can go in parallel; the object waits for them.
async function renameInCommitOrder(pairs, onlyIfPresent) {
  const move = async ({ tmp, final }) => {
    try {
      await fs.rename(tmp, final);
    } catch (err) {
      if (!(onlyIfPresent && err.code === 'ENOENT')) throw err;
    }
  };
  await Promise.all(pairs.filter(p => !p.final.endsWith(S3RVER_OBJECT_SUFFIX)).map(move));
  for (const p of pairs.filter(p => p.final.endsWith(S3RVER_OBJECT_SUFFIX))) await move(p);
}

/** One journalled write: temporaries for `finals`, an intent record, and a commit that renames them into place. */
class JournalledWrite {
  static async begin(root, finals) {
    const id = `${process.pid}-${++writeCounter}`;
    const journalDir = journalDirOf(root);
    const intentPath = path.join(journalDir, `w-${id}.json`);
    const files = finals.map(final => ({ tmp: `${final}.tmp-${id}`, final }));
    // Relative to the data directory, so a journal still applies if the data is reached through another path.
    const record = phase =>
      JSON.stringify({
        phase,
        files: files.map(f => ({ tmp: path.relative(root, f.tmp), final: path.relative(root, f.final) })),
      });
    await ensureJournalDir(root);
    // The intent must exist before any temporary does: recovery finds temporaries only through the journal.
    await fs.writeFile(intentPath, record('begin'));
    return new JournalledWrite(intentPath, files, record);
  }

  constructor(intentPath, files, record) {
    this.intentPath = intentPath;
    this.files = files;
    this.record = record;
    this.committed = false;
  }

  tmpOf(final) {
    return this.files.find(f => f.final === final).tmp;
  }

  async commit() {
    const pending = `${this.intentPath}.c`;
    await fs.writeFile(pending, this.record('commit'));
    // The commit point: from here on recovery rolls this write forward instead of discarding it.
    await fs.rename(pending, this.intentPath);
    this.committed = true;
    await renameInCommitOrder(this.files, false);
    await fs.unlink(this.intentPath);
  }

  async abort() {
    // After the commit point the temporaries are the new version; leave them for recovery to roll forward.
    if (this.committed) return;
    await Promise.all(this.files.map(f => unlinkOptional(f.tmp)));
    await unlinkOptional(this.intentPath);
  }
}

const journalReady = new Map();
function ensureJournalDir(root) {
  const dir = journalDirOf(root);
  if (!journalReady.has(dir)) {
    const ready = fs.mkdirp(dir);
    ready.catch(() => journalReady.delete(dir));
    journalReady.set(dir, ready);
  }
  return journalReady.get(dir);
}

// Commits, quarantines, md5 repairs and deletes of one key run one at a time, so two concurrent PUTs of a key can
// never leave one's object with the other's md5, and a quarantine never moves a version committed meanwhile.
const keyLocks = new Map();
async function withKeyLock(lockKey, fn) {
  const previous = keyLocks.get(lockKey) || Promise.resolve();
  let release;
  const mine = new Promise(resolve => (release = resolve));
  const tail = previous.then(() => mine);
  keyLocks.set(lockKey, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (keyLocks.get(lockKey) === tail) keyLocks.delete(lockKey);
  }
}

/** Streams or writes `content` to `file`; resolves [size, md5] once the file is closed, never earlier. */
function writeContent(content, file) {
  return new Promise((resolve, reject) => {
    const md5Context = crypto.createHash('md5');
    let totalLength = 0;
    let settled = false;
    const settle = (err, value) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(value);
    };
    const writeStream = fs.createWriteStream(file);
    // s3rver resolved when its transform finished, before the bytes reached the file; renaming that early could
    // commit a truncated object, so wait for the file to be closed.
    writeStream.on('close', () => {
      if (writeStream.writableFinished) settle(null, [totalLength, md5Context.digest('hex')]);
    });

    if (Buffer.isBuffer(content)) {
      writeStream.on('error', settle);
      md5Context.update(content);
      totalLength = content.length;
      writeStream.end(content);
    } else {
      // pipeline, unlike s3rver's bare pipe, fails on an aborted upload or a write error instead of hanging.
      pipeline(
        content,
        new Transform({
          transform(chunk, encoding, callback) {
            md5Context.update(chunk, encoding);
            totalLength += chunk.length;
            callback(null, chunk);
          },
        }),
        writeStream,
        err => {
          if (err) settle(err);
        },
      );
    }
  });
}

function hashFile(file) {
  return new Promise((resolve, reject) => {
    const md5Context = crypto.createHash('md5');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', chunk => md5Context.update(chunk))
      .on('end', () => resolve(md5Context.digest('hex')));
  });
}

function metadataJson(metadata, S3Object) {
  // Same shape as s3rver's putMetadata.
  const json = {
    ...pick(metadata, S3Object.ALLOWED_METADATA),
    ...pickBy(metadata, (value, key) => key.startsWith('x-amz-meta-')),
  };
  return JSON.stringify(json, null, 2);
}

/** Why an object's sidecar files make it unservable, or undefined. `undefined` text means the file is missing. */
function describeDamage(metadataText, md5Text, md5MissingIsDamage) {
  const reasons = [];
  if (metadataText === undefined) {
    if (md5MissingIsDamage) reasons.push('metadata.json is missing');
  } else if (metadataText.length === 0) {
    reasons.push('metadata.json is empty');
  } else {
    let parsed;
    try {
      parsed = JSON.parse(metadataText);
    } catch (err) {
      reasons.push('metadata.json is not valid JSON');
    }
    if (parsed !== undefined && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
      reasons.push('metadata.json is not a JSON object');
    }
  }
  if (md5Text === undefined) {
    if (md5MissingIsDamage) reasons.push('md5 is missing');
  } else if (!MD5_HEX.test(md5Text)) {
    reasons.push(md5Text.length === 0 ? 'md5 is empty' : 'md5 is not 32 hex characters');
  }
  return reasons.length ? reasons.join(', ') : undefined;
}

/**
 * Moves an object's files out of the data directory, object first so it stops being listed at once. The
 * quarantine is a sibling of the data directory because every folder inside it would be served as a bucket.
 */
async function quarantine(root, stamp, objectFile, displayName, reason) {
  const resolvedRoot = path.resolve(root);
  const base = objectFile.slice(0, -S3RVER_OBJECT_SUFFIX.length);
  const target = path.join(quarantineDirOf(root), stamp);
  let objectTarget;
  for (const file of [objectFile, `${objectFile}.md5`, base + S3RVER_METADATA_SUFFIX]) {
    const dest = path.join(target, path.relative(resolvedRoot, path.resolve(file)));
    try {
      // fs-extra's move renames, and copies only when the quarantine is on another device.
      await fs.move(file, dest, { overwrite: true });
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
      continue;
    }
    if (file === objectFile) objectTarget = dest;
  }
  console.error(`s3rver: quarantined ${displayName} (${reason}) -> ${objectTarget || target}`);
}

// s3rver's file naming: <key>._S3rver_<resource>.
const S3RVER_SUFFIX = '%s._S3rver_%s';

function installPatch() {
  const utils = require('s3rver/lib/utils');
  const storeModule = require.resolve('s3rver/lib/stores/filesystem');
  if (require.cache[storeModule]) {
    // The store copies utils.walk when it loads; patching afterwards would silently do nothing.
    throw new Error('mobilex-s3rver: s3rver/lib/stores/filesystem was loaded before the launcher patched it');
  }
  // A temporary can be renamed away (on the thread pool) between a LIST's readdirSync and its statSync, which
  // made s3rver's walk throw ENOENT and the LIST answer 500; a vanished entry is simply not listed.
  // The entry types come with the directory listing, so only symbolic links (which s3rver follows) are stat'ed: a
  // LIST walks every file of the prefix for each page, and a stat per file made listing an hour of frames quadratic.
  utils.walk = function* walk(dir, recurseFilter, nested = false) {
    let entries;
    try {
      entries = nodeFs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (nested && err.code === 'ENOENT') return;
      throw err;
    }
    // libuv's scandir sorts the entries by name (strcmp) either way: keys still come out in the order pagination relies on.
    for (const entry of entries) {
      const filename = entry.name;
      if (TEMP_NAME.test(filename)) continue;
      const filePath = path.posix.join(dir, filename);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDirectory = nodeFs.statSync(filePath).isDirectory();
        } catch (err) {
          if (err.code === 'ENOENT') continue;
          throw err;
        }
      }
      if (!isDirectory) {
        yield filePath;
      } else if (!recurseFilter || recurseFilter(filePath)) {
        yield* walk(filePath, recurseFilter, true);
      }
    }
  };

  // s3rver signs continuation tokens with single DES, which OpenSSL 3 (Node 17+) only has in its legacy provider,
  // so every truncated LIST (more keys than max-keys: a page of 1000) answered 500. Triple DES with one key three
  // times is single DES, in the default provider: the same tokens, and pagination works.
  const originalCipheriv = crypto.createCipheriv;
  const originalDecipheriv = crypto.createDecipheriv;
  const tripled = key => Buffer.concat([key, key, key]);
  crypto.createCipheriv = (algorithm, key, iv, options) =>
    algorithm === 'des' ? originalCipheriv('des-ede3-cbc', tripled(key), iv, options) : originalCipheriv(algorithm, key, iv, options);
  crypto.createDecipheriv = (algorithm, key, iv, options) =>
    algorithm === 'des' ? originalDecipheriv('des-ede3-cbc', tripled(key), iv, options) : originalDecipheriv(algorithm, key, iv, options);

  const FilesystemStore = require('s3rver/lib/stores/filesystem');
  const S3Object = require('s3rver/lib/models/object');
  const S3Error = require('s3rver/lib/models/error');
  const proto = FilesystemStore.prototype;
  const originalDeleteObject = proto.deleteObject;

  // s3rver's own listObjects, except which directories a delimited LIST descends into. s3rver never went more than
  // one directory below the prefix, so "2026/" of a key 2026/12/01/14/x.jpg was never found: a LIST of the bucket
  // root with delimiter "/" came back empty. A directory is now skipped only once the common prefix that covers it
  // is known, so every common prefix is found with one object each.
  proto.listObjects = async function listObjects(bucket, options) {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
    const bucketPath = this.getBucketPath(bucket);
    const delimiterEnc = FilesystemStore.encodeKeyPath(delimiter);
    const startAfterPath = [bucketPath, FilesystemStore.encodeKeyPath(startAfter)].join('/');
    const prefixPath = [bucketPath, FilesystemStore.encodeKeyPath(prefix)].join('/');
    const commonPrefixes = new Set();

    // Called lazily while the walk is consumed below, so it sees the prefixes found so far.
    const it = utils.walk(bucketPath, dirPath => {
      if (dirPath < startAfterPath && startAfterPath.indexOf(dirPath) === -1) {
        return false;
      }
      if (dirPath.startsWith(prefixPath)) {
        const rest = dirPath.slice(prefixPath.length);
        const idx = delimiterEnc ? rest.indexOf(delimiterEnc) : -1;
        if (idx !== -1 && commonPrefixes.has(prefix + FilesystemStore.decodeKeyPath(rest.slice(0, idx)) + delimiter)) {
          return false;
        }
      } else if (!prefixPath.startsWith(dirPath)) {
        return false;
      }
      return true;
    });

    const objectSuffix = format(S3RVER_SUFFIX, '', 'object');
    const keys = [];
    let isTruncated = false;
    for (const keyPath of it) {
      if (!keyPath.endsWith(objectSuffix)) continue;
      const key = FilesystemStore.decodeKeyPath(keyPath.slice(bucketPath.length + 1, -objectSuffix.length));
      if (key <= startAfter || !key.startsWith(prefix)) continue;
      if (delimiter) {
        const idx = key.slice(prefix.length).indexOf(delimiter);
        if (idx !== -1) {
          commonPrefixes.add(key.slice(0, prefix.length + idx + 1));
          continue;
        }
      }
      if (keys.length < maxKeys) {
        keys.push(key);
      } else {
        isTruncated = true;
        break;
      }
    }

    const metadataArr = await Promise.all(
      keys.map(key =>
        this.getMetadata(bucket, key).catch(err => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        }),
      ),
    );
    return {
      objects: keys
        .map((key, i) => [key, metadataArr[i]])
        .filter(([, metadata]) => metadata !== undefined)
        .map(([key, metadata]) => new S3Object(bucket, key, null, metadata)),
      commonPrefixes: [...commonPrefixes].sort(),
      isTruncated,
    };
  };

  function paths(store, bucket, key) {
    return {
      object: store.getResourcePath(bucket, key, 'object'),
      md5: store.getResourcePath(bucket, key, 'object.md5'),
      metadata: store.getResourcePath(bucket, key, 'metadata.json'),
    };
  }

  async function commitFiles(store, lockPath, contents) {
    const write = await JournalledWrite.begin(store.rootDirectory, Object.keys(contents));
    try {
      await Promise.all(Object.entries(contents).map(([final, data]) => fs.writeFile(write.tmpOf(final), data)));
      await withKeyLock(lockPath, () => write.commit());
    } catch (err) {
      await write.abort().catch(() => {});
      throw err;
    }
  }

  proto.putObject = async function putObject(object) {
    const p = paths(this, object.bucket, object.key);
    await fs.mkdirp(path.dirname(p.object));
    const write = await JournalledWrite.begin(this.rootDirectory, [p.md5, p.metadata, p.object]);
    try {
      const [metadataWritten, contentWritten] = await Promise.allSettled([
        fs.writeFile(write.tmpOf(p.metadata), metadataJson(object.metadata, S3Object)),
        writeContent(object.content, write.tmpOf(p.object)),
      ]);
      if (contentWritten.status === 'rejected') throw contentWritten.reason;
      if (metadataWritten.status === 'rejected') throw metadataWritten.reason;
      const [size, md5] = contentWritten.value;
      await fs.writeFile(write.tmpOf(p.md5), md5);
      await withKeyLock(p.object, () => write.commit());
      return { size, md5 };
    } catch (err) {
      await write.abort().catch(() => {});
      throw err;
    }
  };

  proto.putMetadata = async function putMetadata(bucket, key, metadata, md5) {
    const p = paths(this, bucket, key);
    const contents = {};
    if (md5) contents[p.md5] = md5;
    contents[p.metadata] = metadataJson(metadata, S3Object);
    await commitFiles(this, p.object, contents);
  };

  // s3rver's own getMetadata, except that damaged sidecars quarantine the object instead of failing the request,
  // and a missing md5 is recreated atomically.
  proto.getMetadata = async function getMetadata(bucket, key, retried = false) {
    const p = paths(this, bucket, key);
    // this is expected to throw if the object doesn't exist
    const stat = await fs.stat(p.object);
    let [metadataText, md5Text] = await Promise.all([readOptional(p.metadata), readOptional(p.md5)]);
    if (describeDamage(metadataText, md5Text, false)) {
      const repaired = await withKeyLock(p.object, async () => {
        // Re-read under the lock: a PUT may have committed a good version since.
        [metadataText, md5Text] = await Promise.all([readOptional(p.metadata), readOptional(p.md5)]);
        const reason = describeDamage(metadataText, md5Text, false);
        if (!reason) return true;
        if (await fs.pathExists(p.object)) {
          await quarantine(this.rootDirectory, utcStamp(), p.object, `${bucket}/${key}`, reason);
        }
        return false;
      });
      if (!repaired || retried) {
        // Callers already treat ENOENT as "no such object" (LIST skips it, GET answers 404).
        throw enoent(`object ${bucket}/${key} was quarantined`);
      }
      return this.getMetadata(bucket, key, true);
    }

    const md5 =
      md5Text !== undefined
        ? md5Text
        : await withKeyLock(p.object, async () => {
            const again = await readOptional(p.md5);
            if (again !== undefined && MD5_HEX.test(again)) return again;
            const computed = await hashFile(p.object);
            const write = await JournalledWrite.begin(this.rootDirectory, [p.md5]);
            try {
              await fs.writeFile(write.tmpOf(p.md5), computed);
              await write.commit();
            } catch (err) {
              await write.abort().catch(() => {});
              throw err;
            }
            return computed;
          });

    return {
      ...(metadataText === undefined ? undefined : JSON.parse(metadataText)),
      etag: JSON.stringify(md5),
      'last-modified': stat.mtime.toUTCString(),
      'content-length': stat.size,
    };
  };

  proto.copyObject = async function copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata) {
    const src = paths(this, srcBucket, srcKey);
    const dest = paths(this, destBucket, destKey);

    if (src.object === dest.object) {
      if (replacementMetadata) await this.putMetadata(destBucket, destKey, replacementMetadata);
      return this.getMetadata(destBucket, destKey);
    }

    let srcMetadata;
    try {
      // Validates (and if need be quarantines) the source before anything is copied from it.
      srcMetadata = await this.getMetadata(srcBucket, srcKey);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
    }

    await fs.mkdirp(path.dirname(dest.object));
    const write = await JournalledWrite.begin(this.rootDirectory, [dest.md5, dest.metadata, dest.object]);
    try {
      // Hashing the bytes actually copied keeps the md5 true even if the source is replaced mid-copy, and
      // s3rver's copy with REPLACE left the destination's old md5 in place.
      const [, md5] = await writeContent(fs.createReadStream(src.object), write.tmpOf(dest.object));
      const storedMetadata = replacementMetadata
        ? metadataJson(replacementMetadata, S3Object)
        : metadataJson(srcMetadata, S3Object);
      await Promise.all([
        fs.writeFile(write.tmpOf(dest.md5), md5),
        fs.writeFile(write.tmpOf(dest.metadata), storedMetadata),
      ]);
      await withKeyLock(dest.object, () => write.commit());
    } catch (err) {
      await write.abort().catch(() => {});
      if (err.code === 'ENOENT') {
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
      }
      throw err;
    }
    return this.getMetadata(destBucket, destKey);
  };

  proto.deleteObject = async function deleteObject(bucket, key) {
    const p = paths(this, bucket, key);
    await withKeyLock(p.object, async () => {
      // Object first, so a delete cut short leaves only unlisted sidecars, never a listed object without them.
      await unlinkOptional(p.object);
      await originalDeleteObject.call(this, bucket, key);
    });
  };

  return FilesystemStore;
}

function isInside(root, file) {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Rolls every journalled write left by a previous process back or forward. Cost: the writes in flight. */
async function recoverJournal(root) {
  const journalDir = journalDirOf(root);
  await fs.mkdirp(journalDir);
  const counts = { rolledBack: 0, rolledForward: 0 };
  const names = await fs.readdir(journalDir);

  const intents = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(journalDir, name);
    intents.push({ file, mtimeMs: (await fs.stat(file)).mtimeMs });
  }
  // Oldest first, so if two committed writes of one key were both left behind, the newer one ends up in place.
  intents.sort((a, b) => a.mtimeMs - b.mtimeMs);

  for (const { file } of intents) {
    let intent;
    try {
      intent = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (err) {
      intent = undefined;
    }
    const valid =
      intent &&
      (intent.phase === 'begin' || intent.phase === 'commit') &&
      Array.isArray(intent.files) &&
      intent.files.every(f => f && typeof f.tmp === 'string' && typeof f.final === 'string');
    if (!valid) {
      // A torn intent record: it was being written, so no temporary had been created yet.
      await unlinkOptional(file);
      counts.rolledBack++;
      continue;
    }
    const pairs = intent.files.map(f => ({ tmp: path.resolve(root, f.tmp), final: path.resolve(root, f.final) }));
    const safe = pairs.every(
      p => isInside(root, p.final) && p.tmp.startsWith(`${p.final}.tmp-`) && TEMP_NAME.test(path.basename(p.tmp)),
    );
    if (!safe) {
      console.error(`s3rver recovery: ignoring journal entry ${file}: it names files outside ${root}`);
    } else if (intent.phase === 'begin') {
      await Promise.all(pairs.map(p => unlinkOptional(p.tmp)));
      counts.rolledBack++;
    } else {
      await renameInCommitOrder(pairs, true);
      counts.rolledForward++;
    }
    await unlinkOptional(file);
  }

  // A commit record that never replaced its intent: the write was not committed, and its intent was handled above.
  for (const name of names) {
    if (name.endsWith('.json.c')) await unlinkOptional(path.join(journalDir, name));
  }
  return counts;
}

async function runLimited(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Quarantines objects an unpatched server left damaged, and deletes stray temporaries. Reads every sidecar once. */
async function fullScan(root) {
  const FilesystemStore = require('s3rver/lib/stores/filesystem');
  const stamp = utcStamp();
  const counts = { objects: 0, quarantined: 0, strays: 0 };

  async function visit(dir) {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const names = new Set(entries.map(e => e.name));
    const subdirs = [];
    const checks = [];
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      // s3rver's walk follows symbolic links, so the scan does too.
      const isDirectory = entry.isSymbolicLink() ? (await fs.stat(file).catch(() => null))?.isDirectory() : entry.isDirectory();
      if (isDirectory) {
        subdirs.push(file);
      } else if (TEMP_NAME.test(entry.name)) {
        await unlinkOptional(file);
        counts.strays++;
      } else if (entry.name.endsWith(S3RVER_OBJECT_SUFFIX)) {
        counts.objects++;
        checks.push(async () => {
          const base = entry.name.slice(0, -S3RVER_OBJECT_SUFFIX.length);
          const metadataName = base + S3RVER_METADATA_SUFFIX;
          const md5Name = entry.name + '.md5';
          const [metadataText, md5Text] = await Promise.all([
            names.has(metadataName) ? readOptional(path.join(dir, metadataName)) : undefined,
            names.has(md5Name) ? readOptional(path.join(dir, md5Name)) : undefined,
          ]);
          const reason = describeDamage(metadataText, md5Text, true);
          if (!reason) return;
          const rel = path.relative(root, path.join(dir, base)).split(path.sep).join('/');
          await quarantine(root, stamp, file, FilesystemStore.decodeKeyPath(rel), reason);
          counts.quarantined++;
        });
      }
    }
    await runLimited(checks, SCAN_CONCURRENCY);
    for (const sub of subdirs) await visit(sub);
  }

  await visit(root);
  return counts;
}

/** The data directory from s3rver's own options (-d, --directory); s3rver itself reports it if missing. */
function directoryFromArgs(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if ((arg === '-d' || arg === '--directory') && i + 1 < args.length) return args[i + 1];
    if (arg.startsWith('--directory=')) return arg.slice('--directory='.length);
    if (arg.startsWith('-d') && !arg.startsWith('--') && arg.length > 2) return arg.slice(2);
  }
  return undefined;
}

async function recover(directory) {
  const started = process.hrtime.bigint();
  const root = path.resolve(directory);
  await fs.mkdirp(root);
  const { rolledBack, rolledForward } = await recoverJournal(root);

  const mark = path.join(journalDirOf(root), SCAN_MARK);
  const forced = process.env.MOBILEX_S3RVER_FULL_SCAN === '1';
  let quarantined = 0;
  let scanNote;
  if (forced || !(await fs.pathExists(mark))) {
    const scan = await fullScan(root);
    quarantined = scan.quarantined;
    const ms = Number((process.hrtime.bigint() - started) / 1000000n);
    const strays = scan.strays ? `; ${scan.strays} stray temporary file${scan.strays === 1 ? '' : 's'} deleted` : '';
    scanNote = `full scan of ${scan.objects} objects in ${ms} ms${strays}`;
    // Written only after a complete scan, so a scan cut short runs again at the next start.
    await fs.writeFile(mark, JSON.stringify({ scannedAt: new Date().toISOString(), objects: scan.objects }));
  } else {
    const ms = Number((process.hrtime.bigint() - started) / 1000000n);
    scanNote = `journal only, in ${ms} ms; full scan done before`;
  }
  // On stdout even with --silent: s3rver's --silent only quiets its request log.
  console.log(
    `s3rver recovery: ${rolledBack} rolled back, ${rolledForward} rolled forward, ${quarantined} quarantined (${scanNote})`,
  );
}

module.exports = { installPatch, recover, recoverJournal, fullScan, directoryFromArgs, TEMP_NAME };

if (require.main === module) {
  // Patch before anything loads s3rver's store: its server constructs the store from the same module instance.
  installPatch();
  const directory = directoryFromArgs(process.argv.slice(2));
  (directory === undefined ? Promise.resolve() : recover(directory))
    .then(() => {
      // s3rver's bin parses process.argv itself, so the command line passes through untouched.
      require('s3rver/bin/s3rver.js');
    })
    .catch(err => {
      console.error('s3rver recovery failed:', err);
      process.exit(1);
    });
}
