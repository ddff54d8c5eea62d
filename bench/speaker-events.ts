import type { BgpSpeaker } from '../src/bgp/index.js';

/** performance.now() when the speaker next writes routes to a peer. */
export function nextRoutesSent(speaker: BgpSpeaker): Promise<number> {
  return new Promise((resolve) => {
    const on = () => {
      speaker.off('routes-sent', on);
      resolve(performance.now());
    };
    speaker.on('routes-sent', on);
  });
}

/** Resolves when a session of the speaker reaches Established. */
export function sessionEstablished(speaker: BgpSpeaker): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { to: string }) => {
      if (e.to !== 'Established') return;
      speaker.off('state', on);
      resolve();
    };
    speaker.on('state', on);
  });
}
