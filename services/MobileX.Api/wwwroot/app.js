'use strict';

// The page only talks to the gateway's /api; everything it shows comes from the API's own answers.
const grid = document.getElementById('grid');
const stationSelect = document.getElementById('station');
const statusLine = document.getElementById('status');
const tiles = new Map();
// The same threshold docs/operations.md gives for the mobilex.station.lag.seconds alert.
const LAG_WARNING_SECONDS = 10;

// A no-break space keeps a number and its unit on one line in the narrow tiles.
function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds.toFixed(1)}\u00a0s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)}\u00a0min`;
  return `${(seconds / 3600).toFixed(1)}\u00a0h`;
}

function describeBackend(backend, model) {
  // "local" is the CPU stylizer: never present it as Stable Diffusion.
  if (backend === 'local') return 'local CPU stylizer (OpenCV, not Stable Diffusion)';
  return `Stable Diffusion via ${backend}${model ? ` (${model})` : ''}`;
}

function tileFor(station) {
  let tile = tiles.get(station.id);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    tile.dataset.station = station.id;
    tile.innerHTML = `<div class="picture"></div><div><strong>Station ${station.id}</strong></div><div class="meta"></div>` +
      '<div class="lag"></div><div class="health"></div>';
    tile.addEventListener('click', () => selectStation(station.id));
    grid.appendChild(tile);
    tiles.set(station.id, tile);
    const option = document.createElement('option');
    option.value = station.id;
    option.textContent = `Station ${station.id}`;
    stationSelect.appendChild(option);
  }
  return tile;
}

function selectStation(id) {
  stationSelect.value = id;
  for (const [key, tile] of tiles) tile.classList.toggle('selected', key === id);
}

async function refreshStations() {
  try {
    const response = await fetch('/api/stations');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    for (const station of await response.json()) {
      const tile = tileFor(station);
      const picture = tile.querySelector('.picture');
      if (station.latestProcessedKey) {
        let img = picture.querySelector('img');
        if (!img) {
          picture.innerHTML = '';
          img = document.createElement('img');
          img.alt = `Latest bust of station ${station.id}`;
          picture.appendChild(img);
        }
        if (img.dataset.key !== station.latestProcessedKey) {
          img.dataset.key = station.latestProcessedKey;
          img.src = `/api/stations/${station.id}/frames/latest?kind=processed&key=${encodeURIComponent(station.latestProcessedKey)}`;
        }
      } else if (!picture.querySelector('.empty')) {
        picture.innerHTML = '<div class="empty">no processed frame yet</div>';
      }
      tile.querySelector('.meta').textContent =
        `${station.recentFps.toFixed(1)} fps · ${station.processed} processed · ${station.rejected} rejected`;
      // Lag: raw frames that have no outcome yet, and how far the newest outcome trails the newest frame.
      const lag = tile.querySelector('.lag');
      lag.textContent = station.lagFrames > 0
        ? `behind: ${station.lagFrames} frames, ${formatSeconds(station.lagSeconds)}`
        : 'up to date';
      lag.classList.toggle('behind', station.lagSeconds >= LAG_WARNING_SECONDS);
      // ok and unknown (no report yet) need no words; failing, stopped and silent say why.
      const unwell = station.health === 'failing' || station.health === 'stopped' || station.health === 'silent';
      tile.classList.toggle('failing', unwell);
      tile.dataset.health = station.health;
      tile.querySelector('.health').textContent = unwell ? `${station.health}: ${station.healthReason ?? ''}` : '';
    }
    if (!stationSelect.value && tiles.size) selectStation(tiles.keys().next().value);
  } catch (error) {
    statusLine.textContent = `Stations unavailable: ${error.message}`;
  }
}

document.getElementById('avatar-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = document.getElementById('generate');
  button.disabled = true;
  statusLine.textContent = 'Generating…';
  try {
    const body = {
      stationId: stationSelect.value,
      prompt: document.getElementById('prompt').value,
      style: document.getElementById('style').value,
    };
    // The API answers 303 See Other; fetch follows it and returns the image.
    const response = await fetch('/api/avatars', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || problem.title || `HTTP ${response.status}`);
    }
    const imageUrl = new URL(response.url).pathname;
    const blob = await response.blob();
    const lineage = await (await fetch(`${imageUrl}/meta`)).json();
    const img = document.getElementById('avatar');
    img.src = URL.createObjectURL(blob);
    img.dataset.avatarId = lineage.avatarId;
    document.getElementById('backend').textContent = describeBackend(lineage.backend, lineage.model);
    const list = document.getElementById('lineage');
    list.innerHTML = '';
    const rows = [
      ['Avatar', lineage.avatarId],
      ['Source frame', `${lineage.sourceBucket}/${lineage.sourceKey}`],
      ['Station', lineage.stationId ?? '—'],
      ['Prompt', lineage.prompt],
      ['Style', lineage.style ?? '—'],
      ['Seed', lineage.seed],
      ['Strength', lineage.strength],
      ['Size', `${lineage.width}×${lineage.height}`],
      ['Inference', `${lineage.inferenceMs.toFixed(0)} ms`],
      ['Served by', lineage.instance],
    ];
    for (const [name, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    document.getElementById('result').hidden = false;
    statusLine.textContent = 'Done.';
  } catch (error) {
    statusLine.textContent = `Failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
});

