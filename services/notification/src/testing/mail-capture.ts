// A real SMTP server (the `smtp-server` package) for the integration tests, and just enough MIME
// decoding to read what nodemailer sent: unfolded headers, encoded words, quoted-printable or
// base64 bodies.
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export class MailCapture {
  readonly mails: CapturedMail[] = [];
  private readonly server: SMTPServer;

  /** `rejects`: recipients refused with a permanent `550` (a mailbox that does not exist). */
  constructor(rejects: (address: string) => boolean = () => false) {
    this.server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on localhost: no certificate to make up, and nodemailer sends without STARTTLS.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // No reverse DNS of each client: a lookup that times out would slow every message down.
      disableReverseLookup: true,
      onRcptTo: (address, _session, callback) => {
        if (!rejects(address.address)) return callback();
        const error = new Error(`mailbox ${address.address} unavailable`) as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          this.mails.push({
            from,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            ...parseMime(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        });
      },
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parseMime(raw: string): { subject: string; text: string; headers: Record<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n(?=[ \t])/g, '');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return {
    subject: decodeEncodedWords(headers['subject'] ?? ''),
    text: text.replace(/\r\n/g, '\n'),
    headers,
  };
}

function decodeQuotedPrintable(text: string): string {
  // Literal percent signs first, so that only the =XX escapes become %XX for decodeURIComponent.
  return decodeURIComponent(
    text
      .replace(/=\r\n/g, '')
      .replace(/%/g, '%25')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`),
  );
}

function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?(.*?)\?=/gi, (_, mode: string, data: string) =>
      mode.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
