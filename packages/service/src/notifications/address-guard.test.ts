import { isHindsightError } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { addressRefusal, resolveWebhookAddress } from './address-guard.js';

async function refusal(url: string, allowed: readonly string[] = []): Promise<string> {
  try {
    await resolveWebhookAddress(url, allowed);
  } catch (error) {
    if (isHindsightError(error) && error.code === 'HS_ERR_WEBHOOK_URL') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('webhook URLs', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://localhost:8080/hook', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'shared'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fc00::1]/', 'unique-local'],
    ['http://[fd12:3456::1]/', 'unique-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
    ['http://[::ffff:169.254.169.254]/', 'IPv4-mapped'],
    ['http://[::ffff:8.8.8.8]/', 'IPv4-mapped'],
    ['http://[::127.0.0.1]/', 'IPv4-compatible'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'NAT64'],
  ])('refuse %s (%s)', async (url, kind) => {
    const message = await refusal(url);
    expect(message).toMatch(/^webhook url refused: /);
    expect(message).toContain(kind);
  });

  it.each([
    ['ftp://example.com/', 'scheme ftp'],
    ['file:///etc/passwd', 'scheme file'],
    ['javascript:alert(1)', 'scheme javascript'],
    ['not a url', 'not an absolute URL'],
    ['https://user:pw@example.com/', 'credentials'],
    ['http://no-such-host.invalid/', 'does not resolve'],
  ])('refuse %s (%s)', async (url, reason) => {
    expect(await refusal(url)).toContain(reason);
  });

  it('accept public addresses, and hand back the address to connect to', async () => {
    expect(await resolveWebhookAddress('https://93.184.215.14/x', [])).toMatchObject({
      address: '93.184.215.14',
      family: 4,
    });
    expect(await resolveWebhookAddress('http://[2606:4700::1111]/', [])).toMatchObject({
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it('let WEBHOOK_ALLOWED_HOSTS through, matching the host as the URL names it', async () => {
    expect(await refusal('http://127.0.0.1:9000/in', ['127.0.0.1'])).toBe('accepted');
    expect(await refusal('http://localhost:9000/in', ['LOCALHOST'])).toBe('accepted');
    expect(await refusal('http://[::1]:9000/in', ['[::1]'])).toBe('accepted');
    expect(await refusal('http://localhost:9000/in', ['127.0.0.1'])).toContain('loopback');
    for (const numeric of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/']) {
      expect(
        await refusal(numeric, ['127.0.0.1']),
        `${numeric} is not 127.0.0.1 as written`,
      ).toContain('loopback');
    }
  });

  it('classify addresses of either family', () => {
    expect(addressRefusal('8.8.8.8')).toBeNull();
    expect(addressRefusal('172.32.0.1')).toBeNull();
    expect(addressRefusal('172.31.255.255')).toBe('private');
    expect(addressRefusal('2001:4860:4860::8888')).toBeNull();
    expect(addressRefusal('2001:db8::1')).toBe('documentation');
    expect(addressRefusal('::ffff:7f00:1')).toBe('IPv4-mapped IPv6');
    expect(addressRefusal('2002:7f00:1::')).toBe('6to4 (embeds IPv4)');
  });
});
