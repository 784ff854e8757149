import { beforeEach, describe, expect, it } from '@jest/globals';
import { messagesFor } from '../../applet/src/i18n.ts';
import { outputLine, printable } from '../../applet/src/output.ts';
import {
  CustomerSession,
  endConfirmationTimeoutMs,
  endedStateGraceMs,
  maxChatLength,
  parseServerMessage,
  type ClientMessage,
} from '../../applet/src/session.ts';

const messages = messagesFor('en');

describe('applet output lines', () => {
  it('has one stable format per event', () => {
    expect(outputLine.status('waiting', 'Alice Adler')).toBe('status: waiting');
    expect(outputLine.status('active', 'Alice Adler')).toBe('status: active (technician: Alice Adler)');
    expect(outputLine.status('active')).toBe('status: active');
    expect(outputLine.closed('technician_closed')).toBe('status: closed (technician_closed)');
    expect(outputLine.chat('technician', 'Hallo!')).toBe('chat from technician: Hallo!');
    expect(outputLine.error('validation_failed', 'text is required')).toBe('error: validation_failed: text is required');
    expect(outputLine.connecting('127.0.0.1:3000')).toBe('connecting to 127.0.0.1:3000');
  });

  it('keeps server text on one line and strips terminal escapes', () => {
    expect(printable('line one\r\nline two\n\nthree')).toBe('line one / line two / three');
    expect(printable('\u001b[2J\u001b[1;1Hstatus: closed\u001b]0;pwned\u0007 ok')).toBe('status: closed ok');
    expect(printable('tab\there\u0000\u0008 and \u202eevil')).toBe('tab here and evil');
    expect(printable('Grüße 👋')).toBe('Grüße 👋');
  });
});

describe('server messages', () => {
  it('accepts the messages the applet acts on', () => {
    expect(parseServerMessage('{"type":"session.closed","sessionId":"s1","reason":"customer_ended"}')).toEqual({
      type: 'session.closed',
      reason: 'customer_ended',
    });
    expect(parseServerMessage('{"type":"chat","sessionId":"s1","from":"technician","text":"hi","at":"x"}')).toEqual({
      type: 'chat',
      from: 'technician',
      text: 'hi',
    });
  });

  it.each([
    'not json',
    '[]',
    'null',
    '{"type":"session.updated","session":{}}',
    '{"type":"chat"}',
    '{"type":"session.state","session":{"id":1}}',
    '{"no":"type"}',
  ])('ignores %s', (text) => {
    expect(parseServerMessage(text)).toBeUndefined();
  });
});

