import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RedisServerError, startRedisServer } from './redis-server.js';

function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', reject);
  });
}

describe('startRedisServer', () => {
  it('starts a private server on a free port and stops it', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await command(redis.port, 'SET k v')).toBe('+OK\r\n');
      expect(await command(redis.port, 'CONFIG GET maxmemory-policy')).toContain('noeviction');
    } finally {
      await redis.stop();
    }
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('names the fix when the binary is missing', async () => {
    await expect(startRedisServer({ binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      new RedisServerError(
        'redis-server not found: install it with `sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), or set REDIS_URL to an existing server',
      ),
    );
  });

  it('reports a port already in use', async () => {
    const first = await startRedisServer();
    try {
      await expect(startRedisServer({ port: first.port, startTimeoutMs: 3_000 })).rejects.toThrow(
        /exited before it was ready/,
      );
    } finally {
      await first.stop();
    }
  });
});
