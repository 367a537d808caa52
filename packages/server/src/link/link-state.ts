/** Technical liveness of one endpoint, from signed-off heartbeats. Never confused with political silence. */
export type LinkState = 'UP' | 'DEGRADED' | 'DOWN';

export interface EndpointStatus {
  url: string;
  state: LinkState;
  rttMs: number | null;
  /** Peer clock minus ours, estimated at the midpoint of the round trip. */
  offsetMs: number | null;
  lastContact: string | null;
  failures: number;
}

const DEGRADED_RTT_MS = 1000;
const DOWN_AFTER_FAILURES = 3;

export function newEndpoint(url: string): EndpointStatus {
  return { url, state: 'DOWN', rttMs: null, offsetMs: null, lastContact: null, failures: 0 };
}

export function recordSuccess(e: EndpointStatus, rttMs: number, offsetMs: number, at: string): void {
  e.rttMs = rttMs;
  e.offsetMs = offsetMs;
  e.lastContact = at;
  e.failures = 0;
  e.state = rttMs > DEGRADED_RTT_MS ? 'DEGRADED' : 'UP';
}

export function recordFailure(e: EndpointStatus): void {
  e.failures++;
  e.state = e.failures >= DOWN_AFTER_FAILURES ? 'DOWN' : 'DEGRADED';
}