describe('customer session', () => {
  let printed: string[];
  let sent: ClientMessage[];
  let connected: boolean;
  let exitCodes: number[];
  let timers: { ms: number; callback: () => void }[];
  let renewedTickets: string[];
  let session: CustomerSession;
  const systemInfo = { os: 'Linux', hostname: 'kunde' };

  const receive = (message: object) => session.received(JSON.stringify(message));
  const state = (status: string) =>
    receive({ type: 'session.state', session: { id: 's1', status, technician: { displayName: 'Alice Adler' } } });

  beforeEach(() => {
    printed = [];
    sent = [];
    connected = true;
    exitCodes = [];
    timers = [];
    renewedTickets = [];
    session = new CustomerSession(
      {
        print: (line) => printed.push(line),
        send: (message) => connected && sent.push(message) > 0,
        finish: (code) => exitCodes.push(code),
        setTimeout: (callback, ms) => timers.push({ callback, ms }),
        systemInfo: () => systemInfo,
        ticketRenewed: (ticket) => renewedTickets.push(ticket),
      },
      messages,
    );
  });

  it('says hello with the system info on every connect, and announces reconnects', () => {
    session.connected(false);
    session.connected(true);
    expect(sent).toEqual([
      { action: 'hello', systemInfo },
      { action: 'hello', systemInfo },
    ]);
    expect(printed).toEqual(['reconnected']);
  });

  it('keeps the resume ticket the service hands out for the next connect', () => {
    const resumeTicket = 'r'.repeat(32);
    receive({ type: 'session.state', session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' } }, resumeTicket });
    receive({
      type: 'session.state',
      session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' } },
      resumeTicket: 'bad ticket',
    });
    receive({ type: 'session.state', session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' } } });
    expect(renewedTickets).toEqual([resumeTicket]);
  });

  it('prints the verification code the technician sees, once, and ignores anything but two digits', () => {
    receive({
      type: 'session.state',
      session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' }, verificationCode: '07' },
    });
    receive({
      type: 'session.state',
      session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' }, verificationCode: '07' },
    });
    receive({
      type: 'session.state',
      session: { id: 's1', status: 'waiting', technician: { displayName: 'Alice Adler' }, verificationCode: '\u001b[2J' },
    });
    expect(printed.filter((line) => line === messages.verificationCode('07'))).toHaveLength(1);
    expect(printed.join('\n')).not.toContain('\u001b');
  });

  it('prints each status change once, with the technician when active', () => {
    state('waiting');
    state('waiting');
    receive({ type: 'session.started', sessionId: 's1', technician: { displayName: 'Alice Adler' } });
    state('active');
    expect(printed.filter((line) => line.startsWith('status: '))).toEqual(['status: waiting', 'status: active (technician: Alice Adler)']);
    expect(printed).toContain(messages.waitingHint);
    expect(exitCodes).toEqual([]);
  });

  it('holds chat back until the technician has joined', () => {
    state('waiting');
    session.typed('hello?');
    expect(sent).toEqual([]);
    expect(printed).toContain(messages.chatNotOpenYet);

    receive({ type: 'session.started', sessionId: 's1', technician: { displayName: 'Alice Adler' } });
    session.typed('  my printer is broken  ');
    session.typed('   ');
    expect(sent).toEqual([{ action: 'chat', sessionId: 's1', text: 'my printer is broken' }]);
  });

  it('refuses overlong lines and says when a line could not be sent', () => {
    state('active');
    session.typed('x'.repeat(maxChatLength + 1));
    connected = false;
    session.typed('anyone there?');
    expect(sent).toEqual([]);
    expect(printed).toContain(messages.messageTooLong(maxChatLength));
    expect(printed).toContain(messages.notConnected);
  });

  it('prints chat from the technician and errors, but not echoes of its own lines', () => {
    receive({ type: 'chat', sessionId: 's1', from: 'technician', text: 'Bitte klicken Sie auf Start.', at: '2026-01-01T00:00:00Z' });
    receive({ type: 'chat', sessionId: 's1', from: 'customer', text: 'my own line', at: '2026-01-01T00:00:01Z' });
    receive({ type: 'error', code: 'invalid_transition', message: 'session is not active' });
    receive({ type: 'something.new', value: 1 });
    expect(printed).toEqual(['chat from technician: Bitte klicken Sie auf Start.', 'error: invalid_transition: session is not active']);
    expect(exitCodes).toEqual([]);
  });

  it('finishes with 0 when the server closes the session', () => {
    state('active');
    receive({ type: 'session.closed', sessionId: 's1', reason: 'technician_closed' });
    receive({ type: 'session.closed', sessionId: 's1', reason: 'technician_closed' });
    expect(printed).toContain('status: closed (technician_closed)');
    expect(exitCodes).toEqual([0]);
  });

  it('finishes when a reconnect finds the session already over, with the reason when the service names it', () => {
    state('closed');
    receive({ type: 'session.closed', sessionId: 's1', reason: 'waiting_timed_out' });
    expect(printed.filter((line) => line.startsWith('status: '))).toEqual(['status: closed (waiting_timed_out)']);
    expect(exitCodes).toEqual([0]);
    timers.forEach((timer) => timer.callback());
    expect(exitCodes).toEqual([0]);
  });

  it('finishes on an ended status alone after a short wait for the reason', () => {
    state('timed_out');
    expect(exitCodes).toEqual([]);
    expect(timers.map((timer) => timer.ms)).toEqual([endedStateGraceMs]);
    timers[0]?.callback();
    expect(printed).toContain('status: timed_out');
    expect(exitCodes).toEqual([0]);
  });

  it('/quit asks the server to end the session and waits for its confirmation', () => {
    state('waiting');
    session.typed('/quit');
    session.typed('/end');
    expect(sent).toEqual([{ action: 'end', sessionId: 's1' }]);
    expect(exitCodes).toEqual([]);
    receive({ type: 'session.closed', sessionId: 's1', reason: 'customer_ended' });
    expect(exitCodes).toEqual([0]);
  });

  it('/quit gives up waiting for the confirmation after a grace period', () => {
    state('active');
    session.typed('/END');
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBe(endConfirmationTimeoutMs);
    timers[0]?.callback();
    expect(exitCodes).toEqual([0]);
  });

  it('/quit while disconnected sends the end request after reconnecting', () => {
    state('active');
    connected = false;
    session.typed('/quit');
    expect(sent).toEqual([]);
    connected = true;
    session.connected(true);
    expect(sent).toEqual([
      { action: 'hello', systemInfo },
      { action: 'end', sessionId: 's1' },
    ]);
  });
});
