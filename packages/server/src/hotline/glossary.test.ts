import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markGlossary } from './glossary.js';

const glossary = [
  { terms: { en: 'Military Maritime Consultative Agreement', 'zh-Hans': '海上军事磋商协定' }, note: 'MMCA, 1998' },
  { terms: { en: 'MMCA', 'zh-Hans': '海上军事磋商机制' } },
  { terms: { en: 'hotline', 'zh-Hans': '热线' } },
  { terms: { en: 'rules of behaviour', 'zh-Hans': '行为准则' } },
];

const marked = (text: string) =>
  markGlossary(glossary, text).map((m) => [text.slice(m.start, m.end), m.language, m.term]);

describe('glossary marking', () => {
  it('marks English terms whatever their case, as whole words, with their translation', () => {
    const text = 'Use the HOTLINE under the mmca, not the hotlines.';
    const marks = markGlossary(glossary, text);
    assert.deepEqual(
      marks.map((m) => ({ ...m })),
      [
        { start: 8, end: 15, text: 'HOTLINE', language: 'en', term: 'hotline', translations: { 'zh-Hans': '热线' } },
        {
          start: 26,
          end: 30,
          text: 'mmca',
          language: 'en',
          term: 'MMCA',
          translations: { 'zh-Hans': '海上军事磋商机制' },
        },
      ],
    );
  });

  it('marks Chinese terms exactly, with no spaces around them', () => {
    assert.deepEqual(marked('双方通过热线讨论了海上军事磋商协定和行为准则。'), [
      ['热线', 'zh-Hans', '热线'],
      ['海上军事磋商协定', 'zh-Hans', '海上军事磋商协定'],
      ['行为准则', 'zh-Hans', '行为准则'],
    ]);
    const [first] = markGlossary(glossary, '海上军事磋商协定');
    assert.deepEqual(first?.translations, { en: 'Military Maritime Consultative Agreement' });
    assert.equal(first?.note, 'MMCA, 1998');
  });

  it('takes the longest term where terms overlap, and any white space between words', () => {
    assert.deepEqual(marked('Under the military maritime\nconsultative  agreement (MMCA) and the Rules of Behaviour'), [
      ['military maritime\nconsultative  agreement', 'en', 'Military Maritime Consultative Agreement'],
      ['MMCA', 'en', 'MMCA'],
      ['Rules of Behaviour', 'en', 'rules of behaviour'],
    ]);
  });

  it('marks both languages in one text, and nothing where there is nothing', () => {
    assert.deepEqual(marked('Hotline / 热线'), [
      ['Hotline', 'en', 'hotline'],
      ['热线', 'zh-Hans', '热线'],
    ]);
    assert.deepEqual(marked('No terms here: hot line, 热 线.'), []);
    assert.deepEqual(markGlossary([], 'hotline'), []);
  });

  it('treats terms as text, not patterns', () => {
    const g = [{ terms: { en: 'C++ (a.k.a. C+)', 'zh-Hans': '语言' } }];
    assert.deepEqual(
      markGlossary(g, 'We use c++ (A.K.A. c+) daily').map((m) => m.text),
      ['c++ (A.K.A. c+)'],
    );
  });
});
