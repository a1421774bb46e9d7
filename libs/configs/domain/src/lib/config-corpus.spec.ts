import type { ConfigProblem } from '@camel/contracts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfigSet } from './config-set';
import { readCase } from './corpus/read-case';

/** file, line, column, code, and for the cases about wording, the whole message. */
type Expected = [file: string, line: number, column: number, code: string, message?: string];

/**
 * The config corpus: each `corpus/<case>.yaml` is a set (the files of `_base.yaml`, some replaced),
 * refused with exactly these problems — every one listed, none extra — or valid. Positions are where
 * a person looks: the value that is wrong, the opening quote never closed, the key indented too
 * deep, the variable inside a template; columns count what a person sees.
 */
const BROKEN: Record<string, Expected[]> = {
  'agents-file-missing': [['agents.yaml', 1, 1, 'config.missing-file']],
  'agents-mapping': [['agents.yaml', 4, 3, 'config.invalid-value']],
  'alias-bomb': [['workflows/chat.yaml', 1, 1, 'yaml.alias-limit']],
  'api-key-in-config': [['agents.yaml', 6, 18, 'config.invalid-value']],
  'base-url-not-url': [['agents.yaml', 5, 15, 'config.invalid-value']],
  'bom-column': [['agents.yaml', 1, 10, 'config.invalid-value']],
  'comments-only': [['workflows/chat.yaml', 1, 1, 'config.empty', 'the file is empty (it has only comments)']],
  'compact-nested-mapping': [['workflows/chat.yaml', 6, 14, 'yaml.syntax']],
  'crlf-with-error': [['agents.yaml', 13, 20, 'config.invalid-value']],
  'custom-tag': [['workflows/chat.yaml', 6, 14, 'yaml.tag']],
  'deep-block': [['workflows/chat.yaml', 40, 65, 'yaml.too-deep']],
  'deep-flow': [['workflows/chat.yaml', 8, 39, 'yaml.too-deep', 'nesting deeper than 32 levels (lists and mappings inside each other) is not accepted']],
  'duplicate-agent-name': [['agents.yaml', 20, 11, 'config.duplicate-name']],
  'duplicate-key': [['agents.yaml', 17, 5, 'yaml.duplicate-key', 'duplicate key `system_prompt` (first at line 16): a key appears once per mapping']],
  'duplicate-top-key': [['workflows/chat.yaml', 8, 1, 'yaml.duplicate-key', 'duplicate key `name` (first at line 2): a key appears once per mapping']],
  'duplicate-workflow-name': [['workflows/plan.yaml', 2, 7, 'config.duplicate-name']],
  'emoji-column': [['agents.yaml', 10, 56, 'config.invalid-value']],
  'empty-file': [['workflows/chat.yaml', 1, 1, 'config.empty', 'the file is empty']],
  'empty-optional-number': [['agents.yaml', 13, 7, 'config.missing-value']],
  'empty-required-number': [['workflows/chat.yaml', 7, 1, 'config.missing-value', 'max_turns has no value: write one after `max_turns:`, or remove the key']],
  'latin1-bytes': [['agents.yaml', 9, 32, 'config.encoding', 'the file is not UTF-8 text: bytes that are not UTF-8 here; save it as UTF-8']],
  'max-turns-text': [['workflows/chat.yaml', 7, 12, 'config.invalid-value']],
  'missing-colon-bare-key': [['agents.yaml', 2, 10, 'yaml.missing-colon', 'missing `:` after key `providers`']],
  'missing-colon-item': [['agents.yaml', 14, 9, 'yaml.missing-colon', 'missing `:` after key `name`']],
  'missing-colon-top': [['workflows/chat.yaml', 7, 10, 'yaml.missing-colon', 'missing `:` after key `max_turns`']],
  'missing-required-key': [['agents.yaml', 14, 5, 'config.missing-key']],
  'model-list': [['agents.yaml', 11, 7, 'config.invalid-value']],
  'name-not-identifier': [['agents.yaml', 7, 11, 'config.invalid-value'], ['workflows/chat.yaml', 4, 12, 'config.invalid-value'], ['workflows/plan.yaml', 7, 12, 'config.invalid-value']],
  'not-an-integer': [['agents.yaml', 14, 19, 'config.invalid-value']],
  'nul-byte': [['workflows/chat.yaml', 6, 20, 'config.encoding']],
  'number-in-quotes': [['agents.yaml', 13, 20, 'config.invalid-value']],
  'out-of-range-top-p': [['agents.yaml', 14, 14, 'config.invalid-value']],
  'out-of-range': [['agents.yaml', 13, 20, 'config.invalid-value']],
  'over-indented-key': [['agents.yaml', 16, 7, 'yaml.indentation', '`system_prompt` is indented deeper than the key above it: keys of one mapping start at the same column']],
  'over-indented-top-key': [['workflows/chat.yaml', 5, 3, 'yaml.indentation']],
  'previous-in-first-step': [['workflows/plan.yaml', 8, 36, 'config.template']],
  'problems-in-every-file': [['agents.yaml', 13, 20, 'config.invalid-value'], ['workflows/chat.yaml', 7, 12, 'config.invalid-value'], ['workflows/plan.yaml', 12, 17, 'config.invalid-value']],
  'python-tag': [['agents.yaml', 13, 20, 'yaml.tag', 'unknown tag `!!python/object:os.system`: configs take plain values, without tags']],
  'root-list': [['agents.yaml', 1, 1, 'config.invalid-value']],
  'root-scalar': [['agents.yaml', 1, 1, 'config.invalid-value']],
  'schema-and-reference-together': [['workflows/chat.yaml', 5, 7, 'config.reference'], ['workflows/chat.yaml', 7, 12, 'config.invalid-value']],
  'steps-string': [['workflows/plan.yaml', 5, 8, 'config.invalid-value']],
  'stop-unknown-step': [['workflows/plan.yaml', 14, 9, 'config.reference']],
  'syntax-and-schema-in-other-file': [['workflows/chat.yaml', 7, 10, 'yaml.missing-colon'], ['workflows/plan.yaml', 12, 17, 'config.invalid-value']],
  'syntax-and-template-typo': [['agents.yaml', 9, 20, 'yaml.unterminated-quote'], ['workflows/plan.yaml', 8, 21, 'config.template']],
  'syntax-and-unknown-agent': [['agents.yaml', 14, 1, 'yaml.tab-indent'], ['workflows/chat.yaml', 4, 12, 'config.reference']],
  'syntax-broken-agents-known-names': [['agents.yaml', 16, 20, 'yaml.unterminated-quote']],
  'tab-after-spaces': [['agents.yaml', 15, 3, 'yaml.tab-indent']],
  'tab-indent': [['agents.yaml', 14, 1, 'yaml.tab-indent']],
  'task-specify-list': [['workflows/chat.yaml', 9, 3, 'config.invalid-value', 'task_specify must be a mapping (`key: value` lines), not a list']],
  'template-in-block-literal': [['workflows/plan.yaml', 10, 19, 'config.template']],
  'template-typo': [['workflows/plan.yaml', 8, 21, 'config.template', 'unknown template variable {{tsak}} — did you mean {{task}}?: use task, iteration, previous.output or steps.<id>.output']],
  'template-unknown-step': [['workflows/plan.yaml', 11, 23, 'config.template']],
  'three-documents': [['workflows/chat.yaml', 8, 1, 'yaml.multiple-documents', 'one YAML document expected, found 3 (a line `---` starts another one)']],
  'two-documents': [['workflows/chat.yaml', 8, 1, 'yaml.multiple-documents', 'one YAML document expected, found 2 (a line `---` starts another one)']],
  'unclosed-flow-mapping': [['agents.yaml', 10, 12, 'yaml.unclosed-bracket']],
  'unclosed-flow-sequence': [['workflows/chat.yaml', 8, 21, 'yaml.unclosed-bracket']],
  'under-indented-key': [['agents.yaml', 15, 4, 'yaml.indentation']],
  'unknown-agent': [['workflows/chat.yaml', 5, 7, 'config.reference']],
  'unknown-key-plural': [['workflows/chat.yaml', 7, 1, 'config.unknown-key', 'unknown key `max_turn` — did you mean `max_turns`?']],
  'unknown-key-typo': [['agents.yaml', 13, 7, 'config.unknown-key', 'unknown key `temprature` — did you mean `temperature`?']],
  'unknown-key-unrelated': [['agents.yaml', 16, 5, 'config.unknown-key']],
  'unknown-provider': [['agents.yaml', 11, 17, 'config.reference']],
  'unresolved-alias': [['agents.yaml', 17, 12, 'yaml.alias']],
  'unterminated-double-quote': [['agents.yaml', 9, 20, 'yaml.unterminated-quote', 'the quote `"` opened here is never closed: add a `"` at the end of the text']],
  'unterminated-single-quote': [['workflows/chat.yaml', 6, 14, 'yaml.unterminated-quote']],
  'utf16-file': [['workflows/chat.yaml', 1, 1, 'config.encoding']],
  'version-string': [['agents.yaml', 1, 10, 'config.invalid-value', 'version must be the number 1, not the string "1": remove the quotes']],
  'version-two': [['workflows/plan.yaml', 1, 10, 'config.invalid-value']],
  'whitespace-file': [['workflows/chat.yaml', 1, 1, 'config.empty']],
  'workflow-root-list': [['workflows/chat.yaml', 1, 1, 'config.missing-key']],
  'workflow-type-missing': [['workflows/chat.yaml', 1, 1, 'config.missing-key']],
  'workflow-type-unknown': [['workflows/chat.yaml', 3, 7, 'config.invalid-value']],
  'wrong-type': [['agents.yaml', 13, 20, 'config.invalid-value', 'agents[0].model.temperature must be a number, not the string "hot"']],
};

