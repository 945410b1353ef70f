/** @module Alert channels behind one interface: generic webhook, Slack incoming webhook, PagerDuty Events v2,
 * and email over SMTP (npm:nodemailer). */
import type nodemailer from "nodemailer";

export interface AlertNotice {
  id: string;
  rule: string;
  severity: "critical" | "warning" | "info";
  state: "firing" | "resolved";
  summary: string;
  value: number;
  runbook: string;
  started_at: string;
  resolved_at?: string;
}

export interface AlertChannel {
  readonly name: string;
  send(n: AlertNotice): Promise<void>;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${url} answered ${r.status}: ${text.slice(0, 200)}`);
}

export class WebhookChannel implements AlertChannel {
  readonly name = "webhook";
  constructor(private readonly url: string, private readonly secret?: string) {}
  send(n: AlertNotice) {
    return post(
      this.url,
      { version: 1, alert: n },
      this.secret ? { authorization: `Bearer ${this.secret}` } : {},
    );
  }
}

export class SlackChannel implements AlertChannel {
  readonly name = "slack";
  constructor(private readonly webhookUrl: string) {}
  send(n: AlertNotice) {
    const icon = n.state === "resolved"
      ? ":white_check_mark:"
      : n.severity === "critical"
      ? ":rotating_light:"
      : ":warning:";
    return post(this.webhookUrl, {
      text: `${icon} [${n.state.toUpperCase()}] ${n.rule} (${n.severity}): ${n.summary}`,
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: `${icon} *${n.rule}* — ${n.state} (${n.severity})\n${n.summary}` },
        },
        {
          type: "context",
          elements: [{
            type: "mrkdwn",
            text: `value ${n.value} · since ${n.started_at} · <${n.runbook}|runbook>`,
          }],
        },
      ],
    });
  }
}

/** PagerDuty Events API v2: trigger on firing, resolve on resolved, dedup by alert id. */
export class PagerDutyChannel implements AlertChannel {
  readonly name = "pagerduty";
  constructor(
    private readonly routingKey: string,
    private readonly url = "https://events.pagerduty.com/v2/enqueue",
  ) {}
  send(n: AlertNotice) {
    return post(this.url, {
      routing_key: this.routingKey,
      event_action: n.state === "resolved" ? "resolve" : "trigger",
      dedup_key: `chemagent-${n.rule}`,
      payload: {
        summary: `${n.rule}: ${n.summary}`,
        severity: n.severity === "critical" ? "critical" : "warning",
        source: "chemagent",
        custom_details: { value: n.value, runbook: n.runbook },
      },
      links: [{ href: n.runbook, text: "runbook" }],
    });
  }
}

export class EmailChannel implements AlertChannel {
  readonly name = "email";
  // nodemailer is imported on first use: it adds ~100 ms to start-up for a channel that may never send.
  #transport?: Promise<ReturnType<typeof nodemailer.createTransport>>;
  constructor(
    private readonly smtp: { host: string; port: number; secure?: boolean; user?: string; pass?: string },
    private readonly from: string,
    private readonly to: string[],
  ) {}
  #connect() {
    const smtp = this.smtp;
    return this.#transport ??= import("nodemailer").then(({ default: mailer }) =>
      mailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure ?? false,
        ignoreTLS: !smtp.secure,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass } } : {}),
        connectionTimeout: 5000,
      })
    );
  }
  async send(n: AlertNotice) {
    await (await this.#connect()).sendMail({
      from: this.from,
      to: this.to,
      subject: `[ChemAgent ${n.state.toUpperCase()}] ${n.rule} (${n.severity})`,
      text: `${n.summary}\n\nvalue: ${n.value}\nsince: ${n.started_at}${
        n.resolved_at ? `\nresolved: ${n.resolved_at}` : ""
      }\nrunbook: ${n.runbook}\n`,
    });
  }
}
