import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/channels/split.js';

describe('splitMessage', () => {
  it('leaves a short message whole', () => {
    expect(splitMessage('hello', 10)).toEqual(['hello']);
  });

  it('breaks between lines, every part within the limit', () => {
    const text = Array.from({ length: 30 }, (_, index) => `line number ${index}`).join('\n');
    const parts = splitMessage(text, 100);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => part.length <= 100)).toBe(true);
    expect(parts.join('\n')).toBe(text);
  });

  it('never leaves a code block open: it is closed and reopened with its language', () => {
    const code = Array.from({ length: 20 }, (_, index) => `const value${index} = ${index};`).join('\n');
    const text = `Here is the code:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const parts = splitMessage(text, 120);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(120);
      const fences = part.split('\n').filter((line) => line.startsWith('```')).length;
      expect(fences % 2).toBe(0);
    }
    expect(parts[1].startsWith('```ts\n')).toBe(true);
  });

  it('cuts a single line longer than the limit', () => {
    const parts = splitMessage('x'.repeat(250), 100);
    expect(parts.map((part) => part.length)).toEqual([100, 100, 50]);
  });
});