const VALID = [
  'valid-anchors',
  'valid-base',
  'valid-block-literal',
  'valid-bom',
  'valid-comments',
  'valid-crlf',
  'valid-document-markers',
  'valid-emoji',
  'valid-flow-style',
  'valid-multiline-plain',
  'valid-quoted',
  'valid-role-play-full',
  'valid-trailing-separator',
];

const found = (name: string): Expected[] => {
  const result = validateConfigSet(readCase(name));
  if (result.ok) return [];
  return result.problems.map((p: ConfigProblem) => [p.file, p.line, p.column, p.code, p.message]);
};

describe('the config corpus', () => {
  it('has a table entry for every case file, and a file for every entry', () => {
    const files = readdirSync(join(__dirname, 'corpus'))
      .filter((name) => name.endsWith('.yaml') && name !== '_base.yaml')
      .map((name) => name.slice(0, -'.yaml'.length))
      .sort();
    expect(files).toEqual([...Object.keys(BROKEN), ...VALID].sort());
  });

  it.each(VALID)('accepts %s', (name) => {
    expect(validateConfigSet(readCase(name))).toMatchObject({ ok: true });
  });

  it.each(Object.entries(BROKEN))('refuses %s with exactly its problems, where a person looks', (name, expected) => {
    const actual = found(name);
    expect(actual.map(([file, line, column, code], i) => (expected[i]?.[4] === undefined ? [file, line, column, code] : actual[i]))).toEqual(expected);
  });

  it('reports the same problem for a too-deep file every time', () => {
    const first = found('deep-flow');
    for (let i = 0; i < 5; i++) expect(found('deep-flow')).toEqual(first);
  });
});
