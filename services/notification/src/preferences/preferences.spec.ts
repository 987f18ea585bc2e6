import { channelsFor, defaultPreferences, preferencesRequestSchema, publicView } from './preferences';

describe('household preferences', () => {
  it('default to the in-app feed for every kind, nothing sent out', () => {
    const preferences = defaultPreferences('household-1');
    expect(channelsFor(preferences, 'drift')).toEqual(['in-app']);
    expect(channelsFor(preferences, 'price-stale')).toEqual(['in-app']);
    expect(publicView(preferences)).toMatchObject({ email: null, webhook: null });
  });

  it('accept routes with the email recipients and webhook they need', () => {
    const parsed = preferencesRequestSchema.parse({
      routes: { 'approval-required': ['in-app', 'email', 'webhook'], drift: [] },
      email: { recipients: ['advisor@example.com'] },
      webhook: { url: 'https://hooks.example.com/ballast', secret: 'a-long-enough-secret' },
    });
    const preferences = {
      ...defaultPreferences('household-1'),
      routes: parsed.routes,
      emailRecipients: parsed.email?.recipients ?? [],
      webhookUrl: parsed.webhook?.url ?? null,
      webhookSecret: parsed.webhook?.secret ?? null,
    };
    expect(channelsFor(preferences, 'approval-required')).toEqual(['in-app', 'email', 'webhook']);
    // An empty list silences the kind; a kind left out keeps the default.
    expect(channelsFor(preferences, 'drift')).toEqual([]);
    expect(channelsFor(preferences, 'order-executed')).toEqual(['in-app']);
  });

  it('never show the webhook secret, only that it is set', () => {
    const view = publicView({
      ...defaultPreferences('household-1'),
      webhookUrl: 'https://hooks.example.com/ballast',
      webhookSecret: 'a-long-enough-secret',
    });
    expect(view.webhook).toEqual({ url: 'https://hooks.example.com/ballast', secretSet: true });
    expect(JSON.stringify(view)).not.toContain('a-long-enough-secret');
  });

  it.each([
    [{ routes: { drift: ['email'] } }, 'routes.drift', 'routes to email but no email recipients are set'],
    [{ routes: { drift: ['webhook'] } }, 'routes.drift', 'routes to webhook but no webhook is set'],
    [{ routes: { drift: ['sms'] } }, 'routes.drift.0', 'must be one of in-app, email, webhook'],
    [{ routes: { drift: ['in-app', 'in-app'] } }, 'routes.drift', 'lists a channel twice'],
    [{ routes: { everything: ['in-app'] } }, 'routes', 'Unrecognized key: "everything"'],
    [{ email: { recipients: ['not-an-address'] } }, 'email.recipients.0', 'must be an email address'],
    [{ email: { recipients: [] } }, 'email.recipients', 'lists at least one recipient'],
    [
      { webhook: { url: 'ftp://example.com', secret: 'a-long-enough-secret' } },
      'webhook.url',
      'must be an http(s) URL',
    ],
    [
      { webhook: { url: 'https://example.com', secret: 'short' } },
      'webhook.secret',
      'must be at least 16 characters',
    ],
    [{ unknown: true }, '', 'unknown'],
  ])('refuse %j at %s', (body, path, message) => {
    const result = preferencesRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    const issues =
      result.error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? [];
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    if (message !== '') {
      expect(issues.find((issue) => issue.path === path)?.message).toContain(message);
    }
  });
});
