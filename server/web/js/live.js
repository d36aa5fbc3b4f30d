// Live refresh: the one place that decides when pages reload their data.
//
// Pages register a refresh function with the topics it shows ("terminals", "alarms",
// "usage", "audit"). Today each registered function runs every POLL_MS (or every n-th time,
// for slow data) while the tab is visible, never two runs of one page at once. A push channel is ready for the manager's
// WebSocket at /api/v1/events/ws, whose messages are {"type": "...", "data": {...}}: a
// message whose type starts with a topic ("terminal.status" → "terminals", "alarm.raised"
// → "alarms") refreshes the pages showing that topic at once, and polling slows to
// SOCKET_POLL_MS as a safety net. Until the endpoint exists, connectSocket() is not called.

export const POLL_MS = 5000;
const SOCKET_POLL_MS = 60000;
const TOPIC_OF_TYPE = [
  ['terminal', 'terminals'],
  ['alarm', 'alarms'],
  ['usage', 'usage'],
  ['audit', 'audit']
];

const watchers = new Set();
let timer = 0;
let socket = null;
let lastRun = 0;

async function run (w) {
  if (w.busy)
    return;
  w.busy = true;
  try {
    await w.refresh();
  } finally {
    w.busy = false;
  }
}

function runAll () {
  lastRun = Date.now();
  for (const w of watchers)
    if (++w.tick % w.every === 0)
      run(w);
}

function schedule () {
  clearInterval(timer);
  timer = 0;
  if (watchers.size > 0 && document.visibilityState === 'visible')
    timer = setInterval(runAll, socket ? SOCKET_POLL_MS : POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  // Back on the tab after a while: bring it up to date now.
  if (document.visibilityState === 'visible' && Date.now() - lastRun > POLL_MS)
    runAll();
  schedule();
});

// Registers refresh (async, called at once and then live, on every tick or every n-th for
// slow-moving data); returns the function that stops it.
export function watch (topics, refresh, { every = 1 } = {}) {
  const w = { topics, refresh, every, tick: 0, busy: false };
  watchers.add(w);
  run(w);
  schedule();
  return () => {
    watchers.delete(w);
    schedule();
  };
}

export function stopAll () {
  watchers.clear();
  schedule();
}

// Something changed (our own action, or a pushed event): refresh who shows it, now.
export function nudge (topic) {
  for (const w of watchers)
    if (w.topics.includes(topic))
      run(w);
}

export function handleMessage (text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return;
  }
  if (!msg || typeof msg.type !== 'string')
    return;
  for (const [prefix, topic] of TOPIC_OF_TYPE)
    if (msg.type.startsWith(prefix))
      nudge(topic);
}

// Switches to push when the manager offers it; falls back to polling when it closes.
export function connectSocket (path = '/api/v1/events/ws', hello = null) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}${path}`);
  ws.addEventListener('open', () => {
    if (hello)
      ws.send(JSON.stringify(hello));
    socket = ws;
    schedule();
  });
  ws.addEventListener('message', (e) => handleMessage(e.data));
  ws.addEventListener('close', () => {
    if (socket === ws)
      socket = null;
    schedule();
  });
  return ws;
}
