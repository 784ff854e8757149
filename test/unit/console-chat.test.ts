import { describe, expect, it } from '@jest/globals';
import type { SessionLogEntry } from '../../contracts/schemas/session.ts';
import { ChatHistory } from '../../web/console/src/chat.ts';

function chatEntry(at: string, from: 'technician' | 'customer', text: string): SessionLogEntry {
  return { at, type: 'chat', actor: { kind: from }, message: `${from}: ${text}`, details: { from, text } };
}
const started: SessionLogEntry = {
  at: '2026-01-01T10:00:00.000Z',
  type: 'started',
  actor: { kind: 'technician', name: 'Alice' },
  message: 'started',
};

describe('chat history', () => {
  it('restores the conversation from the session log alone (a reload)', () => {
    const chat = new ChatHistory();
    chat.applyLog([
      started,
      chatEntry('2026-01-01T10:01:00.000Z', 'customer', 'Hallo'),
      chatEntry('2026-01-01T10:02:00.000Z', 'technician', 'Guten Tag'),
    ]);
    expect(chat.messages().map((message) => `${message.from}: ${message.text}`)).toEqual(['customer: Hallo', 'technician: Guten Tag']);
  });

  it('shows a sent message at once and keeps its key when the log catches up, so the view only appends', () => {
    const chat = new ChatHistory();
    chat.applyLog([chatEntry('2026-01-01T10:01:00.000Z', 'customer', 'ok')]);
    chat.addLive({ from: 'technician', text: 'ok' });
    const before = chat.messages();
    expect(before.map((message) => message.text)).toEqual(['ok', 'ok']);
    chat.applyLog([chatEntry('2026-01-01T10:01:00.000Z', 'customer', 'ok'), chatEntry('2026-01-01T10:01:05.000Z', 'technician', 'ok')]);
    const after = chat.messages();
    expect(after.map((message) => message.key)).toEqual(before.map((message) => message.key));
    expect(after[1]?.at).toBe('2026-01-01T10:01:05.000Z');
  });

  it('keeps a repeated identical message that the log has not caught up with yet', () => {
    const chat = new ChatHistory();
    chat.addLive({ from: 'customer', text: 'ja', at: '2026-01-01T10:01:00.000Z' });
    chat.applyLog([chatEntry('2026-01-01T10:01:00.000Z', 'customer', 'ja')]);
    chat.addLive({ from: 'customer', text: 'ja', at: '2026-01-01T10:02:00.000Z' });
    expect(chat.messages().map((message) => message.at)).toEqual(['2026-01-01T10:01:00.000Z', '2026-01-01T10:02:00.000Z']);
  });

  it('does not double a customer message the log already had when the live copy arrived', () => {
    const chat = new ChatHistory();
    chat.applyLog([chatEntry('2026-01-01T10:01:00.000Z', 'customer', 'Hallo')]);
    chat.addLive({ from: 'customer', text: 'Hallo', at: '2026-01-01T10:01:00.000Z' });
    expect(chat.messages()).toHaveLength(1);
  });

  it('ignores log entries that are not well-formed chat', () => {
    const chat = new ChatHistory();
    chat.applyLog([{ at: 'x', type: 'chat', actor: { kind: 'system' }, message: 'broken', details: { from: 'robot', text: 1 } }]);
    expect(chat.messages()).toEqual([]);
  });
});
