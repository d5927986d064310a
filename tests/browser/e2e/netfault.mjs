// netfault.mjs: real network faults on loopback for the reconnect
// scenarios, made with Debian's iproute2 (ss) and nftables. Only for a
// private network namespace in which we are root (scripts/netns_run.sh):
// the Python test checks that before it asks for them.
//
//   const before = tcpClientPorts(8080);          // who is connected now
//   killTcp(ports);                               // both ends see a reset
//   refuseTcp(8080);                              // new connections: reset
//   metrics(base, OBSERVER);                      // (but not the test's own)
//   silenceTcp(ports);                            // open, but nothing gets through
//   blockUdpPort(54321);                          // silent loss, both ways
//   clearFaults();                                // everything back
//
// Packets are dropped on the input hook, so senders see no error (as
// on a real network; a drop on output would hand them EPERM), and a
// refused connection gets a TCP reset. The rules live in one nftables
// table of our own that clearFaults() deletes.
import { execFileSync } from 'node:child_process';

const TABLE = 'konfero_e2e';

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
}

function nft(...args) {
  run('nft', args);
}

let tableReady = false;

function ensureTable() {
  if (tableReady) return;
  nft('add', 'table', 'inet', TABLE);
  nft('add', 'chain', 'inet', TABLE, 'in', '{ type filter hook input priority 0; policy accept; }');
  tableReady = true;
}

// Local ports of the established TCP connections to `serverPort` (their
// client side: the browsers').
export function tcpClientPorts(serverPort) {
  const out = run('ss', ['-Htn', 'state', 'established', 'dst', `127.0.0.1:${serverPort}`]);
  const ports = new Set();
  for (const line of out.split('\n')) {
    const local = line.trim().split(/\s+/)[2];  // Recv-Q Send-Q Local Peer
    const port = local && Number(local.slice(local.lastIndexOf(':') + 1));
    if (port) ports.add(port);
  }
  return ports;
}

// Destroys the connections from these local ports to `serverPort` (ss -K,
// the kernel's socket destroy): the browser's WebSocket fails at once, and
// the server's end of it is reset, as when a NAT box forgets the flow.
export function killTcp(serverPort, ports) {
  for (const port of ports) {
    run('ss', ['-HtnK', 'dst', `127.0.0.1:${serverPort}`, 'sport', `= :${port}`]);
  }
  const left = [...tcpClientPorts(serverPort)].filter(p => ports.has(p));
  if (left.length) throw new Error(`ss -K left connections from ports ${left}: no socket destroy here?`);
}

// The test's own address: refuseTcp() lets its connections through, so
// the test can read the server's metrics while the browsers are refused
// (connect from it with lib.mjs's metrics(base, OBSERVER)).
export const OBSERVER = '127.0.0.2';

// New TCP connections to `serverPort` are reset until clearFaults(),
// except those from OBSERVER.
export function refuseTcp(serverPort) {
  ensureTable();
  nft('add', 'rule', 'inet', TABLE, 'in', 'ip', 'saddr', '!=', OBSERVER,
      'tcp', 'dport', String(serverPort),
      'tcp', 'flags', '&', '(syn|ack)', '==', 'syn', 'reject', 'with', 'tcp', 'reset');
}

// The TCP connections from these local ports go silent both ways, with
// no reset: for the browser the socket stays open (a network change that
// nothing reports).
export function silenceTcp(ports) {
  ensureTable();
  for (const port of ports) {
    nft('add', 'rule', 'inet', TABLE, 'in', 'tcp', 'sport', String(port), 'drop');
    nft('add', 'rule', 'inet', TABLE, 'in', 'tcp', 'dport', String(port), 'drop');
  }
}

// Every UDP datagram to or from local port `port` is lost.
export function blockUdpPort(port) {
  ensureTable();
  nft('add', 'rule', 'inet', TABLE, 'in', 'udp', 'dport', String(port), 'drop');
  nft('add', 'rule', 'inet', TABLE, 'in', 'udp', 'sport', String(port), 'drop');
}

export function clearFaults() {
  if (!tableReady) return;
  tableReady = false;
  nft('delete', 'table', 'inet', TABLE);
}
