import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  createPooledFetch,
  createProviderAdapter,
  resolveProviderConnection,
  type ProviderAdapter,
} from '@switchyard/providers';
import { RoutingTableHolder, type ProviderConfig } from '@switchyard/routing';
import { SWITCHYARD_CONFIG } from './runtime.tokens';

/**
 * One adapter per provider, built from the routing table and the environment. A provider whose key
 * variable is unset is pointed at the provider simulator, and start-up says so.
 */
@Injectable()
export class ProviderAdapters {
  private readonly logger = new Logger('Providers');
  private readonly adapters = new Map<
    string,
    { config: ProviderConfig; adapter: ProviderAdapter }
  >();
  private announced = new Set<string>();
  /** One keep-alive pool per provider, kept across routing-table reloads that rebuild its adapter. */
  private readonly transports = new Map<string, typeof fetch>();

  constructor(
    private readonly routing: RoutingTableHolder,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  get(providerName: string): ProviderAdapter {
    const config = this.routing.current.providers[providerName];
    if (!config) throw new Error(`provider ${providerName} is not in the routing table`);
    const cached = this.adapters.get(providerName);
    if (cached && cached.config === config) return cached.adapter;
    const { connection, simulated } = resolveProviderConnection(
      config,
      this.config.environment,
      this.config.simulatorUrl,
    );
    if (!this.announced.has(providerName)) {
      this.announced.add(providerName);
      this.logger.log(
        simulated
          ? `${providerName}: ${config.api_key_env ?? 'no key variable'} is unset, calls go to the provider simulator at ${connection.baseURL}`
          : `${providerName}: ${config.kind} at ${connection.baseURL}`,
      );
    }
    let transport = this.transports.get(providerName);
    if (!transport) {
      transport = createPooledFetch();
      this.transports.set(providerName, transport);
    }
    const adapter = createProviderAdapter({ ...connection, fetch: transport });
    this.adapters.set(providerName, { config, adapter });
    return adapter;
  }
}
