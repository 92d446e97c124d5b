import { SecretKeyRef } from '../metrics/scrape';

/** The kinds of receiver the routing renders. */
export enum AlertReceiverKind {
  /** An HTTP webhook (Alertmanager's webhook_config). */
  WEBHOOK = 'webhook',
  /** A Slack incoming webhook (slack_config). */
  SLACK = 'slack',
  /** PagerDuty Events API v2 (pagerduty_config with a routing key). */
  PAGERDUTY = 'pagerduty',
  /** Email over SMTP (email_config). */
  EMAIL = 'email',
}

/** A webhook receiver. */
export interface WebhookReceiverOptions {
  /** The receiver's name, as routes name it. */
  readonly name: string;
  /** The Secret key holding the webhook's URL (it may carry a token: never inline). */
  readonly url: SecretKeyRef;
  /**
   * Notify when the alerts resolve.
   *
   * @default true
   */
  readonly sendResolved?: boolean;
}

/** A Slack receiver. */
export interface SlackReceiverOptions {
  /** The receiver's name, as routes name it. */
  readonly name: string;
  /** The Secret key holding the Slack incoming-webhook URL. */
  readonly apiUrl: SecretKeyRef;
  /**
   * The channel to post to.
   *
   * @default - the webhook's own channel
   */
  readonly channel?: string;
  /**
   * Notify when the alerts resolve.
   *
   * @default true
   */
  readonly sendResolved?: boolean;
}

/** A PagerDuty receiver (Events API v2). */
export interface PagerDutyReceiverOptions {
  /** The receiver's name, as routes name it. */
  readonly name: string;
  /** The Secret key holding the integration's routing key. */
  readonly routingKey: SecretKeyRef;
}

/** An email receiver. */
export interface EmailReceiverOptions {
  /** The receiver's name, as routes name it. */
  readonly name: string;
  /** The address to send to. */
  readonly to: string;
  /** The sender address. */
  readonly from: string;
  /** The SMTP server, `host:port`. */
  readonly smarthost: string;
  /**
   * The SMTP user name.
   *
   * @default - no authentication
   */
  readonly authUsername?: string;
  /**
   * The Secret key holding the SMTP password (with `authUsername`).
   *
   * @default - no authentication
   */
  readonly authPassword?: SecretKeyRef;
}

/**
 * Where notifications go: a typed receiver whose every URL, key and password is a Secret key
 * reference, never inline. Made by the static factories.
 */
export class AlertReceiver {
  /** A webhook receiver. */
  public static webhook(options: WebhookReceiverOptions): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.WEBHOOK, options.name, { url: options.url }, { sendResolved: options.sendResolved ?? true });
  }

  /** A Slack receiver. */
  public static slack(options: SlackReceiverOptions): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.SLACK, options.name, { apiUrl: options.apiUrl },
      { sendResolved: options.sendResolved ?? true, channel: options.channel });
  }

  /** A PagerDuty receiver. */
  public static pagerDuty(options: PagerDutyReceiverOptions): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.PAGERDUTY, options.name, { routingKey: options.routingKey }, {});
  }

  /** An email receiver. */
  public static email(options: EmailReceiverOptions): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.EMAIL, options.name,
      options.authPassword ? { authPassword: options.authPassword } : {},
      { to: options.to, from: options.from, smarthost: options.smarthost, authUsername: options.authUsername });
  }

  /** The receiver's kind. */
  public readonly kind: AlertReceiverKind;
  /** The receiver's name. */
  public readonly name: string;
  private readonly secretRefs: { [field: string]: SecretKeyRef };
  private readonly plain: { [field: string]: string | boolean | undefined };

  private constructor(kind: AlertReceiverKind, name: string, secrets: { [field: string]: SecretKeyRef },
    plain: { [field: string]: string | boolean | undefined }) {
    this.kind = kind;
    this.name = name;
    this.secretRefs = secrets;
    this.plain = plain;
  }

  /**
   * The receiver as the routing model holds it.
   *
   * @internal
   */
  public _model(): ReceiverModel {
    return { kind: this.kind, name: this.name, secrets: { ...this.secretRefs }, settings: { ...this.plain } };
  }
}

/** A receiver in the routing model: its secret fields (Secret key references) and plain settings. */
export interface ReceiverModel {
  readonly kind: AlertReceiverKind;
  readonly name: string;
  readonly secrets: { readonly [field: string]: SecretKeyRef };
  readonly settings: { readonly [field: string]: string | boolean | undefined };
}

/** The receiver kinds a one-line spec (`KIND:SECRET/KEY`, the CLI's) can name. */
export const SPEC_RECEIVER_KINDS = [AlertReceiverKind.WEBHOOK, AlertReceiverKind.SLACK, AlertReceiverKind.PAGERDUTY] as const;

/**
 * A receiver from a one-line spec `KIND:SECRET/KEY` (webhook, slack or pagerduty; the Secret key
 * holds the URL or routing key), or the problem with the spec.
 */
export function receiverFromSpec(name: string, spec: string): { receiver?: AlertReceiver; problem?: string } {
  const kinds = SPEC_RECEIVER_KINDS.join(', ');
  const m = /^([a-z]+):([^/]+)\/(.+)$/.exec(spec);
  if (/:\/\//.test(spec)) {
    return { problem: `holds a URL inline: it must be KIND:SECRET/KEY (KIND ${kinds}), naming the Secret key that holds the URL or key, never the secret itself` };
  }
  if (!m) return { problem: `must be KIND:SECRET/KEY with KIND one of ${kinds}, e.g. pagerduty:alertmanager-secrets/routing-key` };
  const [, kind, secret, key] = m;
  const ref = { name: secret, key };
  switch (kind) {
    case AlertReceiverKind.WEBHOOK: return { receiver: AlertReceiver.webhook({ name, url: ref }) };
    case AlertReceiverKind.SLACK: return { receiver: AlertReceiver.slack({ name, apiUrl: ref }) };
    case AlertReceiverKind.PAGERDUTY: return { receiver: AlertReceiver.pagerDuty({ name, routingKey: ref }) };
    default: return { problem: `names receiver kind '${kind}': allowed are ${kinds} (email needs more settings than a flag holds: use the library)` };
  }
}
