import { createTransport, type Transporter } from 'nodemailer';
import type { EmailContent } from './messages.js';

export interface Mailer {
  send(to: string, content: EmailContent): Promise<void>;
}

/**
 * E-mail through the SMTP server of SMTP_URL (`smtp://user:pass@host:587`, `smtps://...`),
 * from SMTP_FROM. Not pooled: each message opens and closes its own connection, so there is
 * nothing to close, and a server that restarts between messages costs nothing.
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = createTransport(smtpUrl);
  return {
    async send(to, content) {
      await transport.sendMail({ from, to, ...content });
    },
  };
}
