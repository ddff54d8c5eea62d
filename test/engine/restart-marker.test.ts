import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RoutesSentEvent } from '../../src/bgp/index.js';
import { RestartMarker, StateFileError } from '../../src/app/engine/restart-marker.js';

/** The speaker's event surface alone: the marker only listens for routes-sent. */
class SentEvents extends EventEmitter {
  sent(e: Partial<RoutesSentEvent>): void {
    this.emit('routes-sent', { peer: 'router', announced: 1, withdrawn: 0, cause: 'initial', ...e });
  }
  subscribed(): number {
    return this.listenerCount('routes-sent');
  }
}

describe('RestartMarker (speaker.stateFile)', () => {
  const log = pino({ level: 'silent' });
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'crs-marker-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is absent on a first start and written once the first table with routes went out', async () => {
    const path = join(dir, 'speaker.state');
    const marker = new RestartMarker(path, log);
    expect(await marker.present()).to.equal(false);
    const speaker = new SentEvents();
    marker.watch(speaker);
    speaker.sent({ cause: 'initial', announced: 0 });
    speaker.sent({ cause: 'update', announced: 3 });
    expect(await new RestartMarker(path, log).present()).to.equal(false);
    speaker.sent({ cause: 'initial', announced: 2 });
    expect(speaker.subscribed()).to.equal(0);
    await waitForFile(path);
  });

  it('tells the next start it follows a run that announced, until a withdrawing shutdown removes it', async () => {
    const path = join(dir, 'speaker.state');
    const marker = new RestartMarker(path, log);
    const speaker = new SentEvents();
    marker.watch(speaker);
    speaker.sent({ cause: 'initial', announced: 5 });
    await waitForFile(path);
    expect(await readFile(path, 'utf8')).to.match(/routes announced to router\n$/);
    expect(await new RestartMarker(path, log).present()).to.equal(true);
    await marker.remove();
    expect(await new RestartMarker(path, log).present()).to.equal(false);
  });

  it('names the setting and the path when the marker cannot be read', async () => {
    // A path through a regular file: ENOTDIR, not ENOENT, so it is neither present nor absent.
    await writeFile(join(dir, 'file'), '');
    const err = await new RestartMarker(join(dir, 'file', 'speaker.state'), log).present().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(StateFileError);
    expect((err as Error).message).to.match(/^speaker\.stateFile: cannot read .*file\/speaker\.state: /);
  });

  it('keeps running when the marker cannot be written (only the next R bit is lost)', async () => {
    const marker = new RestartMarker(join(dir, 'missing-dir', 'speaker.state'), log);
    const speaker = new SentEvents();
    marker.watch(speaker);
    speaker.sent({ cause: 'initial', announced: 1 });
    await marker.remove();
    expect(await marker.present()).to.equal(false);
  });
});

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await readFile(path, 'utf8').then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect.fail(`${path} was never written`);
}