// Coverage: one row per station, its segments laid over the model's window (windowStart .. generatedAt).
const coverageBox = document.getElementById('coverage');
const coverageStatus = document.getElementById('coverage-status');
const coverageRows = new Map();
// Only known states become class names; anything newer is drawn as "unknown" rather than trusted as markup.
const COVERAGE_STATES = new Set(['seen', 'empty', 'blind']);
const COVERAGE_REFRESH_MS = 3000;

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function coverageRow(stationId) {
  let row = coverageRows.get(stationId);
  if (!row) {
    row = document.createElement('div');
    row.className = 'coverage-row';
    row.dataset.station = stationId;
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = `Station ${stationId}`;
    const bar = document.createElement('div');
    bar.className = 'bar';
    // The bar is one picture to assistive technology; its label says what the colours say.
    bar.setAttribute('role', 'img');
    const now = document.createElement('span');
    now.className = 'now';
    row.append(label, bar, now);
    coverageRows.set(stationId, row);
  }
  return row;
}

function clearCoverage() {
  coverageRows.clear();
  coverageBox.replaceChildren();
}

function renderCoverage(report) {
  const start = Date.parse(report.windowStart);
  const end = Date.parse(report.generatedAt);
  const span = Math.max(end - start, 1);
  const reported = new Set();
  for (const station of report.stations) {
    const id = station.stationId;
    reported.add(id);
    const row = coverageRow(id);
    const bar = row.querySelector('.bar');
    const totals = { seen: 0, empty: 0, blind: 0 };
    const segments = document.createDocumentFragment();
    for (const segment of station.segments) {
      const from = Math.max(Date.parse(segment.from), start);
      const to = Math.min(Date.parse(segment.to), end);
      if (!(to > from)) continue;
      const state = COVERAGE_STATES.has(segment.state) ? segment.state : 'unknown';
      const part = document.createElement('div');
      part.className = `segment ${state}`;
      part.dataset.state = state;
      part.style.left = `${((from - start) / span) * 100}%`;
      part.style.width = `${((to - from) / span) * 100}%`;
      part.title = `${segment.state} ${clock(from)}–${clock(to)}: ${segment.processed} processed, ${segment.rejected} rejected`;
      segments.appendChild(part);
      if (state in totals) totals[state] += to - from;
    }
    bar.replaceChildren(segments);
    const summary = Object.entries(totals)
      .filter(([, ms]) => ms > 0)
      .map(([state, ms]) => `${state} ${Math.round((ms / span) * 100)}%`)
      .join(', ');
    bar.setAttribute('aria-label',
      `Station ${id}, ${clock(start)} to ${clock(end)}: ${summary || 'no segments'}; now ${station.state}`);
    row.querySelector('.now').textContent = station.state;
    row.dataset.state = station.state;
  }
  for (const id of [...coverageRows.keys()]) {
    if (!reported.has(id)) coverageRows.delete(id);
  }
  const axis = document.createElement('div');
  axis.className = 'coverage-axis';
  axis.setAttribute('aria-hidden', 'true');
  const times = document.createElement('div');
  times.className = 'span';
  const first = document.createElement('span');
  first.textContent = clock(start);
  const last = document.createElement('span');
  last.textContent = clock(end);
  times.append(first, last);
  axis.append(document.createElement('span'), times, document.createElement('span'));
  const ordered = [...coverageRows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
  coverageBox.replaceChildren(...ordered, axis);

  coverageStatus.classList.toggle('stale', report.stale);
  coverageStatus.textContent = report.stale
    ? `Coverage is stale: the model last reported ${formatSeconds(report.ageSeconds)} ago.`
    : `Window of ${formatSeconds(span / 1000)}, reported ${formatSeconds(report.ageSeconds)} ago.`;
}

async function refreshCoverage() {
  try {
    const response = await fetch('/api/coverage');
    if (response.status === 503) {
      // Nothing is known, so nothing older stays on screen as if it were current.
      const problem = await response.json().catch(() => ({}));
      clearCoverage();
      coverageStatus.classList.remove('stale');
      coverageStatus.textContent = problem.detail || 'The coverage model has not reported yet.';
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    renderCoverage(await response.json());
  } catch (error) {
    coverageStatus.textContent = `Coverage unavailable: ${error.message}`;
  }
}

// Sign-in: the key goes once to POST /api/session, which answers an HttpOnly cookie the page cannot read; every
// later request (fetch and <img src>) carries the cookie. A 401 anywhere means the session ended: show the form again.
const signInSection = document.getElementById('sign-in-section');
const signInStatus = document.getElementById('sign-in-status');
const appMain = document.getElementById('app');
let timers = [];

function showSignIn(message) {
  for (const timer of timers) clearInterval(timer);
  timers = [];
  appMain.hidden = true;
  document.getElementById('session').hidden = true;
  signInSection.hidden = false;
  signInStatus.textContent = message || '';
}

function showApp(session) {
  signInSection.hidden = true;
  appMain.hidden = false;
  document.getElementById('session').hidden = false;
  document.getElementById('session-right').textContent =
    session.right === 'write' ? 'signed in (read and write)' : 'signed in (read only)';
  refreshStations();
  refreshCoverage();
  timers = [setInterval(refreshStations, 2000), setInterval(refreshCoverage, COVERAGE_REFRESH_MS)];
}

// Any API answer of 401 ends the session on the page.
const plainFetch = window.fetch.bind(window);
window.fetch = async (...args) => {
  const response = await plainFetch(...args);
  if (response.status === 401 && !String(args[0]).startsWith('/api/session')) showSignIn('Your session ended; sign in again.');
  return response;
};

document.getElementById('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  signInStatus.textContent = 'Signing in…';
  const response = await plainFetch('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: input.value }),
  });
  input.value = '';
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    signInStatus.textContent = `Sign-in failed: ${problem.detail || problem.title || `HTTP ${response.status}`}`;
    return;
  }
  showApp(await response.json());
});

document.getElementById('sign-out').addEventListener('click', async () => {
  await plainFetch('/api/session', { method: 'DELETE' });
  showSignIn('Signed out.');
});

(async () => {
  const response = await plainFetch('/api/session');
  if (response.ok) showApp(await response.json());
  else showSignIn();
})();
