import { expect } from 'chai';
import { main } from '../../src/cli/main.js';
import sinon from 'sinon';

describe('cli version', () => {
  afterEach(() => sinon.restore());

  it('prints the package version', async () => {
    const write = sinon.stub(process.stdout, 'write');
    const code = await main(['node', 'cluster-router-sync', 'version']);
    write.restore();
    expect(code).to.equal(0);
    expect(String(write.firstCall.args[0])).to.match(/^\d+\.\d+\.\d+\n$/);
  });
});
