import readline from 'node:readline';

export interface Terminal {
  /** Prints one line without tearing what the customer is typing. */
  print(line: string): void;
  /** Prints a last message on `errors` (stderr), clearing the prompt first; no new prompt follows. */
  printError(line: string): void;
  /** Asks one question; `undefined` when input ended first. */
  ask(question: string): Promise<string | undefined>;
  /** From now on, hands every typed line to `handler`. */
  onLine(handler: (line: string) => void): void;
  onInterrupt(handler: () => void): void;
  close(): void;
}

/**
 * The customer's console. On a real terminal a "> " prompt is kept below the
 * output; when stdin/stdout are pipes (scripts, tests) there is no prompt and
 * no cursor control, only plain lines.
 */
export function createTerminal(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream & { isTTY?: boolean },
  errors: NodeJS.WritableStream,
): Terminal {
  const interactive = Boolean(input.isTTY && output.isTTY);
  const lines = readline.createInterface({ input, output, terminal: interactive });
  let inputEnded = false;
  let chatting = false;
  lines.on('close', () => {
    inputEnded = true;
  });

  return {
    print(line) {
      if (interactive && chatting) {
        readline.clearLine(output, 0);
        readline.cursorTo(output, 0);
        output.write(`${line}\n`);
        lines.prompt(true);
      } else {
        output.write(`${line}\n`);
      }
    },
    printError(line) {
      if (interactive && chatting) {
        readline.clearLine(output, 0);
        readline.cursorTo(output, 0);
        chatting = false;
      }
      errors.write(`${line}\n`);
    },
    ask(question) {
      if (inputEnded) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const onClose = () => resolve(undefined);
        lines.once('close', onClose);
        lines.question(question, (answer) => {
          lines.off('close', onClose);
          // A piped answer is not echoed; end the prompt's line ourselves.
          if (!interactive) output.write('\n');
          resolve(answer);
        });
      });
    },
    onLine(handler) {
      chatting = true;
      lines.on('line', (line) => {
        handler(line);
        if (interactive) lines.prompt();
      });
      if (interactive) {
        lines.setPrompt('> ');
        lines.prompt();
      }
    },
    onInterrupt(handler) {
      // In raw mode Ctrl+C reaches readline, not the process.
      lines.on('SIGINT', handler);
    },
    close() {
      lines.close();
    },
  };
}
