import type { Server } from 'node:http';
import { Module } from '@nestjs/common';
import { loadConfig } from '@switchyard/config';
import { createProcessApp } from './process-bootstrap';

@Module({})
class EmptyModule {}

describe('createProcessApp', () => {
  it("keeps Node's 5-minute limit for receiving a request, which Fastify would turn off", async () => {
    const app = await createProcessApp(EmptyModule, loadConfig({}), { logger: false });
    try {
      await app.init();
      expect((app.getHttpServer() as Server).requestTimeout).toBe(300_000);
    } finally {
      await app.close();
    }
  });
});
