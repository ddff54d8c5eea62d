import { expect } from 'chai';
import { prepareCommand } from './support/doc-commands.js';
import { codeBlocks, shellCommands, trailingComment, UnclosedFenceError } from './support/markdown-blocks.js';

describe('docs test support: code blocks and commands', () => {
  const md = [
    '# T',
    '',
    '```sh',
    'cluster-router-sync check fixtures/seed          # exit 0',
    '# a comment line',
    '',
    'cluster-router-sync check fixtures/check/route-missing-quagga \\',
    '  --output json   # exits 1: one route missing',
    '```',
    '<!-- generated: neighbors-seed -->',
    '```vtysh',
    'configure terminal',
    '```',
    '  ```console',
    '  $ echo "a # b"',
    '  a # b',
    '  ```',
    '````text',
    '```sh',
    'not a block of its own',
    '```',
    '````',
  ].join('\n');

  it('finds fenced blocks with tags, lines, markers and indentation removed', () => {
    const blocks = codeBlocks('x.md', md);
    expect(blocks.map((b) => [b.line, b.tag, b.generated])).to.deep.equal([
      [3, 'sh', undefined],
      [11, 'vtysh', 'neighbors-seed'],
      [14, 'console', undefined],
      [18, 'text', undefined],
    ]);
    expect(blocks[2]?.body).to.deep.equal(['$ echo "a # b"', 'a # b']);
    expect(blocks[3]?.body).to.deep.equal(['```sh', 'not a block of its own', '```']);
  });

  it('splits shell blocks into commands with their promised exit codes', () => {
    const [sh, , consoleBlock] = codeBlocks('x.md', md);
    expect(shellCommands(sh!).map((c) => [c.line, c.expectedExit])).to.deep.equal([
      [4, 0],
      [7, 1],
    ]);
    expect(shellCommands(sh!)[1]?.text).to.equal(
      'cluster-router-sync check fixtures/check/route-missing-quagga --output json   # exits 1: one route missing',
    );
    expect(shellCommands(consoleBlock!).map((c) => c.text)).to.deep.equal(['echo "a # b"']);
  });

  it('reads a comment only outside quotes', () => {
    expect(trailingComment(`echo '# not' "# not" \\# not # yes`)).to.equal(' yes');
    expect(trailingComment('a#b')).to.equal('');
  });

  it('refuses an unclosed fence', () => {
    expect(() => codeBlocks('y.md', 'a\n```sh\nls\n')).to.throw(UnclosedFenceError, 'y.md:2');
  });

  it('rewrites npx, adds --once to run, drops set-up commands', () => {
    expect(prepareCommand('npm install && npx cluster-router-sync run --demo')).to.deep.equal({
      script: 'cluster-router-sync run --once --demo',
      dropped: ['npm install'],
    });
    expect(prepareCommand('npm test')).to.deep.equal({ dropped: ['npm test'] });
    expect(prepareCommand('cluster-router-sync run --demo --once').script).to.equal(
      'cluster-router-sync run --demo --once',
    );
    expect(prepareCommand('cluster-router-sync plan --config a.yaml').script).to.equal(
      'cluster-router-sync plan --config a.yaml',
    );
  });
});
