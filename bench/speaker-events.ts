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
